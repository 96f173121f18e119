# Builds the steward binary and a slim runtime image.
FROM swift:6.1-bookworm AS build
WORKDIR /src
COPY . .
# The same release build that BENCHMARKS.md measures (static Swift runtime, no PIE; see the script).
RUN scripts/build-release.sh --product steward && cp .build-release/release/steward /steward

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libcurl4 libxml2 tzdata \
 && rm -rf /var/lib/apt/lists/* && useradd --system --home /data steward && mkdir /data && chown steward /data
COPY --from=build /steward /usr/local/bin/steward
USER steward
WORKDIR /data
EXPOSE 8080
ENTRYPOINT ["steward"]
CMD ["serve", "--host", "0.0.0.0", "--data", "/data"]

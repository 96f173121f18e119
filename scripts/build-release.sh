#!/usr/bin/env bash
# The release build that ships (Dockerfile) and that BENCHMARKS.md measures.
#
# --static-swift-stdlib: the Swift runtime and Foundation are linked in, so the image needs no
#   Swift toolchain and only the code the binary uses is mapped.
# -no-pie: a position-dependent executable needs no relocation at start. As a PIE, the loader
#   rewrote every pointer in Swift metadata at start, which made 3 MB of the binary private,
#   dirty memory in every process (idle RSS 39-40 MB as PIE, 36 MB without; measured with
#   `steward-bench ingest`). The price is that the executable's own code is not placed at a random
#   address (shared libraries, heap and stacks still are), as with Go's default Linux builds.
#
# Usage: scripts/build-release.sh [swift build options...], e.g. --product steward.
set -euo pipefail
cd "$(dirname "$0")/.."
exec swift build -c release --scratch-path .build-release --static-swift-stdlib -Xlinker -no-pie "$@"

import ArgumentParser
import Foundation

@main
struct StewardBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "steward-bench",
        abstract: "Drive a real steward server over loopback and report rates, latency and memory.",
        discussion: """
        Build both in release first, as the Docker image and BENCHMARKS.md do:
          scripts/build-release.sh
        then run: .build-release/release/steward-bench ingest
        """,
        subcommands: [Ingest.self, Decode.self, CEL.self, Lineage.self])
}

struct Ingest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ingest throughput (JSON, protobuf), latency at half rate, memory, latest-read latency, and the machine's bulk-load ceiling.")

    @OptionGroup var server: ServerOptions
    @Option(help: "Seconds per throughput run.") var seconds = 15.0
    @Option(help: "Concurrent senders.") var concurrency = 4
    @Option(help: "Observations per batch in throughput runs.") var batch = 1000
    @Option(help: "Observations to hold before measuring latest-of-each-kind reads (0 to skip).") var fill = 0
    @Option(help: "Measure latency at this many observations/s instead of half of each format's maximum, to compare builds at equal load.")
    var latencyRate: Double?
    @Option(help: "Write every latency-test request (format, observations in its batch, wall-clock start in ms since 1970, milliseconds taken) to this CSV file, to line slow ones up with the database's log.")
    var latencyLog: String?

    func run() async throws {
        let bench = try await IngestBench(binary: server.binary, backend: server.backend, postgresURL: server.postgresURL, seconds: seconds,
                                          concurrency: concurrency, batchSize: batch, fill: fill)
        bench.latencyRate = latencyRate
        bench.latencyLog = latencyLog
        try await bench.run()
    }
}

struct Lineage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "OpenLineage ingest (RunEvents of about 2 KB), depth-10 lineage on a 100k-dataset graph, impact over 1,000 products.")

    @OptionGroup var server: ServerOptions
    @Option(help: "Seconds of ingest.") var seconds = 15.0
    @Option(help: "Concurrent senders.") var concurrency = 4
    @Option(help: "Events per batch.") var batch = 200
    @Option(help: "Datasets in the query graph (each written by a job reading two earlier ones).") var datasets = 100_000
    @Option(help: "Queries per latency measurement.") var queries = 500

    func run() async throws {
        let bench = try await IngestBench(binary: server.binary, backend: server.backend, postgresURL: server.postgresURL, seconds: seconds,
                                          concurrency: concurrency, batchSize: batch, fill: 0)
        try await LineageBench(server: bench, seconds: seconds, concurrency: concurrency, batchSize: batch,
                               graphDatasets: datasets, queries: queries).run()
    }
}

/// The server a benchmark starts: which binary, on which store.
struct ServerOptions: ParsableArguments {
    @Option(help: "sqlite or postgres (postgres needs --postgres-url).") var backend = "sqlite"
    @Option(help: "PostgreSQL URL for the postgres backend (the database is wiped).") var postgresURL: String?
    @Option(help: "Path of the steward binary (default: next to this program).") var steward: String?

    var binary: String { steward ?? (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/steward" }
}

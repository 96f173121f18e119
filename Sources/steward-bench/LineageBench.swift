import Foundation
import NIOCore
import StewardCore

/// Lineage figures of issue 4 against a real `steward serve` (started by `IngestBench`'s helpers):
/// RunEvents of about 2 KB through the batch endpoint, depth-10 lineage queries on a graph of
/// 100,000 datasets and 200,000 job-dataset edges, and impact over 1,000 downstream products.
struct LineageBench {
    let server: IngestBench
    let seconds: Double
    let concurrency: Int
    let batchSize: Int
    let graphDatasets: Int
    let queries: Int

    func run() async throws {
        do { try await measure() } catch { await server.stop(); throw error }
        await server.stop()
    }

    func measure() async throws {
        if server.backend == "postgres" { try Shell.psql(server.postgresURL, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;") }
        try server.startServer()
        try await server.waitReady()
        server.token = try Shell.run(server.binary, ["token", "create", "--role", "admin"] + server.storeArgs)
            .split(separator: "\n").last.map(String.init) ?? ""
        say("machine: \(Machine.describe())")
        say("backend: \(server.backend), \(concurrency) senders, batches of \(batchSize) events")

        // 1. Ingest of ~2 KB RunEvents (schema and column lineage facets); --seconds 0 skips it.
        if seconds > 0 { try await ingestFigures() }
        try await queryFigures()
    }

    func ingestFigures() async throws {
        let sample = Self.richEvent(0, run: UUID().uuidString.lowercased())
        let bodies = (0..<40).map { b in
            ByteBuffer(string: "[" + (0..<batchSize).map { Self.richEvent(b * batchSize + $0, run: UUID().uuidString.lowercased()) }
                .joined(separator: ",") + "]")
        }
        progress("ingesting RunEvents of \(sample.utf8.count) bytes for \(seconds)s")
        let ingest = try await throughput(bodies)
        say(String(format: "ingest: %8.0f RunEvents/s of %d bytes (%d batches of %d)", ingest.rate, sample.utf8.count, ingest.batches, batchSize))
    }

    func queryFigures() async throws {
        // 2. Depth-10 lineage on 100k datasets and 200k job-dataset edges: the first third are sources; every other
        //    dataset is written by one job that reads two earlier datasets.
        progress("building a graph of \(graphDatasets) datasets")
        let chunk = 2000
        var sent = 0
        try await withThrowingTaskGroup(of: Void.self) { group in
            for start in stride(from: graphDatasets / 3, to: graphDatasets, by: chunk) {
                if sent >= concurrency { try await group.next(); sent -= 1 }
                group.addTask {
                    let events = (start..<min(start + chunk, graphDatasets)).map(Self.graphEvent).joined(separator: ",")
                    let (status, text) = try await server.send("POST", "/api/v1/lineage/batch", body: ByteBuffer(string: "[\(events)]"), type: "application/json")
                    guard status == 200, text.contains(#""status":"success""#) else { throw BenchError("graph batch failed: \(status) \(text.prefix(300))") }
                }
                sent += 1
            }
            try await group.waitForAll()
        }
        var rng = SystemRandomNumberGenerator()
        var sample: [ByteBuffer] = [], bytes: [Int] = []
        let lineage = try await IngestBench.Latency.timed(queries) { _ in
            let d = Int.random(in: (graphDatasets / 3)..<graphDatasets, using: &rng) // written datasets: always in the graph
            let (status, body) = try await server.sendRaw("GET", "/api/v1/lineage?dataset=bench:d\(d)&depth=10&direction=both", body: nil, type: nil)
            guard status == 200 else { throw BenchError("lineage query failed: \(status)") }
            bytes.append(body.readableBytes)
            if sample.count < 50 { sample.append(body) }
        }
        // Counted after timing: decoding a megabyte-sized answer would otherwise be timed too.
        let nodes = sample.map { String(buffer: $0).components(separatedBy: #""id":"#).count - 1 }.sorted()
        bytes.sort()
        say(String(format: "lineage depth 10 (both directions), %d datasets, %d job-dataset edges: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d queries; answer bytes p50 %d, max %d; nodes in 50 answers p50 %d, max %d)",
                   graphDatasets, 3 * (graphDatasets - graphDatasets / 3), lineage.p50, lineage.p99, lineage.max, lineage.count,
                   bytes[bytes.count / 2], bytes.last ?? 0, nodes[nodes.count / 2], nodes.last ?? 0))

        // 3. Impact of a dataset feeding 1,000 registered products.
        progress("registering 1000 downstream products")
        let products = 1000
        let fanout = (0..<products).map { k in
            #"{"eventType":"COMPLETE","eventTime":"2026-11-21T10:00:00Z","producer":"bench","run":{"runId":"\#(UUID().uuidString.lowercased())"},"job":{"namespace":"bench","name":"fan\#(k)"},"inputs":[{"namespace":"impact","name":"source"}],"outputs":[{"namespace":"impact","name":"p\#(k)"}]}"#
        }
        _ = try await server.send("POST", "/api/v1/lineage/batch", body: ByteBuffer(string: "[" + fanout.joined(separator: ",") + "]"), type: "application/json")
        for k in 0..<products {
            let body = #"{"domain":"d\#(k % 20)","name":"p\#(k)","owner":"team-\#(k % 20)","oncall":"oncall-\#(k % 20)","tier":"silver","classification":"internal","datasets":[{"namespace":"impact","name":"p\#(k)"}]}"#
            let (status, text) = try await server.send("PUT", "/api/v1/products/d\(k % 20)/p\(k)", body: ByteBuffer(string: body), type: "application/json")
            guard status == 201 || status == 200 else { throw BenchError("register failed: \(status) \(text.prefix(200))") }
        }
        // Registering 1,000 products makes the server evaluate each against the policies; measure once that settles.
        try await waitQuiet()
        var last = ""
        let impact = try await IngestBench.Latency.timed(queries) { _ in
            let (status, text) = try await server.get("/api/v1/impact?dataset=impact:source")
            guard status == 200 else { throw BenchError("impact failed: \(status)") }
            last = text
        }
        let affected = last.components(separatedBy: #""product":"d"#).count - 1
        say(String(format: "impact of a dataset with %d downstream products: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d queries)",
                   affected, impact.p50, impact.p99, impact.max, impact.count))
    }

    // MARK: Events

    /// A COMPLETE RunEvent: one input, one output with a 12-field schema and column lineage for 4 of them.
    static func richEvent(_ n: Int, run: String) -> String {
        let fields = (0..<12).map { #"{"name":"column_\#($0)","type":"\#($0 % 3 == 0 ? "bigint" : "varchar")"}"# }
        let lineage = (0..<4).map {
            #""column_\#($0)":{"inputFields":[{"namespace":"postgres://source-db:5432/app","name":"public.source_\#(n % 500)","field":"src_\#($0)","transformations":[{"type":"DIRECT","subtype":"IDENTITY"}]}]}"#
        }
        return #"{"eventType":"COMPLETE","eventTime":"2026-11-21T10:00:00.000Z","producer":"https://github.com/OpenLineage/OpenLineage/tree/1.40.0/integration/airflow","schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent","run":{"runId":"\#(run)"},"job":{"namespace":"airflow-prod","name":"etl.load_\#(n % 500)"},"inputs":[{"namespace":"postgres://source-db:5432/app","name":"public.source_\#(n % 500)"}],"outputs":[{"namespace":"postgres://warehouse:5432/dw","name":"public.target_\#(n % 500)","facets":{"schema":{"_producer":"https://github.com/OpenLineage/OpenLineage/tree/1.40.0/integration/airflow","_schemaURL":"https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet","fields":[\#(fields.joined(separator: ","))]},"columnLineage":{"_producer":"https://github.com/OpenLineage/OpenLineage/tree/1.40.0/integration/airflow","_schemaURL":"https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet","fields":{\#(lineage.joined(separator: ","))}}},"outputFacets":{"outputStatistics":{"_producer":"airflow","_schemaURL":"https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json","rowCount":\#(n)}}}]}"#
    }

    /// The job writing dataset i reads two earlier datasets (among the previous 1,000).
    static func graphEvent(_ i: Int) -> String {
        var g = SplitMix(seed: UInt64(i))
        let a = max(0, i - 1 - Int(g.next() % 1000))
        let b = max(0, i - 1 - Int(g.next() % 1000))
        let run = String(format: "%08x-0000-4000-8000-%012x", i, i)
        return #"{"eventType":"COMPLETE","eventTime":"2026-11-21T10:00:00Z","producer":"bench","run":{"runId":"\#(run)"},"job":{"namespace":"bench","name":"j\#(i)"},"inputs":[{"namespace":"bench","name":"d\#(a)"},{"namespace":"bench","name":"d\#(b)"}],"outputs":[{"namespace":"bench","name":"d\#(i)"}]}"#
    }

    // MARK: Measuring

    /// Waits (at most a minute) until the server uses under a tenth of a core over half a second.
    func waitQuiet() async throws {
        func ticks() -> Int {
            guard let pid = server.server?.processIdentifier,
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return 0 }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0) // utime + stime, after pid and comm
        }
        let hz = Double(sysconf(Int32(_SC_CLK_TCK)))
        for _ in 0..<120 {
            let before = ticks()
            try await Task.sleep(for: .milliseconds(500))
            if Double(ticks() - before) / hz < 0.05 { return }
        }
        progress("server still busy after a minute; measuring anyway")
    }

    func throughput(_ bodies: [ByteBuffer]) async throws -> (rate: Double, batches: Int) {
        let counter = Counter()
        let start = ContinuousClock.now
        let deadline = start + .seconds(seconds)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in 0..<concurrency {
                group.addTask {
                    var i = sender
                    while ContinuousClock.now < deadline {
                        // Each body is sent once per pass; later passes are duplicates, so give each pass new run ids.
                        let body = i < bodies.count ? bodies[i] : ByteBuffer(string: "[" + (0..<batchSize).map {
                            Self.richEvent(i * batchSize + $0, run: UUID().uuidString.lowercased()) }.joined(separator: ",") + "]")
                        let (status, text) = try await server.send("POST", "/api/v1/lineage/batch", body: body, type: "application/json")
                        guard status == 200, text.contains(#""status":"success""#) else { throw BenchError("batch failed: \(status) \(text.prefix(300))") }
                        await counter.add()
                        i += concurrency
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = start.duration(to: .now).milliseconds / 1000
        let batches = await counter.batches
        return (Double(batches * batchSize) / elapsed, batches)
    }
}

/// Deterministic, so every run builds the same graph.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import StewardAPI
import StewardCore
import Synchronization

/// Starts `steward serve` on a fresh store, registers products, then pushes pre-encoded batches
/// from several concurrent senders. Each request gets a fresh batchId (spliced into the encoded
/// body), so every batch is really stored, never answered as a duplicate.
final class IngestBench: @unchecked Sendable {
    let binary: String
    let backend: String
    let postgresURL: String?
    let seconds: Double
    let concurrency: Int
    let batchSize: Int
    let fill: Int
    let port: Int
    let dataDir: String
    var server: Process?
    /// SIGINT and SIGTERM handlers that stop the server too (see `stopServerOnSignals`).
    var signalSources: [any DispatchSourceSignal] = []
    /// Fixed latency-test rate (observations/s); nil: half of each format's measured maximum.
    var latencyRate: Double?
    /// CSV of every latency-test request, when set.
    var latencyLog: String?
    /// The mixed load's two senders finish together and both append here.
    let latencyLogLines = Mutex<[String]>([])
    var token = ""
    /// The paced latency loads' one event loop (see `PacedSender`).
    let senderLoop = MultiThreadedEventLoopGroup.singleton.next()
    let client = HTTPClient(eventLoopGroupProvider: .singleton,
                            configuration: .init(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)))

    static let products = 20
    static let datasetsPerProduct = 5

    init(binary: String, backend: String, postgresURL: String?, seconds: Double, concurrency: Int, batchSize: Int, fill: Int) async throws {
        self.binary = binary; self.backend = backend; self.postgresURL = postgresURL; self.seconds = seconds
        self.concurrency = concurrency; self.batchSize = batchSize; self.fill = fill
        port = Int.random(in: 20_000...40_000)
        dataDir = NSTemporaryDirectory() + "steward-bench-\(UUID().uuidString)"
    }

    var storeArgs: [String] {
        backend == "postgres" ? ["--data", dataDir, "--postgres", postgresURL ?? ""] : ["--data", dataDir]
    }

    func run() async throws {
        do {
            try await measure()
        } catch {
            await stop()
            throw error
        }
        await stop()
    }

    func stop() async {
        server?.terminate()
        server?.waitUntilExit()
        try? FileManager.default.removeItem(atPath: dataDir)
        try? await client.shutdown()
    }

    func measure() async throws {
        if backend == "postgres" { try Shell.psql(postgresURL, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;") }
        try startServer()
        try await waitReady()
        progress("server ready")
        token = try Shell.run(binary, ["token", "create", "--role", "admin"] + storeArgs).split(separator: "\n").last.map(String.init) ?? ""
        progress("token created")
        try await registerProducts()
        progress("products registered")
        let idleRSS = rss()
        say("machine: \(Machine.describe())")
        say("backend: \(backend), \(concurrency) senders, batches of \(batchSize), \(seconds)s per run")
        say(String(format: "idle RSS: %.1f MB (%d kB, MB = 1,024 kB as in /proc; %d kB anonymous, %d kB file pages; binary started from a cold page cache)",
                   Double(idleRSS) / 1024, idleRSS, status("RssAnon"), status("RssFile")))
        say(String(format: "sender's cost to build one body of %d: JSON %.2f ms, protobuf %.2f ms", batchSize,
                   try Self.encodeCost(.json, size: batchSize), try Self.encodeCost(.protobuf, size: batchSize)))

        let json = try await throughput(format: .json, size: batchSize)
        say(String(format: "JSON:     %9.0f observations/s  (%d batches, peak RSS %d MB)", json.rate, json.batches, json.peakRSS / 1024))
        let proto = try await throughput(format: .protobuf, size: batchSize)
        say(String(format: "protobuf: %9.0f observations/s  (%d batches, peak RSS %d MB)", proto.rate, proto.batches, proto.peakRSS / 1024))

        // Each format at half its own maximum: a JSON agent is never offered protobuf's rate. Two
        // loads: all of it in 100-observation batches, then most of it in the throughput runs'
        // batches with 100-observation batches among them (see BENCHMARKS.md, session 17).
        var latencyObservations = 0
        for (format, rate) in [(Format.json, json.rate), (.protobuf, proto.rate)] {
            let rate = latencyRate ?? rate / 2
            // The latency test measures a steady half-rate load, not the server catching up after
            // the run at its maximum (SQLite derives its tail and checkpoints once batches pause).
            try await Task.sleep(for: .seconds(2))
            let (latency, spent) = try await pacedLatency(format, rate: rate)
            latencyObservations += latency.count * 100
            say(String(format: "latency of 100-observation %@ batches at %.0f obs/s, all in batches of 100: %@",
                       format.name, rate, latency.summary))
            say(spent.lines(per: "batch", requests: latency.count))

            try await Task.sleep(for: .seconds(2))
            let (mixed, mixedSpent) = try await mixedLatency(format, rate: rate)
            latencyObservations += mixed.small.count * 100 + mixed.large.count * batchSize
            say(String(format: "latency of 100-observation %@ batches at %.0f obs/s, nine tenths in batches of %d: %@",
                       format.name, rate, batchSize, mixed.small.summary))
            say(String(format: "  the batches of %d: %@", batchSize, mixed.large.summary))
            say(mixedSpent.lines(per: "request of either size", requests: mixed.small.count + mixed.large.count))
        }
        if let latencyLog {
            try ("format,observations,start_ms,milliseconds\n" + latencyLogLines.withLock { $0.joined(separator: "\n") } + "\n").write(toFile: latencyLog, atomically: true, encoding: .utf8)
        }

        if fill > 0 {
            let stored = json.observations + proto.observations + latencyObservations
            if fill > stored {
                say("filling to \(fill) observations ...")
                _ = try await throughput(format: .protobuf, size: batchSize, stopAfter: fill - stored)
            }
            // Reads measure a settled store, not the deriver catching up with the fill.
            try await Task.sleep(for: .seconds(5))
            try await latestReads(after: "5 s after the fill")
            if backend == "postgres" {
                // The first set may overlap autovacuum, which a fill of millions of rows starts
                // within the minute (it did in session 14's runs). Done now, the second set reads
                // the store as it is once autovacuum has passed.
                try Shell.psql(postgresURL, "VACUUM (ANALYZE) observations")
                try await latestReads(after: "after VACUUM ANALYZE")
            }
        }
        let ceiling = try Ceiling.measure(backend: backend, postgresURL: postgresURL, rows: 500_000)
        say(String(format: "ceiling (%@, same rows, no HTTP): %.0f rows/s; Steward JSON = %.2f× and protobuf = %.2f× of it",
                     ceiling.tool, ceiling.rate, json.rate / ceiling.rate, proto.rate / ceiling.rate))
    }

    // MARK: Server

    func startServer() throws {
        Self.dropFromPageCache(binary)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["serve", "--port", String(port), "--log-level", "error"] + storeArgs
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        server = p
        stopServerOnSignals(p)
    }

    /// Ctrl-C, or `timeout` ending a run, stops the server and removes its data too: a server left
    /// behind keeps its port and its data, and maps the binary, which distorted later runs'
    /// idle memory (BENCHMARKS.md, session 33).
    func stopServerOnSignals(_ p: Process) {
        signalSources.forEach { $0.cancel() }
        let pid = p.processIdentifier, dataDir = dataDir
        signalSources = [SIGINT, SIGTERM].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                kill(pid, SIGTERM)
                // Foundation's Process reaps the child; waiting here with waitpid raced it and trapped.
                var waited = 0
                while kill(pid, 0) == 0, waited < 1000 { usleep(10_000); waited += 1 }  // at most 10 s
                try? FileManager.default.removeItem(atPath: dataDir)
                exit(128 + sig)
            }
            source.resume()
            return source
        }
    }

    /// Drops the binary's pages from the page cache, so the server starts as after a reboot or an
    /// image pull. Why: the idle RSS counts the binary's pages the server maps, and how many it maps
    /// depends on how the file entered the cache. Right after the linker wrote it, the same binary
    /// idled at 39.6-41.0 MB instead of 32 MB (most likely large folios mapped together;
    /// BENCHMARKS.md, session 33). A copy written with write(2), as the Dockerfile installs it,
    /// idles as after this. Pages that another running process maps are not dropped.
    static func dropFromPageCache(_ path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return }
        _ = fdatasync(fd)  // dirty pages (a fresh link) are not dropped
        _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED))
        close(fd)
    }

    func waitReady() async throws {
        for _ in 0..<300 {
            if (try? await get("/readyz").0) == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError("server did not become ready")
    }

    /// Resident set size of the server in KiB, from /proc.
    func rss() -> Int { status("VmRSS") }

    /// A KiB field of the server's /proc status: VmRSS, or its parts RssAnon (heap, stacks) and
    /// RssFile (the binary's and libraries' pages).
    func status(_ field: String) -> Int {
        guard let pid = server?.processIdentifier,
              let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }

    /// The server's CPU time and thread switches so far.
    func serverCost() -> ProcessCost {
        server.map { Self.cost(of: $0.processIdentifier) } ?? ProcessCost()
    }

    /// The same for this process: the load generator shares the two cores with the server.
    func benchCost() -> ProcessCost { Self.cost(of: getpid()) }

    /// A process's CPU time (user + system) and each thread's context switches so far, from /proc.
    static func cost(of pid: Int32) -> ProcessCost {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") else { return ProcessCost() }
        // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
        let fields = stat[stat.index(after: stat.lastIndex(of: ")")!)...].split(separator: " ")
        var cost = ProcessCost(cpuSeconds: ((Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)) / Double(sysconf(Int32(_SC_CLK_TCK))))
        for task in tasks {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/status", encoding: .utf8) else { continue }
            for line in status.split(separator: "\n") where line.contains("ctxt_switches:") {
                cost.switches[task, default: 0] += Int(line.split(separator: "\t").last?.trimmingCharacters(in: .whitespaces) ?? "0") ?? 0
            }
        }
        return cost
    }

    // MARK: Data

    static func dataset(_ p: Int, _ d: Int) -> DatasetRef {
        DatasetRef(namespace: "postgres://bench-db:5432/bench", name: "public.table_\(p)_\(d)")
    }

    func registerProducts() async throws {
        for p in 0..<Self.products {
            let descriptor = ProductDescriptor(
                domain: DomainName(trusted: "bench"), name: "product-\(p)", owner: "team-bench", tier: .gold, classification: .internal,
                datasets: (0..<Self.datasetsPerProduct).map { .init(namespace: Self.dataset(p, $0).namespace, name: Self.dataset(p, $0).name) })
            let body = try JSONEncoder().encode(descriptor)
            let (status, text) = try await send("PUT", "/api/v1/products/bench/product-\(p)", body: ByteBuffer(bytes: body), type: MediaType.json)
            guard status == 201 || status == 200 else { throw BenchError("register failed: \(status) \(text)") }
        }
    }

    /// A realistic mix: mostly freshness, volume and quality, some usage, observed from `start` on.
    static func observations(_ count: Int, seed: Int, start: Timestamp) -> [Observation] {
        (0..<count).map { i in
            let n = seed &* 7919 &+ i
            let p = n % products, d = (n / products) % datasetsPerProduct
            let product = ProductID(trustedDomain: "bench", name: "product-\(p)")
            let at = start.adding(seconds: Double(i) / 1_000_000)
            let detail: Observation.Detail
            switch i % 5 {
            case 0: detail = .freshness(lastUpdatedAt: at.adding(seconds: -120))
            case 1: detail = .volume(rowCount: Int64(1_000_000 + n))
            case 2: detail = .quality(check: "not_null_\(i % 7)", status: i % 11 == 0 ? .fail : .pass, value: Double(i % 3), threshold: 0, message: nil)
            case 3: detail = .usage(consumer: "consumer-\(i % 4)", reads: Int64(i % 50), rowsRead: Int64(i * 10), windowStart: at.adding(seconds: -300), windowEnd: at)
            default: detail = .quality(check: "row_count_in_range", status: .pass, value: Double(n % 1000), threshold: 10, message: "ok")
            }
            return Observation(product: product, dataset: dataset(p, d), observedAt: at, detail: detail)
        }
    }

    enum Format {
        case json, protobuf
        var contentType: String { self == .json ? MediaType.json : MediaType.protobuf }
        var name: String { self == .json ? "JSON" : "protobuf" }
    }

    /// A request body observed now. Agents report what they just saw, so observation times grow
    /// from batch to batch; re-sending fixed, pre-encoded bodies would instead insert every batch
    /// into the middle of the time indexes and measure an access pattern no agent produces.
    /// Building a body costs the sender a few milliseconds per 1,000 observations in JSON, about
    /// one in protobuf (printed at start).
    static func body(_ format: Format, size: Int, seed: Int, id: String, observedAt: Timestamp = .now) throws -> ByteBuffer {
        let observations = observations(size, seed: seed, start: observedAt)
        switch format {
        case .json:
            return ByteBuffer(string: BatchJSON.encode(batchId: id, domain: "bench", agentID: "bench-agent", agentVersion: "1", observations: observations))
        case .protobuf:
            return ByteBuffer(bytes: try BatchProto.encode(batchId: id, domain: "bench", agentID: "bench-agent", agentVersion: "1", observations: observations))
        }
    }

    /// What building one body costs the sender, so readers can judge the load generator's share.
    static func encodeCost(_ format: Format, size: Int) throws -> Double {
        let start = ContinuousClock.now
        for i in 0..<20 { _ = try body(format, size: size, seed: i, id: "probe-\(i)") }
        return start.duration(to: .now).milliseconds / 20
    }

    // MARK: Runs

    struct Throughput { var rate: Double; var batches: Int; var observations: Int; var peakRSS: Int }

    func throughput(format: Format, size: Int, stopAfter: Int? = nil) async throws -> Throughput {
        let deadline = ContinuousClock.now + .seconds(stopAfter == nil ? seconds : 3600)
        let counter = Counter()
        let runID = UUID().uuidString.prefix(8)
        let start = ContinuousClock.now
        let peak = PeakRSS()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in 0..<concurrency {
                group.addTask {
                    var i = 0
                    while ContinuousClock.now < deadline {
                        if let stop = stopAfter, await counter.batches * size >= stop { return }
                        let body = try Self.body(format, size: size, seed: sender + i, id: "\(runID)-\(sender)-\(i)")
                        let (status, text) = try await self.send("POST", Routes.observations, body: body, type: format.contentType)
                        guard status == 200 else { throw BenchError("push failed: \(status) \(text.prefix(300))") }
                        await counter.add()
                        i += 1
                    }
                }
            }
            group.addTask {
                while ContinuousClock.now < deadline {
                    if let stop = stopAfter, await counter.batches * size >= stop { return }
                    await peak.sample(self.rss())
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            try await group.waitForAll()
        }
        let elapsed = start.duration(to: .now)
        let batches = await counter.batches
        let secs = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Throughput(rate: Double(batches * size) / secs, batches: batches, observations: batches * size, peakRSS: await peak.value)
    }

    struct Latency {
        var p50: Double, p99: Double, max: Double, count: Int

        init(_ milliseconds: [Double]) {
            let sorted = milliseconds.sorted()
            (p50, p99, max, count) = (sorted.percentile(0.5), sorted.percentile(0.99), sorted.last ?? 0, sorted.count)
        }

        var summary: String { String(format: "p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d batches)", p50, p99, max, count) }

        /// Runs `body` `count` times in a row (passing the run's number), timing each run.
        static func timed(_ count: Int, _ body: (Int) async throws -> Void) async rethrows -> Latency {
            var ms: [Double] = []
            for i in 0..<count {
                let t0 = ContinuousClock.now
                try await body(i)
                ms.append(t0.duration(to: .now).milliseconds)
            }
            return Latency(ms)
        }
    }

    /// Requests paced open-loop: each starts on schedule whether or not earlier ones finished.
    struct Paced {
        var format: Format
        var size: Int
        var bodies: [ByteBuffer]
        var interval: Double  // seconds between two requests
    }

    /// `seconds` worth of `size`-observation bodies at `rate` observations/s, each observed at the
    /// time it is due to be sent from `begin` on.
    ///
    /// Bodies are built before the clock starts: the server sees the same times as from an agent
    /// pushing what it just observed, and the load generator, which shares the two cores, does not
    /// spend them encoding while latency is measured (JSON encoding alone took a quarter of a core
    /// at this rate).
    func paced(_ format: Format, rate: Double, size: Int, begin: Timestamp) throws -> Paced {
        let interval = Double(size) / rate
        let runID = UUID().uuidString.prefix(8)
        let bodies = try (0..<Int(seconds / interval)).map { i in
            try Self.body(format, size: size, seed: 100 + i, id: "lat-\(runID)-\(size)-\(i)",
                          observedAt: begin.adding(seconds: Double(i) * interval))
        }
        return Paced(format: format, size: size, bodies: bodies, interval: interval)
    }

    /// When sending can start: once `batches` bodies of `size` are built (estimated from the cost
    /// of one, plus a margin).
    func begin(building batches: [(Format, count: Double, size: Int)]) throws -> Timestamp {
        var build = 0.0
        for (format, count, size) in batches { build += try Self.encodeCost(format, size: size) / 1000 * count }
        return Timestamp.now.adding(seconds: build * 1.2 + 0.5)
    }

    /// Sends `load` on its schedule from `begin` on (see `PacedSender`); the latency of each request.
    func send(_ load: Paced, from begin: Timestamp) async throws -> Latency {
        let sender = PacedSender(loop: senderLoop, port: port, token: token, contentType: load.format.contentType,
                                 bodies: load.bodies, interval: load.interval)
        let start = NIODeadline.now() + .nanoseconds(Int64(max(0, Timestamp.now.seconds(until: begin)) * 1e9))
        let milliseconds = try await sender.run(from: start)
        if latencyLog != nil {
            let lines = milliseconds.enumerated().map { i, ms in
                "\(load.format.name.lowercased()),\(load.size),\(begin.adding(seconds: Double(i) * load.interval).microseconds / 1000),\(ms)"
            }
            latencyLogLines.withLock { $0 += lines }
        }
        return Latency(milliseconds)
    }

    /// The whole load in 100-observation batches at `rate`.
    func pacedLatency(_ format: Format, rate: Double) async throws -> (Latency, Spent) {
        let begin = try begin(building: [(format, seconds * rate / 100, 100)])
        let load = try paced(format, rate: rate, size: 100, begin: begin)
        return try await spent { try await send(load, from: begin) }
    }

    /// The load in `batchSize` batches, with 100-observation batches carrying one tenth of `rate`;
    /// the latency of the 100-observation batches, then of the large ones.
    func mixedLatency(_ format: Format, rate: Double) async throws -> ((small: Latency, large: Latency), Spent) {
        let (smallRate, largeRate) = (rate / 10, rate * 9 / 10)
        let begin = try begin(building: [(format, seconds * smallRate / 100, 100),
                                         (format, seconds * largeRate / Double(batchSize), batchSize)])
        let small = try paced(format, rate: smallRate, size: 100, begin: begin)
        let large = try paced(format, rate: largeRate, size: batchSize, begin: begin)
        return try await spent {
            async let smallLatency = send(small, from: begin)
            async let largeLatency = send(large, from: begin)
            return try await (smallLatency, largeLatency)
        }
    }

    /// `body`'s result, with what the server and this process spent while it ran (bodies are
    /// built before, so the sender's share is the sending alone).
    func spent<T>(_ body: () async throws -> T) async throws -> (T, Spent) {
        let (server, bench) = (serverCost(), benchCost())
        let result = try await body()
        return (result, Spent(server: (server, serverCost()), bench: (bench, benchCost())))
    }

    struct Spent {
        var server: (before: ProcessCost, after: ProcessCost)
        var bench: (before: ProcessCost, after: ProcessCost)

        func lines(per request: String, requests count: Int) -> String {
            server.after.line("server", per: request, requests: count, since: server.before) + "\n"
                + bench.after.line("load generator", per: request, requests: count, since: bench.before)
        }
    }

    /// 2,000 reads of one product's latest of each kind, with what they cost the server, then the
    /// same reads through AsyncHTTPClient for comparison (see `KeepAliveSocket`).
    private func latestReads(after moment: String) async throws {
        let before = serverCost()
        let reads = try await latestReads(count: 2000)
        let after = serverCost()
        say(String(format: "latest of each kind for one product (HTTP GET on one keep-alive connection, %d reads with %d+ observations stored, %@): p50 %.2f ms, p99 %.2f ms",
                   reads.count, fill, moment, reads.p50, reads.p99))
        say(after.line("server", per: "read", requests: reads.count, since: before))
        let library = try await Latency.timed(2000) { i in
            let (status, _) = try await get("/api/v1/products/bench/product-\(i % Self.products)")
            guard status == 200 else { throw BenchError("read failed: \(status)") }
        }
        say(String(format: "  the same reads through AsyncHTTPClient: p50 %.2f ms, p99 %.2f ms", library.p50, library.p99))
    }

    func latestReads(count: Int) async throws -> Latency {
        let socket = try KeepAliveSocket(port: port)
        return try await Latency.timed(count) { i in
            let status = try socket.get("/api/v1/products/bench/product-\(i % Self.products)", token: token)
            guard status == 200 else { throw BenchError("read failed: \(status)") }
        }
    }

    // MARK: HTTP

    func get(_ path: String) async throws -> (Int, String) {
        try await send("GET", path, body: nil, type: nil)
    }

    func send(_ method: String, _ path: String, body: ByteBuffer?, type: String?) async throws -> (Int, String) {
        let (status, bytes) = try await sendRaw(method, path, body: body, type: type)
        return (status, String(buffer: bytes))
    }

    /// The answer's bytes, not decoded: large answers (lineage graphs) would otherwise time the client.
    func sendRaw(_ method: String, _ path: String, body: ByteBuffer?, type: String?) async throws -> (Int, ByteBuffer) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = HTTPMethod(rawValue: method)
        if !token.isEmpty { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let type { request.headers.add(name: "Content-Type", value: type) }
        if let body { request.body = .bytes(body) }
        let response = try await client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), bytes)
    }
}

/// Unbuffered, so progress shows when stdout is a pipe or a file.
func say(_ s: String) {
    FileHandle.standardOutput.write(Data((s + "\n").utf8))
}

func progress(_ s: String) {
    FileHandle.standardError.write(Data("… \(s)\n".utf8))
}

struct ProcessCost {
    var cpuSeconds = 0.0
    var switches: [String: Int] = [:]  // by thread id

    /// Switches since `earlier`, thread by thread: the runtime's pool threads come and go, so a
    /// plain total could even go down. Threads that ended in between are not counted.
    func switches(since earlier: ProcessCost) -> Int {
        switches.reduce(0) { $0 + $1.value - (earlier.switches[$1.key] ?? 0) }
    }

    /// What one of `count` requests since `earlier` cost the process, on average: steadier than
    /// latency on a shared VM.
    func line(_ who: String, per request: String, requests count: Int, since earlier: ProcessCost) -> String {
        String(format: "  %@ per %@: %.0f µs of CPU, %.1f thread switches", who, request,
               (cpuSeconds - earlier.cpuSeconds) * 1e6 / Double(count), Double(switches(since: earlier)) / Double(count))
    }
}

actor Counter {
    var batches = 0
    func add() { batches += 1 }
}

actor PeakRSS {
    var value = 0
    func sample(_ kb: Int) { value = max(value, kb) }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}

extension Array where Element == Double {
    func percentile(_ p: Double) -> Double {
        isEmpty ? 0 : self[Swift.min(count - 1, Int((Double(count) * p).rounded(.up)) - 1)]
    }
}

import Foundation
import StewardAgent
import StewardCore
import Testing

/// Process-level guarantees: run the real binary, kill it, stop its database.
@Suite(.serialized) struct DurabilityTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    /// Observations carry rowCount = batch * 1000 + i, so every acknowledged one can be found again.
    static func batch(_ n: Int, size: Int) -> String {
        Bodies.batch("kill-\(n)", (0..<size).map { i in
            Bodies.volume(n * 1000 + i, at: Timestamp(n: n, i: i))
        })
    }

    static func Timestamp(n: Int, i: Int) -> String {
        String(format: "2026-11-21T%02d:%02d:%02dZ", n / 60 % 24, n % 60, i % 60)
    }

    @Test(TestEnvironment.needsSteward, arguments: Backend.allCases)
    func everyAcknowledgedBatchSurvivesKill9(_ backend: Backend) async throws {
        let data = try TestEnvironment.temporaryDirectory("steward-kill")
        defer { try? FileManager.default.removeItem(atPath: data) }
        var storeArgs = ["--data", data]
        var cluster: PostgresCluster?
        if backend == .postgres {
            let c = try PostgresCluster()
            cluster = c
            storeArgs += ["--postgres", c.url]
        }
        defer { cluster?.destroy() }

        let server = try ServerProcess(arguments: storeArgs)
        defer { server.terminate() }
        try await server.waitUntilReady()
        // Created through the CLI while the server runs on the same store.
        let output = try runCommand(try #require(TestEnvironment.stewardBinary),
                                    ["token", "create", "--role", "agent", "--domain", "payments"] + storeArgs)
        let token = try #require(output.split(separator: "\n").last.map(String.init))
        #expect(token.hasPrefix("stw_"))
        let (status, _) = try await server.http("PUT", "/api/v1/products/payments/orders", token: token, body: Bodies.descriptor())
        #expect(status == 201)

        // Push from 4 concurrent senders and kill the server while they are still sending.
        let size = 50
        let (acked, _) = await Self.push(to: server, token: token, batches: 400, size: size, interruptAfter: 40) { server.kill9() }
        #expect(acked.count >= 40)

        let restarted = try ServerProcess(arguments: storeArgs)
        defer { restarted.terminate() }
        try await restarted.waitUntilReady()
        var found: [Int: Int] = [:]
        var cursor: String?
        repeat {
            let suffix = cursor.map { "&cursor=\($0)" } ?? ""
            let (status, body) = try await restarted.http("GET", "/api/v1/products/payments/orders/observations?limit=1000\(suffix)", token: token)
            #expect(status == 200)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            for o in json["observations"] as? [[String: Any]] ?? [] {
                if let rows = o["rowCount"] as? Int { found[rows / 1000, default: 0] += 1 }
            }
            cursor = json["nextCursor"] as? String
        } while cursor != nil
        for n in acked { #expect(found[n] == size, "acknowledged batch \(n) has \(found[n] ?? 0) of \(size) observations") }
        // Atomicity: a batch is there whole or not at all.
        for (n, count) in found { #expect(count == size, "batch \(n) is partial: \(count) of \(size)") }
    }

    @Test(TestEnvironment.needsStewardAndPostgres)
    func postgresOutageAnswers503AndRecoversByItself() async throws {
        let cluster = try PostgresCluster()
        defer { cluster.destroy() }
        let data = try TestEnvironment.temporaryDirectory("steward-outage")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let server = try ServerProcess(arguments: ["--data", data, "--postgres", cluster.url])
        defer { server.terminate() }
        try await server.waitUntilReady()
        let token = try #require(String(contentsOfFile: data + "/admin-token", encoding: .utf8).split(separator: "\n").first.map(String.init))
        #expect(try await server.http("PUT", "/api/v1/products/payments/orders", token: token, body: Bodies.descriptor()).0 == 201)
        #expect(try await server.http("POST", "/api/v1/observations", token: token, body: Self.batch(1, size: 5)).0 == 200)

        try cluster.stop()
        let (down, body, headers) = try await server.request("POST", "/api/v1/observations", token: token, body: Self.batch(2, size: 5))
        #expect(down == 503)
        #expect(headers["Retry-After"] == ["2"])
        let error = try ErrorReply.parse(body)
        #expect(error.code == "store_unavailable")
        #expect(!body.contains(cluster.url) && !body.contains("127.0.0.1:\(cluster.port)"))
        let ready = try await server.http("GET", "/readyz")
        #expect(ready.0 == 503)
        #expect(try ErrorReply.parse(ready.1).code == "store_unavailable")
        // An agent pushing now rides the outage out: it retries the 503s, as often as Retry-After lets it.
        let pusher = Pusher(baseURL: server.baseURL, token: token, agentID: "payments-agent-1")
        let heartbeat = Observation(product: nil, dataset: nil, observedAt: .now, detail: .heartbeat)
        let pushed = Task { try await pusher.push(domain: "payments", observations: [heartbeat], batchId: "during-outage", attempts: 40) }

        try cluster.start()
        var recovered = false
        for _ in 0..<120 where !recovered {
            let ready = try await server.http("GET", "/readyz").0
            let ingest = try await server.http("POST", "/api/v1/observations", token: token, body: Self.batch(3, size: 5)).0
            recovered = ready == 200 && ingest == 200
            if !recovered { try await Task.sleep(for: .milliseconds(250)) }
        }
        #expect(recovered, "the server did not recover within 30 s of PostgreSQL coming back")
        let accepted = try await pushed.value
        #expect(accepted.batchId == "during-outage" && accepted.stored == 1 && !accepted.duplicate)
        let history = try await server.http("GET", "/api/v1/products/payments/orders/observations?limit=1000", token: token).1
        // Batches 1 and 3 are stored; batch 2 (refused with 503) is not.
        #expect(history.components(separatedBy: "\"kind\"").count - 1 == 10)
    }
}

extension DurabilityTests {
    @Test(TestEnvironment.needsSteward)
    func sigtermFinishesInFlightBatches() async throws {
        let data = try TestEnvironment.temporaryDirectory("steward-term")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let server = try ServerProcess(arguments: ["--data", data])
        defer { server.terminate() }
        try await server.waitUntilReady()
        let token = try #require(String(contentsOfFile: data + "/admin-token", encoding: .utf8).split(separator: "\n").first.map(String.init))
        #expect(try await server.http("PUT", "/api/v1/products/payments/orders", token: token, body: Bodies.descriptor()).0 == 201)

        // Large batches keep requests in flight; SIGTERM goes out after the first few acknowledgements.
        let size = 900
        let (acknowledged, answeredAfterSignal) = await Self.push(to: server, token: token, batches: 200, size: size, interruptAfter: 4) {
            kill(server.process.processIdentifier, SIGTERM)
        }
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 0)
        #expect(answeredAfterSignal >= 1, "no batch in flight at SIGTERM was answered")

        let restarted = try ServerProcess(arguments: ["--data", data])
        defer { restarted.terminate() }
        try await restarted.waitUntilReady()
        let total = try await restarted.http("GET", "/api/v1/products/payments/orders/observations?kind=volume&limit=1", token: token)
        #expect(total.0 == 200)
        for n in acknowledged {
            let minute = Self.Timestamp(n: n, i: 0).dropLast(4)
            let page = try await restarted.http("GET", "/api/v1/products/payments/orders/observations?limit=1000&since=\(minute):00Z&until=\(minute):59.999999Z", token: token)
            #expect(page.1.components(separatedBy: "\"rowCount\":\(n * 1000)").count >= 2, "acknowledged batch \(n) is missing")
        }
    }

    @Test(TestEnvironment.needsSteward)
    func demoStopsCleanlyOnSIGTERM() async throws {
        let data = try TestEnvironment.temporaryDirectory("steward-demo")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let server = try ServerProcess(arguments: ["--data", data, "--demo"])
        defer { server.terminate() }
        try await server.waitUntilReady()
        // The simulated agents are running once a demo product has a freshness observation.
        let token = try #require(String(contentsOfFile: data + "/admin-token", encoding: .utf8).split(separator: "\n").first.map(String.init))
        func pushed() async throws -> Bool {
            try await server.http("GET", "/api/v1/products/payments/orders", token: token).1.contains("\"kind\":\"freshness\"")
        }
        for _ in 0..<100 where try await !pushed() { try await Task.sleep(for: .milliseconds(100)) }
        #expect(try await pushed())
        kill(server.process.processIdentifier, SIGTERM)
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 0, "SIGTERM is a normal stop, also with the demo agents running")
    }
}

extension DurabilityTests {
    /// Four senders push batches 0..<batches until a request fails; `interrupt` runs once
    /// `interruptAfter` batches are acknowledged. Returns the acknowledged batches and how many
    /// of them were answered after the interruption.
    static func push(to server: ServerProcess, token: String, batches: Int, size: Int, interruptAfter: Int,
                     interrupt: @escaping @Sendable () -> Void) async -> (acknowledged: [Int], afterInterrupt: Int) {
        let acknowledged = Acknowledged()
        let afterInterrupt = Acknowledged()
        let interrupted = Acknowledged()
        await withTaskGroup(of: Void.self) { group in
            for sender in 0..<4 {
                group.addTask {
                    for n in stride(from: sender, to: batches, by: 4) {
                        guard let (status, _) = try? await server.http("POST", "/api/v1/observations", token: token,
                                                                       body: batch(n, size: size)), status == 200 else { return }
                        await acknowledged.add(n)
                        if await interrupted.count > 0 { await afterInterrupt.add(n) }
                    }
                }
            }
            group.addTask {
                while await acknowledged.count < interruptAfter { try? await Task.sleep(for: .milliseconds(2)) }
                await interrupted.add(1)
                interrupt()
            }
        }
        return (await acknowledged.all, await afterInterrupt.count)
    }
}

actor Acknowledged {
    private var ids: [Int] = []
    func add(_ n: Int) { ids.append(n) }
    var count: Int { ids.count }
    var all: [Int] { ids }
}

import Foundation
import Testing

/// `steward token list` and `steward token revoke` on the store a running server uses, as an
/// operator runs them (`token create` is covered by DurabilityTests on both backends), and the
/// first start's admin token as an operator sees it.
struct TokenCommandTests {
    /// Under docker or systemd standard output is a pipe or a file, not a terminal: the first
    /// start's admin token must reach it while the server runs, not when it exits, and only once.
    @Test(TestEnvironment.needsSteward)
    func theFirstStartShowsTheAdminTokenAtOnceAndOnlyThen() async throws {
        let data = try TestEnvironment.temporaryDirectory("steward-admin")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let first = try ServerProcess(arguments: ["--data", data], outputPath: data + "/first.out")
        defer { first.terminate() }
        try await first.waitUntilReady()
        let saved = try #require(String(contentsOfFile: data + "/admin-token", encoding: .utf8).split(separator: "\n").first.map(String.init))
        #expect(try String(contentsOfFile: data + "/first.out", encoding: .utf8).contains(saved))
        #expect(try await first.http("GET", "/api/v1/products", token: saved).0 == 200)
        first.terminate()

        let second = try ServerProcess(arguments: ["--data", data], outputPath: data + "/second.out")
        defer { second.terminate() }
        try await second.waitUntilReady()
        #expect(try await second.http("GET", "/api/v1/products", token: saved).0 == 200)
        second.terminate()
        #expect(try !String(contentsOfFile: data + "/second.out", encoding: .utf8).contains("stw_"))
    }

    @Test(TestEnvironment.needsSteward)
    func listAndRevokeWorkWhileTheServerRuns() async throws {
        let data = try TestEnvironment.temporaryDirectory("steward-tokens")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let server = try ServerProcess(arguments: ["--data", data])
        defer { server.terminate() }
        try await server.waitUntilReady()
        let steward = try #require(TestEnvironment.stewardBinary)

        let created = try runCommand(steward, ["token", "create", "--role", "agent", "--domain", "payments", "--label", "ci-agent", "--data", data])
        let secret = try #require(created.split(separator: "\n").last.map(String.init))
        #expect(try await server.http("GET", "/api/v1/products?domain=payments", token: secret).0 == 200)

        // The list names the token by id, role, domain and label, and never shows a secret.
        let list = try runCommand(steward, ["token", "list", "--data", data])
        let row = try #require(list.split(separator: "\n").first { $0.hasSuffix("ci-agent") })
        let fields = row.split(separator: " ").map(String.init)
        #expect(fields.count >= 6 && fields[1] == "agent" && fields[2] == "payments" && fields[4] == "active")
        #expect(fields.count > 3 && fields[3].wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) != nil, "created to the second: \(row)")
        #expect(list.contains("first-start admin"))
        #expect(!list.contains("stw_"))

        let id = try #require(fields.first)
        #expect(try runCommand(steward, ["token", "revoke", id, "--data", data]).contains("Revoked token \(id)."))
        let after = try runCommand(steward, ["token", "list", "--data", data])
        #expect(after.split(separator: "\n").first { $0.hasSuffix("ci-agent") }?.split(separator: " ")[4] == "revoked")

        // The server caches a token for at most 5 s (`Authenticator.ttl`), then refuses it.
        var status = 200
        for _ in 0..<40 where status == 200 {
            status = try await server.http("GET", "/api/v1/products?domain=payments", token: secret).0
            if status == 200 { try await Task.sleep(for: .milliseconds(250)) }
        }
        #expect(status == 401)

        // Revoking it again fails (a non-zero exit).
        #expect(throws: CommandFailed.self) { try runCommand(steward, ["token", "revoke", id, "--data", data]) }
    }
}

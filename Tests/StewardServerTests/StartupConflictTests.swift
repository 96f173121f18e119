import Foundation
import Testing

/// What an operator reads when `steward serve` cannot start beside another server.
struct StartupConflictTests {
    /// One server per SQLite data directory: a second one refuses and names the first, and the
    /// lock of a killed server does not outlive it. A taken port is named too.
    @Test(TestEnvironment.needsSteward)
    func aSecondServerOnTheSameDataOrPortSaysWhoHoldsIt() async throws {
        let data = try TestEnvironment.temporaryDirectory("steward-lock")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let steward = try #require(TestEnvironment.stewardBinary)
        let first = try ServerProcess(arguments: ["--data", data])
        defer { first.terminate() }
        try await first.waitUntilReady()

        let second = try runFailingCommand(steward, ["serve", "--port", String(try TestEnvironment.freePort()), "--data", data])
        #expect(second.contains("Another steward serve (pid \(first.process.processIdentifier)) is using the data directory \(data)."), "\(second)")
        #expect(try await first.http("GET", "/readyz").0 == 200)

        let taken = try runFailingCommand(steward, ["serve", "--port", String(first.port), "--data", data + "/other"])
        #expect(taken.contains("Cannot listen on 127.0.0.1:\(first.port): the address is in use"), "\(taken)")

        first.kill9()
        let restarted = try ServerProcess(arguments: ["--data", data])
        defer { restarted.terminate() }
        try await restarted.waitUntilReady()
    }
}

import Foundation
import Testing

/// `steward serve` on PostgreSQL says at start-up which of the README's heavy-ingest settings to
/// change (PostgresStore+Settings.swift), and says nothing once they are set.
@Suite struct PostgresAdviceTests {
    @Test(TestEnvironment.needsStewardAndPostgres)
    func serveNamesTheSettingsToChangeUntilTheyAreSet() async throws {
        let cluster = try PostgresCluster()
        defer { cluster.destroy() }
        let data = try TestEnvironment.temporaryDirectory("steward-advice")
        defer { try? FileManager.default.removeItem(atPath: data) }

        // A fresh cluster has PostgreSQL's defaults: min_wal_size 80MB, max_wal_size 1GB, backend_flush_after 0.
        let before = try await startupLog(cluster, data: data, name: "defaults")
        #expect(before.contains("min_wal_size is 80MB, below max_wal_size (1GB)"), "\(before)")
        #expect(before.contains("set min_wal_size = '1GB'"))
        #expect(before.contains("set backend_flush_after = '256kB'"))

        try cluster.set(["min_wal_size": "1GB", "backend_flush_after": "256kB"])
        let after = try await startupLog(cluster, data: data, name: "advised")
        #expect(!after.contains("heavy ingest"), "\(after)")
    }

    /// The log of a server started on `cluster` until it is ready, then stopped.
    private func startupLog(_ cluster: PostgresCluster, data: String, name: String) async throws -> String {
        let path = "\(data)/\(name).log"
        let server = try ServerProcess(arguments: ["--data", data, "--postgres", cluster.url], logPath: path)
        defer { server.terminate() }
        try await server.waitUntilReady()
        server.terminate()
        return try String(contentsOfFile: path, encoding: .utf8)
    }
}

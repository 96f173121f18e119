import Foundation
import Logging
import PostgresNIO
import StewardCore
import StewardStore
import StewardStorePostgres
import StewardStoreSQLite
import Testing

/// The backends the conformance suite runs against. PostgreSQL is included when the test command
/// (scripts/test.sh) has started one and exported STEWARD_TEST_POSTGRES_URL.
///
/// `sqliteDerivingEachGroup` is SQLite deriving the index and `latest` after every group, 7 rows at
/// a time (so the tail often starts inside a batch): the suite's
/// small stores otherwise never reach `TailLimits.standard`, and reads would only ever meet the
/// tail, never `observation_index` and `latest`.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// `postgresNeverDeriving` leaves every group in `pending_groups`, so each read goes
    /// through the merge of what is pending (the deriver is tested on its own).
    case sqlite, sqliteDerivingEachGroup, postgres, postgresNeverDeriving

    var testDescription: String { rawValue }

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["STEWARD_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var available: [Backend] { postgresURL == nil ? [.sqlite, .sqliteDerivingEachGroup] : allCases }

    /// A fresh, migrated, empty store for one test; removed afterwards.
    func withStore(_ body: (any Store) async throws -> Void) async throws {
        switch self {
        case .sqlite, .sqliteDerivingEachGroup:
            let limits = self == .sqlite ? SQLiteStore.TailLimits.standard : .init(idle: 1, forced: 1, chunk: 7)
            try await Self.withSQLiteStore(limits) { store, _ in try await body(store) }
        case .postgres, .postgresNeverDeriving:
            try await Self.withPostgresStore(deriveDelay: self == .postgres ? .milliseconds(50) : .seconds(86_400)) { try await body($0) }
        }
    }

    /// A fresh, migrated PostgreSQL store in its own database; closed and dropped afterwards.
    static func withPostgresStore(deriveDelay: Duration, _ body: (PostgresStore) async throws -> Void) async throws {
        try await withPostgresDatabase(deriveDelay: deriveDelay) { store, _ in try await body(store) }
    }

    /// The same, with the database's name passed along for tests that open connections of their
    /// own (`TestDatabases.withClient`).
    static func withPostgresDatabase(deriveDelay: Duration, _ body: (PostgresStore, _ database: String) async throws -> Void) async throws {
        let url = try #require(Self.postgresURL)
        let name = "steward_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased())"
        try await TestDatabases.create(name, adminURL: url)
        let store = try PostgresStore(url: TestDatabases.url(url, database: name), deriveDelay: deriveDelay)
        try await store.migrate()
        do { try await body(store, name) } catch { await store.close(); throw error }
        await store.close()
        try? await TestDatabases.drop(name, adminURL: url)
    }

    /// A fresh, migrated SQLite store in its own directory (passed along for tests that look at
    /// the files); closed and removed afterwards.
    static func withSQLiteStore(_ limits: SQLiteStore.TailLimits = .standard,
                                _ body: (SQLiteStore, _ directory: String) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("steward-test-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try await SQLiteStore.open(directory: dir, tailLimits: limits)
        try await store.migrate()
        do { try await body(store, dir) } catch { await store.close(); throw error }
        await store.close()
    }
}

/// Creates and drops per-test databases on the test server.
enum TestDatabases {
    static func url(_ adminURL: String, database: String) -> String {
        var c = URLComponents(string: adminURL)!
        c.path = "/" + database
        return c.string!
    }

    static func create(_ name: String, adminURL: String) async throws {
        try await withClient(adminURL) { _ = try await $0.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)")) }
    }

    static func drop(_ name: String, adminURL: String) async throws {
        try await withClient(adminURL) { _ = try await $0.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")) }
    }

    /// A client for `database` on the test server at `url`, running while `body` does.
    static func withClient<T: Sendable>(_ url: String, database: String = "postgres",
                                        _ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let c = URLComponents(string: url)!
        let client = PostgresClient(configuration: .init(host: c.host!, port: c.port ?? 5432, username: c.user ?? "postgres",
                                                         password: c.password, database: database, tls: .disable),
                                    backgroundLogger: Logger(label: "test"))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            // Immediate: the pool is marked running before `body` leases (else postgres-nio warns).
            group.addImmediateTask { await client.run() }
            let value = try await body(client)
            group.cancelAll()
            return value
        }
    }
}

@Suite struct BackendAvailability {
    /// The test command must exercise PostgreSQL; a plain `swift test` without it runs SQLite only.
    @Test func postgresIsConfiguredWhenTheTestCommandRequiresIt() {
        if ProcessInfo.processInfo.environment["STEWARD_REQUIRE_POSTGRES"] == "1" {
            #expect(Backend.postgresURL != nil, "scripts/test.sh should have started PostgreSQL")
        }
    }
}

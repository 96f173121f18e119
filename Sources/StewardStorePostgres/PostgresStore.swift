import Foundation
import Logging
import PostgresNIO
import StewardCore
import StewardStore

/// The PostgreSQL backend, for meshes that outgrow one machine or run several replicas.
/// The connection pool (`PostgresClient`) reconnects by itself when the server comes back.
public final class PostgresStore: Store {
    let client: PostgresClient
    let logger: Logger
    private let runTask: Task<Void, Never>

    /// - Parameter url: `postgres://user:password@host:port/database[?sslmode=disable]`.
    public init(url: String, logger: Logger = Logger(label: "steward.postgres")) throws(StoreError) {
        var config = try Self.configuration(url: url)
        config.options.connectTimeout = .seconds(3)
        config.options.maximumConnections = 10
        let client = PostgresClient(configuration: config, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        // The pool needs a running task for its lifetime; close() cancels it.
        runTask = Task { await client.run() }
    }

    /// Parses a connection URL. Errors never echo the URL: it may hold a password.
    static func configuration(url: String) throws(StoreError) -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
              scheme == "postgres" || scheme == "postgresql", let host = components.host, !host.isEmpty
        else {
            throw .unavailable("the PostgreSQL URL is not valid; expected postgres://user:password@host:port/database")
        }
        let user = components.user ?? "postgres"
        let database = components.path.isEmpty ? nil : String(components.path.dropFirst())
        let sslmode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        let tls: PostgresClient.Configuration.TLS
        switch sslmode {
        case "disable": tls = .disable
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: tls = .prefer(.makeClientConfiguration())
        }
        return PostgresClient.Configuration(host: host, port: components.port ?? 5432, username: user,
                                            password: components.password, database: database, tls: tls)
    }

    public func migrate() async throws(StoreError) {
        try await transaction { connection throws(StoreError) in
            try await self.run(connection, "SELECT pg_advisory_xact_lock(\(PostgresSchema.lockKey))")
            try await self.run(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version INT PRIMARY KEY, applied_at BIGINT NOT NULL)")
            let rows = try await self.rows(connection, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            let current = try rows.first.map { row throws(StoreError) in try Self.decode(row, Int.self) } ?? 0
            let supported = PostgresSchema.migrations.count
            if current > supported { throw .schemaTooNew(found: current, supported: supported) }
            for version in (current + 1)..<(supported + 1) {
                for statement in PostgresSchema.migrations[version - 1] {
                    try await self.run(connection, PostgresQuery(unsafeSQL: statement))
                }
                try await self.run(connection, "INSERT INTO schema_migrations (version, applied_at) VALUES (\(version), \(Timestamp.now.microseconds))")
            }
        }
    }

    public func ping() async throws(StoreError) {
        try await withConnection { c throws(StoreError) in try await self.run(c, "SELECT 1") }
    }

    public func close() async {
        runTask.cancel()
        _ = await runTask.value
    }

    // MARK: Helpers

    func withConnection<T>(_ body: (PostgresConnection) async throws(StoreError) -> T) async throws(StoreError) -> T {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw Self.map(error)
        }
    }

    func transaction<T>(_ body: (PostgresConnection) async throws(StoreError) -> T) async throws(StoreError) -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch {
            throw Self.map(error)
        }
    }

    func run(_ connection: PostgresConnection, _ query: PostgresQuery) async throws(StoreError) {
        _ = try await rows(connection, query)
    }

    func rows(_ connection: PostgresConnection, _ query: PostgresQuery) async throws(StoreError) -> [PostgresRow] {
        do {
            return try await connection.query(query, logger: logger).collect()
        } catch {
            throw Self.map(error)
        }
    }

    func rows(_ query: PostgresQuery) async throws(StoreError) -> [PostgresRow] {
        try await withConnection { c throws(StoreError) in try await self.rows(c, query) }
    }

    static func decode<T: PostgresDecodable>(_ row: PostgresRow, _ type: T.Type) throws(StoreError) -> T {
        do { return try row.decode(T.self) } catch { throw .failed("unexpected column type") }
    }

    static func decode<each T: PostgresDecodable>(_ row: PostgresRow, _ type: (repeat each T).Type) throws(StoreError) -> (repeat each T) {
        do { return try row.decode((repeat each T).self) } catch { throw .failed("unexpected column type") }
    }

    static func map(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let transaction = error as? PostgresTransactionError {
            return map(transaction.closureError ?? transaction.beginError ?? transaction.commitError ?? transaction.rollbackError
                       ?? StoreError.failed("transaction failed"))
        }
        if let e = error as? PSQLError {
            if e.code == .server {
                let state = e.serverInfo?[.sqlState] ?? ""
                if state == "23505" { return .conflict("a unique key already exists") }
                // Class 08 (connection), 57P (shutdown), 53 (resources): transient.
                if state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("53") {
                    return .unavailable("PostgreSQL is not accepting queries (\(state))")
                }
                return .failed("PostgreSQL error \(state): \(e.serverInfo?[.message] ?? "")")
            }
            return .unavailable("cannot reach PostgreSQL")
        }
        // Pool errors (circuit breaker tripped, pool shut down) and I/O errors: transient.
        return .unavailable("cannot reach PostgreSQL")
    }
}

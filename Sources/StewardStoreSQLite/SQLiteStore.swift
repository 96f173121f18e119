import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLiteNIO
import StewardCore
import StewardStore

/// The embedded default: one SQLite database file in WAL mode under the data directory.
///
/// One writer connection behind a gate (SQLite has one writer at a time anyway) and one
/// reader connection; WAL lets reads proceed while a batch is being written. Several processes
/// (the server and `steward token create`) may open the same file: busy_timeout serialises them.
public final class SQLiteStore: Store {
    let writer: SQLiteConnection
    let reader: SQLiteConnection
    let gate = AsyncGate()
    /// Observation batches go through their own connection with group commit.
    let batchWriter: SQLiteBatchWriter
    public let path: String

    /// How many stored observations may wait in the tail, not yet in `observation_index` and
    /// `latest`: the batch writer derives those in bulk behind ingest, and readers merge the
    /// tail in (`SQLiteBatchWriter.deriveTail`).
    public struct TailLimits: Sendable {
        /// Derive once the tail holds this many rows and no batch waits.
        public var idle: Int
        /// Derive at this many rows even while batches wait.
        public var forced: Int
        /// Rows derived at most in one go (a batch arriving meanwhile waits for it).
        public var chunk: Int
        /// With no group for this long, derive the rest of the tail, whatever its length.
        public var drainAfterMilliseconds: Int
        public static let standard = TailLimits(idle: 2048, forced: 16384, chunk: 4096, drainAfterMilliseconds: 200)
        public init(idle: Int, forced: Int, chunk: Int, drainAfterMilliseconds: Int = 200) {
            self.idle = idle; self.forced = forced; self.chunk = chunk; self.drainAfterMilliseconds = drainAfterMilliseconds
        }
    }

    /// Opens (creating if needed) `DIR/steward.sqlite`.
    public static func open(directory: String, tailLimits: TailLimits = .standard,
                            logger: Logger = Logger(label: "steward.sqlite")) async throws(StoreError) -> SQLiteStore {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .unavailable("cannot create the data directory \(directory)")
        }
        let path = (directory as NSString).appendingPathComponent("steward.sqlite")
        do {
            let writer = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
            let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
            let store = SQLiteStore(writer: writer, reader: reader, batchWriter: try SQLiteBatchWriter(path: path, tailLimits: tailLimits), path: path)
            try await store.configure()
            return store
        } catch let error as StoreError {
            throw error
        } catch {
            throw .unavailable("cannot open the SQLite database in \(directory): \(Self.reason(error))")
        }
    }

    init(writer: SQLiteConnection, reader: SQLiteConnection, batchWriter: SQLiteBatchWriter, path: String) {
        self.writer = writer
        self.reader = reader
        self.batchWriter = batchWriter
        self.path = path
    }

    private func configure() async throws(StoreError) {
        for connection in [writer, reader] {
            // busy_timeout first: another process may hold the write lock while we set up.
            try await exec(connection, "PRAGMA busy_timeout = 10000")
            try await exec(connection, "PRAGMA journal_mode = WAL")
            // FULL: a COMMIT returns only after the WAL is fsync'ed, so acknowledged batches survive
            // a crash of the machine, not only of the process.
            try await exec(connection, "PRAGMA synchronous = FULL")
        }
        try await exec(reader, "PRAGMA query_only = 1")
        // Reads map the database file instead of copying pages through the connection's small
        // cache, which SQLite empties whenever another connection has written: reading a
        // product's latest observations takes one random row per key from a large table.
        try await exec(reader, "PRAGMA mmap_size = 268435456")
    }

    public func migrate() async throws(StoreError) {
        try await gate.run { () async throws(StoreError) in
            try await self.exec(self.writer, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)")
            try await self.transaction { () async throws(StoreError) in
                let rows = try await self.query(self.writer, "SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations")
                let current = rows.first?.column("v")?.integer ?? 0
                let supported = SQLiteSchema.migrations.count
                if current > supported { throw .schemaTooNew(found: current, supported: supported) }
                for version in (current + 1)..<(supported + 1) {
                    for statement in SQLiteSchema.migrations[version - 1] {
                        try await self.exec(self.writer, statement)
                    }
                    try await self.exec(self.writer, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                                        [.integer(version), .integer(Int(Timestamp.now.microseconds))])
                }
            }
        }
        try batchWriter.prepare()
    }

    public func ping() async throws(StoreError) {
        _ = try await query(reader, "SELECT 1 AS one")
    }

    public func close() async {
        batchWriter.close()
        try? await writer.close()
        try? await reader.close()
    }

    // MARK: Helpers

    @discardableResult
    func query(_ connection: SQLiteConnection, _ sql: String, _ binds: [SQLiteData] = []) async throws(StoreError) -> [SQLiteRow] {
        do {
            return try await connection.query(sql, binds)
        } catch {
            throw Self.map(error)
        }
    }

    func exec(_ connection: SQLiteConnection, _ sql: String, _ binds: [SQLiteData] = []) async throws(StoreError) {
        try await query(connection, sql, binds)
    }

    /// Runs `body` inside BEGIN IMMEDIATE … COMMIT on the writer. Callers hold the gate.
    func transaction<T: Sendable>(_ body: () async throws(StoreError) -> T) async throws(StoreError) -> T {
        try await exec(writer, "BEGIN IMMEDIATE")
        do {
            let value = try await body()
            try await exec(writer, "COMMIT")
            return value
        } catch {
            try? await exec(writer, "ROLLBACK")
            throw error
        }
    }

    static func map(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let e = error as? SQLiteError {
            switch e.reason {
            case .constraint, .constraintUniqueFailed, .constraintPrimaryKeyFailed: return .conflict(e.message)
            case .busy, .busyTimeout, .locked, .cantOpen, .ioError, .full, .readOnly: return .unavailable(e.message)
            default: return .failed(e.message)
            }
        }
        return .failed(reason(error))
    }

    static func reason(_ error: any Error) -> String {
        (error as? SQLiteError)?.message ?? String(describing: type(of: error))
    }
}

extension SQLiteData {
    static func int(_ v: Int64) -> SQLiteData { .integer(Int(v)) }
    static func time(_ t: Timestamp) -> SQLiteData { .integer(Int(t.microseconds)) }
    static func optional(_ s: String?) -> SQLiteData { s.map { .text($0) } ?? .null }
    static func optional(_ d: Double?) -> SQLiteData { d.map { .float($0) } ?? .null }
}

extension SQLiteRow {
    func int(_ name: String) -> Int64 { Int64(column(name)?.integer ?? 0) }
    func text(_ name: String) -> String { column(name)?.string ?? "" }
    func optionalText(_ name: String) -> String? {
        guard let c = column(name), !c.isNull else { return nil }
        return c.string
    }
    func optionalDouble(_ name: String) -> Double? {
        guard let c = column(name), !c.isNull else { return nil }
        return c.double
    }
    func time(_ name: String) -> Timestamp { Timestamp(microseconds: int(name)) }
}

import Foundation
import Logging
import Synchronization
import NIOCore
import NIOPosix
import PostgresNIO
import StewardCore
import StewardStore

/// The PostgreSQL backend, for meshes that outgrow one machine or run several replicas.
/// The connection pool (`PostgresClient`) reconnects by itself when the server comes back.
public final class PostgresStore: Store {
    /// One connection pool per event loop of NIO's shared group (see `client`).
    private let pools: [(loop: any EventLoop, client: PostgresClient)]
    private let nextPool = Atomic<Int>(0)
    let logger: Logger
    /// host:port/database, for messages (never the URL: it may hold a password).
    let address: String
    private let runTasks: [Task<Void, Never>]
    /// Observation batches go through group commit, two groups at a time: one is written while
    /// the other waits for its commit's fsync. They share no rows (`latest` and `agents` are
    /// derived behind them), so neither waits for the other's locks.
    let groupCommit = GroupCommit(maxWriters: 2)
    let deriver: PendingDeriver
    /// The background lane: the deriver's derives and the evaluator's reads of many products take
    /// turns, so that work readers could do without uses one PostgreSQL backend at a time. Each
    /// takes tens of milliseconds of a core; on a two-core machine the clusters of slow batches
    /// began where the two overlapped (BENCHMARKS.md, sessions 23 and 24).
    let background = AsyncGate()
    let leaseDeadlines = LeaseDeadlines()

    /// - Parameters:
    ///   - url: `postgres://user:password@host:port/database[?sslmode=disable]`.
    ///   - deriveDelay: how long after a group the deriver moves pending groups into `latest`
    ///     and `agents` (the window of groups one derive covers; tests stretch it). Longer
    ///     windows cost PostgreSQL less CPU (each derive upserts nearly every busy key) but make
    ///     each derive a larger burst: 150, 200 and 500 ms made more slow batches, and so did 20
    ///     ms (BENCHMARKS.md, sessions 27 and 30).
    public init(url: String, logger: Logger = Logger(label: "steward.postgres"), deriveDelay: Duration = .milliseconds(50)) throws(StoreError) {
        var config = try Self.configuration(url: url)
        address = "\(config.host ?? "?"):\(config.port ?? 5432)/\(config.database ?? config.username)"
        config.options.connectTimeout = .seconds(3)
        // The pool arms timers every time a connection goes back to it: a keep-alive ping timer,
        // and an idle-timeout timer for connections above the minimum, each a task group of two
        // tasks sleeping on a dispatch timer. On a busy server every query paid for them: in
        // steady state (measured after 45 s of load; a 3 s run missed most of it) about 10
        // thread switches and a quarter of a product page's CPU. The pool hands out its lowest
        // connection first, so a standing connection carries a steady load without idle timers.
        // Pings are off: they touch only connections idle for 30 s, and a connection PostgreSQL
        // closes is seen by its socket closing, ping or not.
        config.options.keepAliveBehavior = nil
        // Steward's statements are short; JIT compiling one (when an estimate runs high) cost
        // more than running it.
        config.options.additionalStartupParameters = [("jit", "off")]
        // One pool per event loop (see `client`): about 10 connections in all, one standing in each.
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        config.options.minimumConnections = 1
        config.options.maximumConnections = max(2, 10 / loops.count)
        pools = loops.map { loop in (loop, PostgresClient(configuration: config, eventLoopGroup: loop, backgroundLogger: logger)) }
        self.logger = logger
        let groupCommit = groupCommit
        deriver = PendingDeriver(delay: deriveDelay, ingestWaiting: { !groupCommit.isIdle }, logger: logger)
        // A pool needs a running task for its lifetime; close() cancels them.
        runTasks = pools.map { pool in Task { await pool.client.run() } }
    }

    /// The pool whose connections live on the calling thread's event loop, if it is one: a
    /// request handled on loop L (`EventLoopConnections`) then sends its query and reads its
    /// answer on L itself. With one pool for both loops, half the product pages got a connection
    /// on the other loop: 8 thread switches per page instead of 2. Group commit writes on a
    /// request's loop too (`RequestExecutor`). Other callers (the deriver, the evaluator) take
    /// the pools in turn.
    var client: PostgresClient {
        if let current = MultiThreadedEventLoopGroup.currentEventLoop, let pool = pools.first(where: { $0.loop === current }) {
            return pool.client
        }
        return pools[nextPool.add(1, ordering: .relaxed).oldValue % pools.count].client
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
        deriver.start { () async throws(StoreError) -> Bool in
            try await self.background.run { () async throws(StoreError) in try await self.derivePending() }
        }
    }

    public func ping() async throws(StoreError) {
        try await withConnection { c throws(StoreError) in try await self.run(c, "SELECT 1") }
    }

    public func close() async {
        await deriver.close()
        for task in runTasks { task.cancel() }
        for task in runTasks { _ = await task.value }
    }

    // MARK: Helpers

    /// How long a request waits for a pooled connection before answering "unavailable".
    /// The pool itself would keep a request waiting until its circuit breaker trips (a minute),
    /// far longer than any agent or load balancer should wait for a 503.
    static let leaseTimeout: Duration = .seconds(3)

    func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws(StoreError) -> T) async throws(StoreError) -> T {
        try await leased(transaction: false, body)
    }

    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws(StoreError) -> T) async throws(StoreError) -> T {
        try await leased(transaction: true, body)
    }

    /// Runs `body` on a pooled connection. Only the wait for the lease is bounded: once a
    /// connection is leased the operation runs to completion (a batch is never cut mid-commit).
    /// The operation is a child task; this task waits on its deadline, which the child releases
    /// when it ends, and cancels the child only if it is still waiting for a connection.
    private func leased<T: Sendable>(transaction: Bool, _ body: @escaping @Sendable (PostgresConnection) async throws(StoreError) -> T) async throws(StoreError) -> T {
        let lease = LeaseState()
        let client = self.client
        let logger = self.logger
        let address = self.address
        let leaseDeadlines = self.leaseDeadlines
        do {
            return try await withThrowingTaskGroup(of: T.self) { group in
                let deadline = leaseDeadlines.register(deadline: .now + Self.leaseTimeout)
                group.addTask {
                    defer { lease.end(); leaseDeadlines.release(deadline) }
                    return try await client.withConnection { connection in
                        guard lease.start() else { throw CancellationError() }  // too late: already answered
                        if transaction {
                            return try await connection.withTransaction(logger: logger) { try await body($0) }
                        }
                        return try await body(connection)
                    }
                }
                await leaseDeadlines.wait(deadline)
                if lease.giveUp() {
                    group.cancelAll()
                    throw StoreError.unavailable("no connection to PostgreSQL at \(address) within \(Self.leaseTimeout); is it running there?")
                }
                return try await group.next()!
            }
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

/// A row's cells in order, each decoded as a concrete type.
struct Columns {
    private var cells: PostgresRow.Iterator

    init(_ row: PostgresRow) { cells = row.makeIterator() }

    mutating func next<T: PostgresDecodable>(_: T.Type) throws(StoreError) -> T {
        let cell = try cell()
        do { return try cell.decode(T.self) } catch { throw .failed("unexpected column type") }
    }

    // The columns every product page and history row holds, read straight from the cell's bytes
    // when they come as PostgreSQL sends them (binary BIGINT and SMALLINT, TEXT): the generic
    // `decode` above cost a third of decoding a row. Anything else takes the generic path.
    mutating func next(_: Int64.Type) throws(StoreError) -> Int64 {
        let cell = try cell()
        if cell.dataType == .int8, cell.format == .binary, let b = cell.bytes, b.readableBytes == 8,
           let v = b.getInteger(at: b.readerIndex, as: Int64.self) { return v }
        do { return try cell.decode(Int64.self) } catch { throw .failed("unexpected column type") }
    }

    mutating func next(_: Int16.Type) throws(StoreError) -> Int16 {
        let cell = try cell()
        if cell.dataType == .int2, cell.format == .binary, let b = cell.bytes, b.readableBytes == 2,
           let v = b.getInteger(at: b.readerIndex, as: Int16.self) { return v }
        do { return try cell.decode(Int16.self) } catch { throw .failed("unexpected column type") }
    }

    mutating func next(_: String.Type) throws(StoreError) -> String {
        let cell = try cell()
        if cell.dataType == .text, let b = cell.bytes { return String(buffer: b) }
        do { return try cell.decode(String.self) } catch { throw .failed("unexpected column type") }
    }

    mutating func skip(_ count: Int) throws(StoreError) {
        for _ in 0..<count { _ = try cell() }
    }

    private mutating func cell() throws(StoreError) -> PostgresCell {
        guard let cell = cells.next() else { throw .failed("a row has fewer columns than expected") }
        return cell
    }
}

/// How a lease went: it started, the operation ended without one, or the caller gave up waiting.
/// The first of the three to happen wins.
final class LeaseState: Sendable {
    private enum Phase { case waiting, started, ended, givenUp }
    private let phase = Mutex(Phase.waiting)

    /// The connection arrived: true unless the caller already gave up.
    func start() -> Bool { move(to: .started) }
    /// The operation is over (its result or error is what the caller answers).
    func end() { _ = move(to: .ended) }
    /// The deadline passed: true if neither a connection nor the operation's end came first.
    func giveUp() -> Bool { move(to: .givenUp) }

    private func move(to next: Phase) -> Bool {
        phase.withLock { p in
            guard p == .waiting else { return false }
            p = next
            return true
        }
    }
}

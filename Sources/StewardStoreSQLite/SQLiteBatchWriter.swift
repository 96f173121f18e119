import Dispatch
import StewardCore
import StewardStore
import Synchronization
import VaporCSQLite

/// Writes observation batches with group commit, on its own SQLite connection and serial queue.
///
/// Why not SQLiteNIO for this: it prepares every statement anew and hops threads per statement,
/// which made per-batch overhead dominate ingest. Here statements are prepared once, a whole
/// transaction runs in one hop, and every batch that arrived while the previous transaction
/// was committing goes into the next one: one fsync for many batches. Each batch is still
/// atomic on its own (a SAVEPOINT each), so one failing batch never takes another with it.
final class SQLiteBatchWriter: @unchecked Sendable {
    // All members below are touched only on `queue`, except `pending`, which has its own lock.
    private let db: OpaquePointer
    private let queue = DispatchQueue(label: "steward.sqlite.writer")
    private let pending = Mutex<(items: [Pending], draining: Bool)>(([], false))
    private var insertBatch: OpaquePointer?
    private var insertObservation: OpaquePointer?
    private var upsertLatest: OpaquePointer?
    private var upsertAgent: OpaquePointer?

    private struct Pending {
        var batch: BatchRecord
        var continuation: CheckedContinuation<AppendResult, any Error>
    }

    /// SQLite copies bound text immediately (the C macro SQLITE_TRANSIENT).
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    init(path: String) throws(StoreError) {
        var handle: OpaquePointer?
        let rc = sqlite_nio_sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let handle else {
            if let handle { sqlite_nio_sqlite3_close(handle) }
            throw .unavailable("cannot open the SQLite database for writing")
        }
        db = handle
        for pragma in ["PRAGMA busy_timeout = 10000", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
                       "PRAGMA cache_size = -32768", "PRAGMA wal_autocheckpoint = 8192", "PRAGMA temp_store = MEMORY"] {
            try exec(pragma)
        }
    }

    /// Prepares the statements; call after migrations created the tables.
    func prepare() throws(StoreError) {
        let prepared: Result<Void, StoreError> = queue.sync { Result { () throws(StoreError) in
            insertBatch = try statement("""
                INSERT INTO batches (domain, batch_id, agent_id, received_at, observation_count) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """)
            insertObservation = try statement("""
                INSERT INTO observations (product_id, dataset_id, kind, subject, observed_at, recorded_at, status, value, payload)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            // `latest` only moves forward in observed time: late, out-of-order data never regresses it.
            upsertLatest = try statement("""
                INSERT INTO latest (product_id, dataset_id, kind, subject, observation_id, observed_at, recorded_at, status, value, payload)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (product_id, dataset_id, kind, subject) DO UPDATE SET
                    observation_id = excluded.observation_id, observed_at = excluded.observed_at,
                    recorded_at = excluded.recorded_at, status = excluded.status, value = excluded.value, payload = excluded.payload
                WHERE excluded.observed_at >= latest.observed_at
                """)
            upsertAgent = try statement("""
                INSERT INTO agents (domain, agent_id, version, last_seen_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (domain, agent_id) DO UPDATE SET version = excluded.version,
                    last_seen_at = MAX(agents.last_seen_at, excluded.last_seen_at)
                """)
        } }
        try prepared.get()
    }

    func close() {
        queue.sync {
            for s in [insertBatch, insertObservation, upsertLatest, upsertAgent] { sqlite_nio_sqlite3_finalize(s) }
            sqlite_nio_sqlite3_close_v2(db)
        }
    }

    func append(_ batch: BatchRecord) async throws(StoreError) -> AppendResult {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                let startDrain = pending.withLock { state in
                    state.items.append(Pending(batch: batch, continuation: continuation))
                    if state.draining { return false }
                    state.draining = true
                    return true
                }
                if startDrain { queue.async { self.drain() } }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .failed("unexpected error")
        }
    }

    /// Commits everything pending, then whatever arrived meanwhile, until nothing is left.
    private func drain() {
        while true {
            let group: [Pending] = pending.withLock { state in
                let items = state.items
                state.items = []
                if items.isEmpty { state.draining = false }
                return items
            }
            if group.isEmpty { return }
            let results = write(group.map(\.batch))
            for (p, result) in zip(group, results) { p.continuation.resume(with: result) }
        }
    }

    private func write(_ batches: [BatchRecord]) -> [Result<AppendResult, any Error>] {
        do {
            try exec("BEGIN IMMEDIATE")
        } catch {
            return batches.map { _ in .failure(error) }
        }
        var results: [Result<AppendResult, any Error>] = []
        results.reserveCapacity(batches.count)
        for batch in batches {
            do {
                try exec("SAVEPOINT batch")
                do {
                    results.append(.success(try write(batch)))
                    try exec("RELEASE batch")
                } catch {
                    try? exec("ROLLBACK TO batch")
                    try? exec("RELEASE batch")
                    results.append(.failure(error))
                }
            } catch {
                results.append(.failure(error))
            }
        }
        do {
            try exec("COMMIT")
            return results
        } catch {
            try? exec("ROLLBACK")
            return batches.map { _ in .failure(error) }
        }
    }

    private struct LatestKey: Hashable {
        var product: Int64, dataset: Int64, kind: Int, subject: String
    }

    private func write(_ batch: BatchRecord) throws(StoreError) -> AppendResult {
        let received = batch.receivedAt.microseconds
        bind(insertBatch, [.text(batch.domain.rawValue), .text(batch.batchId), .text(batch.agentID), .int(received), .int(Int64(batch.rows.count))])
        try step(insertBatch)
        if sqlite_nio_sqlite3_changes(db) == 0 { return .duplicate }

        var newest: [LatestKey: (row: ObservationRow, id: Int64, payload: String)] = [:]
        var lastSeen = received
        for row in batch.rows {
            let o = row.observation
            guard let product = row.productKey, let dataset = row.datasetKey else {
                lastSeen = max(lastSeen, o.observedAt.microseconds)
                continue
            }
            let payload = o.payloadJSON
            bind(insertObservation, [.int(product), .int(dataset), .int(Int64(o.kind.code)), .text(o.subject),
                                     .int(o.observedAt.microseconds), .int(received), o.status.map { .text($0) } ?? .null,
                                     o.value.map { .double($0) } ?? .null, .text(payload)])
            try step(insertObservation)
            let id = sqlite_nio_sqlite3_last_insert_rowid(db)
            let key = LatestKey(product: product, dataset: dataset, kind: o.kind.code, subject: o.subject)
            if let seen = newest[key], seen.row.observation.observedAt > o.observedAt { continue }
            newest[key] = (row, id, payload)
        }
        for (key, entry) in newest {
            let o = entry.row.observation
            bind(upsertLatest, [.int(key.product), .int(key.dataset), .int(Int64(key.kind)), .text(key.subject), .int(entry.id),
                                .int(o.observedAt.microseconds), .int(received), o.status.map { .text($0) } ?? .null,
                                o.value.map { .double($0) } ?? .null, .text(entry.payload)])
            try step(upsertLatest)
        }
        bind(upsertAgent, [.text(batch.domain.rawValue), .text(batch.agentID), .text(batch.agentVersion), .int(lastSeen)])
        try step(upsertAgent)
        return .stored(batch.rows.count)
    }

    // MARK: C API helpers

    private enum Value {
        case int(Int64), double(Double), text(String), null
    }

    private func bind(_ statement: OpaquePointer?, _ values: [Value]) {
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            switch value {
            case .int(let v): sqlite_nio_sqlite3_bind_int64(statement, index, v)
            case .double(let v): sqlite_nio_sqlite3_bind_double(statement, index, v)
            case .text(let v): sqlite_nio_sqlite3_bind_text(statement, index, v, -1, Self.transient)
            case .null: sqlite_nio_sqlite3_bind_null(statement, index)
            }
        }
    }

    private func step(_ statement: OpaquePointer?) throws(StoreError) {
        let rc = sqlite_nio_sqlite3_step(statement)
        sqlite_nio_sqlite3_reset(statement)
        if rc != SQLITE_DONE && rc != SQLITE_ROW { throw error(rc) }
    }

    private func statement(_ sql: String) throws(StoreError) -> OpaquePointer? {
        var statement: OpaquePointer?
        let rc = sqlite_nio_sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        if rc != SQLITE_OK { throw error(rc) }
        return statement
    }

    private func exec(_ sql: String) throws(StoreError) {
        let rc = sqlite_nio_sqlite3_exec(db, sql, nil, nil, nil)
        if rc != SQLITE_OK { throw error(rc) }
    }

    private func error(_ rc: Int32) -> StoreError {
        let message = String(cString: sqlite_nio_sqlite3_errmsg(db))
        switch rc & 0xFF {
        case SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_READONLY: return .unavailable(message)
        case SQLITE_CONSTRAINT: return .conflict(message)
        default: return .failed(message)
        }
    }
}

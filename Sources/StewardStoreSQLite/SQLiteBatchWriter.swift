import Dispatch
import StewardCore
import StewardStore
import VaporCSQLite

/// Writes observation batches with group commit (`GroupCommit`), on its own SQLite connection
/// and serial queue.
///
/// Why not SQLiteNIO for this: it prepares every statement anew and hops threads per statement,
/// which made per-batch overhead dominate ingest. Here statements are prepared once, a whole
/// group's transaction runs in one hop, and one fsync covers many batches. `GroupCommit` keeps
/// each batch atomic on its own by writing a failed group's batches again one by one (a
/// SAVEPOINT per batch did the same on the happy path, but journalled every hot index page once
/// per batch).
final class SQLiteBatchWriter: @unchecked Sendable {
    // All members below are touched only on `queue`.
    private let db: OpaquePointer
    private let queue = DispatchQueue(label: "steward.sqlite.writer")
    private let groupCommit = GroupCommit()
    private var insertBatch: OpaquePointer?
    private var insertObservation: OpaquePointer?
    private var upsertAgent: OpaquePointer?
    private var indexFromTail: OpaquePointer?
    private var latestFromTail: OpaquePointer?
    private var advanceTail: OpaquePointer?
    /// Observations in the tail (an estimate: rows of a group that rolled back are counted too,
    /// which only makes the next `deriveTail` come sooner).
    private var tailRows = 0
    private let tailLimits: SQLiteStore.TailLimits
    /// Set by `close`; housekeeping queued before it must not touch the closed connection.
    private var closed = false
    private var groupsWritten = 0
    private var drainScheduled = false
    /// Pages in the WAL after the last commit, from SQLite's WAL hook.
    private var walPages: Int32 = 0

    /// SQLite copies bound text immediately (the C macro SQLITE_TRANSIENT).
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    init(path: String, tailLimits: SQLiteStore.TailLimits) throws(StoreError) {
        self.tailLimits = tailLimits
        var handle: OpaquePointer?
        let rc = sqlite_nio_sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let handle else {
            if let handle { sqlite_nio_sqlite3_close(handle) }
            throw .unavailable("cannot open the SQLite database for writing")
        }
        db = handle
        for pragma in ["PRAGMA busy_timeout = 10000", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
                       "PRAGMA cache_size = -32768", "PRAGMA temp_store = MEMORY"] {
            try exec(pragma)
        }
        // Our own hook replaces SQLite's automatic checkpoint (see `checkpointAfter`).
        sqlite_nio_sqlite3_wal_hook(db, { context, _, _, pages in
            Unmanaged<SQLiteBatchWriter>.fromOpaque(context!).takeUnretainedValue().walPages = pages
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
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
            upsertAgent = try statement("""
                INSERT INTO agents (domain, agent_id, version, last_seen_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (domain, agent_id) DO UPDATE SET version = excluded.version,
                    last_seen_at = MAX(agents.last_seen_at, excluded.last_seen_at)
                """)
            // Both statements read the same rows: the first ?1 of the tail.
            let chunk = "id > \(SQLiteStore.tailStart) AND id <= (SELECT starts_after + ?1 FROM observation_tail)"
            indexFromTail = try statement("""
                INSERT INTO observation_index SELECT product_id, kind, observed_at, id FROM observations WHERE \(chunk)
                """)
            // Newest by (observed time, id), whatever order the rows come in: late, out-of-order
            // data never moves `latest` back.
            latestFromTail = try statement("""
                INSERT INTO latest (product_id, dataset_id, kind, subject, observation_id, observed_at)
                SELECT product_id, dataset_id, kind, subject, id, observed_at FROM observations WHERE \(chunk)
                ON CONFLICT (product_id, dataset_id, kind, subject) DO UPDATE SET
                    observation_id = excluded.observation_id, observed_at = excluded.observed_at
                WHERE (excluded.observed_at, excluded.observation_id) > (latest.observed_at, latest.observation_id)
                """)
            advanceTail = try statement("""
                UPDATE observation_tail SET starts_after = MIN(starts_after + ?1, (SELECT COALESCE(MAX(id), 0) FROM observations))
                """)
            let tail = try statement("SELECT (SELECT COALESCE(MAX(id), 0) FROM observations) - starts_after FROM observation_tail")
            defer { sqlite_nio_sqlite3_finalize(tail) }
            if sqlite_nio_sqlite3_step(tail) == SQLITE_ROW { tailRows = Int(sqlite_nio_sqlite3_column_int64(tail, 0)) }
        } }
        try prepared.get()
    }

    func close() {
        queue.sync {
            closed = true
            for s in [insertBatch, insertObservation, upsertAgent, indexFromTail, latestFromTail, advanceTail] {
                sqlite_nio_sqlite3_finalize(s)
            }
            sqlite_nio_sqlite3_close_v2(db)
        }
    }

    func append(_ batch: BatchRecord) async throws(StoreError) -> AppendResult {
        try await groupCommit.append(batch) { batches throws(StoreError) in
            let written: Result<[AppendResult], StoreError> = await withCheckedContinuation { done in
                self.queue.async {
                    let written = Result { () throws(StoreError) in
                        try self.transaction { () throws(StoreError) in try batches.map(self.write) }
                    }
                    let idle = self.groupCommit.isIdle
                    done.resume(returning: written)
                    self.housekeeping(idle: idle, groupRows: batches.reduce(0) { $0 + $1.rows.count })
                }
            }
            return try written.get()
        }
    }

    /// Derives from the tail, then checkpoints if still no batch waits (one that arrived during the
    /// derive goes first). While the tail is long and no batch waits, it goes on one chunk per
    /// step; once no group has come for `drainAfterMilliseconds`, it derives the rest, however
    /// short. Every read of `latest` scans the tail, and after ingest stops no group would come
    /// to shorten it (16,000 rows left behind made those reads 2.5 ms, 2,000 made them 1.5 ms).
    private func housekeeping(idle: Bool, groupRows: Int) {
        groupsWritten += 1
        let seen = groupsWritten
        let derived = deriveTail(idle: idle, groupRows: groupRows, minimum: tailLimits.idle)
        checkpointAfter(idle: groupCommit.isIdle)
        if derived { queue.async { self.drain(minimum: self.tailLimits.idle, seen: seen) } }
        scheduleDrain()
    }

    private func scheduleDrain() {
        guard tailRows > 0, !drainScheduled, !closed else { return }
        drainScheduled = true
        let seen = groupsWritten
        queue.asyncAfter(deadline: .now() + .milliseconds(tailLimits.drainAfterMilliseconds)) {
            self.drainScheduled = false
            if self.groupsWritten != seen || !self.groupCommit.isIdle { return self.scheduleDrain() }
            self.drain(minimum: 1, seen: seen)
        }
    }

    /// One chunk more, and queues the next, while no group has come since `seen`.
    private func drain(minimum: Int, seen: Int) {
        guard !closed, groupsWritten == seen, groupCommit.isIdle else { return }
        if deriveTail(idle: true, groupRows: 0, minimum: minimum) {
            checkpointAfter(idle: groupCommit.isIdle)
            queue.async { self.drain(minimum: minimum, seen: seen) }
        }
    }

    /// Moves up to `chunk` rows of the tail of `observations` into `observation_index` and
    /// `latest`, after a group has been answered and while no batch waits (or once the tail
    /// reaches `forced` rows). A batch that arrives meanwhile waits for it: `chunk` bounds that.
    ///
    /// Why not with each batch: a batch adds a row or two to every (product, kind) range of the
    /// index and every dataset's `latest` rows, each on its own page, and every group commit
    /// wrote all those pages to the WAL again (58 of the 67 pages of a 100-observation batch's
    /// commit). Thousands of rows at a time write each page once. Readers see both tables and
    /// `observation_tail` in one snapshot and merge the tail in by rowid, so no read ever misses
    /// a stored observation. Returns whether it moved rows.
    private func deriveTail(idle: Bool, groupRows: Int, minimum: Int) -> Bool {
        guard tailRows >= minimum, idle || tailRows >= tailLimits.forced else { return false }
        // No fsync of its own: what this derives is already durable in `observations`. A crash
        // before the next batch's commit syncs the WAL only undoes it, atomically.
        do {
            try exec("PRAGMA synchronous = NORMAL")
            defer { try? exec("PRAGMA synchronous = FULL") }
            // With no pauses, twice what the group added, so the tail shrinks in steps no longer
            // than a pause's (deriving all of it at once stalled batches 40-80 ms).
            let chunk = idle ? tailLimits.chunk : max(tailLimits.chunk, 2 * groupRows)
            try transaction { () throws(StoreError) in
                for s in [indexFromTail, latestFromTail, advanceTail] {
                    bind(s, 1, Int64(chunk))
                    try step(s)
                }
            }
            tailRows = max(0, tailRows - chunk)
            return true
        } catch {
            // Left for the next group: readers still find these rows in the tail.
            return false
        }
    }

    /// WAL pages (4 KiB) after which a checkpoint runs once no batch waits.
    static let idleCheckpointPages: Int32 = 256
    /// WAL pages after which a checkpoint runs even while batches wait: 16 MB of WAL when batches
    /// never pause (a checkpoint of 8,192 pages took up to 80 ms, all of it a wait for batches).
    static let forcedCheckpointPages: Int32 = 4096

    /// Copies the WAL into the database file after a group has been answered, while no batch waits.
    ///
    /// Why: SQLite's automatic checkpoint runs inside the COMMIT that crosses its threshold, and
    /// every batch queued behind that commit waits for it: 8–27 ms for 8,192 pages, several times
    /// a second at half the maximum rate, which set the p99. Small checkpoints in the gaps between
    /// groups cost a batch that arrives meanwhile a few milliseconds at most. Checkpoints on
    /// another thread and connection were tried too: they compete with the writer for the disk,
    /// rarely catch up so the WAL can start over, and made the p50 worse (BENCHMARKS.md).
    private func checkpointAfter(idle: Bool) {
        guard walPages >= Self.idleCheckpointPages, idle || walPages >= Self.forcedCheckpointPages else { return }
        var log: Int32 = 0, copied: Int32 = 0
        sqlite_nio_sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, &log, &copied)
        walPages = 0
    }

    private func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try exec("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try exec("COMMIT")
            return value
        } catch {
            try? exec("ROLLBACK")
            throw error
        }
    }

    private func write(_ batch: BatchRecord) throws(StoreError) -> AppendResult {
        let received = batch.receivedAt.microseconds
        bind(insertBatch, 1, batch.domain.rawValue); bind(insertBatch, 2, batch.batchId); bind(insertBatch, 3, batch.agentID)
        bind(insertBatch, 4, received); bind(insertBatch, 5, Int64(batch.rows.count))
        try step(insertBatch)
        if sqlite_nio_sqlite3_changes(db) == 0 { return .duplicate }

        var lastSeen = received
        for row in batch.rows {
            let o = row.observation
            guard let product = row.productKey, let dataset = row.datasetKey else {
                lastSeen = max(lastSeen, o.observedAt.microseconds)
                continue
            }
            let s = insertObservation
            bind(s, 1, product); bind(s, 2, dataset); bind(s, 3, Int64(o.kind.code)); bind(s, 4, o.subject)
            bind(s, 5, o.observedAt.microseconds); bind(s, 6, received); bind(s, 7, o.status); bind(s, 8, o.value); bind(s, 9, row.payload)
            try step(s)
            tailRows += 1
        }
        bind(upsertAgent, 1, batch.domain.rawValue); bind(upsertAgent, 2, batch.agentID); bind(upsertAgent, 3, batch.agentVersion)
        bind(upsertAgent, 4, lastSeen)
        try step(upsertAgent)
        return .stored(batch.rows.count)
    }

    // MARK: C API helpers (one call per value: no array of boxed values per row on this hot path)

    private func bind(_ statement: OpaquePointer?, _ index: Int32, _ value: Int64) {
        sqlite_nio_sqlite3_bind_int64(statement, index, value)
    }

    private func bind(_ statement: OpaquePointer?, _ index: Int32, _ value: String) {
        sqlite_nio_sqlite3_bind_text(statement, index, value, -1, Self.transient)
    }

    private func bind(_ statement: OpaquePointer?, _ index: Int32, _ value: String?) {
        if let value { bind(statement, index, value) } else { sqlite_nio_sqlite3_bind_null(statement, index) }
    }

    private func bind(_ statement: OpaquePointer?, _ index: Int32, _ value: Double?) {
        if let value { sqlite_nio_sqlite3_bind_double(statement, index, value) } else { sqlite_nio_sqlite3_bind_null(statement, index) }
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

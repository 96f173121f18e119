import SQLiteNIO
import StewardCore
import StewardStore

extension SQLiteStore {
    /// Rows per INSERT statement: 10 binds each keeps us well under SQLite's 32,766-variable limit.
    static let chunk = 500

    public func append(_ batch: BatchRecord) async throws(StoreError) -> AppendResult {
        // Build binds before taking the write lock: the lock is the bottleneck, formatting is not.
        var chunks: [(sql: String, binds: [SQLiteData])] = []
        let rows = batch.rows.filter { $0.productKey != nil }
        var start = 0
        while start < rows.count {
            let end = min(start + Self.chunk, rows.count)
            var binds: [SQLiteData] = []
            binds.reserveCapacity((end - start) * 9)
            for row in rows[start..<end] {
                let o = row.observation
                binds.append(.int(row.productKey!))
                binds.append(.int(row.datasetKey ?? 0))
                binds.append(.integer(o.kind.code))
                binds.append(.text(o.subject))
                binds.append(.time(o.observedAt))
                binds.append(.time(batch.receivedAt))
                binds.append(.optional(o.status))
                binds.append(.optional(o.value))
                binds.append(.text(o.payloadJSON))
            }
            chunks.append((Self.insertSQL(rows: end - start), binds))
            start = end
        }
        let statements = chunks
        let heartbeat = batch.rows.lazy.filter { $0.productKey == nil }.map(\.observation.observedAt).max()
        let lastSeen = max(heartbeat ?? batch.receivedAt, batch.receivedAt)

        return try await gate.run { () async throws(StoreError) -> AppendResult in
            try await self.transaction { () async throws(StoreError) -> AppendResult in
                let w = self.writer
                let inserted = try await self.query(w, """
                    INSERT INTO batches (domain, batch_id, agent_id, received_at, observation_count) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING RETURNING batch_id
                    """, [.text(batch.domain.rawValue), .text(batch.batchId), .text(batch.agentID),
                          .time(batch.receivedAt), .integer(batch.rows.count)])
                if inserted.isEmpty { return .duplicate }
                let first = try await self.query(w, "SELECT COALESCE(MAX(id), 0) + 1 AS next FROM observations").first?.int("next") ?? 1
                for chunk in statements {
                    try await self.exec(w, chunk.sql, chunk.binds)
                }
                if !rows.isEmpty {
                    // Newest per key among this batch's rows (SQLite takes bare columns from the MAX row),
                    // applied only where newer than what `latest` holds: late, out-of-order data never regresses it.
                    try await self.exec(w, """
                        INSERT INTO latest (product_id, dataset_id, kind, subject, observation_id, observed_at, recorded_at, status, value, payload)
                        SELECT product_id, dataset_id, kind, subject, id, MAX(observed_at), recorded_at, status, value, payload
                        FROM observations WHERE id >= ? GROUP BY product_id, dataset_id, kind, subject
                        ON CONFLICT (product_id, dataset_id, kind, subject) DO UPDATE SET
                            observation_id = excluded.observation_id, observed_at = excluded.observed_at,
                            recorded_at = excluded.recorded_at, status = excluded.status, value = excluded.value,
                            payload = excluded.payload
                        WHERE excluded.observed_at >= latest.observed_at
                        """, [.int(first)])
                }
                try await self.exec(w, """
                    INSERT INTO agents (domain, agent_id, version, last_seen_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (domain, agent_id) DO UPDATE SET version = excluded.version,
                        last_seen_at = MAX(agents.last_seen_at, excluded.last_seen_at)
                    """, [.text(batch.domain.rawValue), .text(batch.agentID), .text(batch.agentVersion), .time(lastSeen)])
                return .stored(batch.rows.count)
            }
        }
    }

    static func insertSQL(rows: Int) -> String {
        let tuple = "(?, ?, ?, ?, ?, ?, ?, ?, ?)"
        return "INSERT INTO observations (product_id, dataset_id, kind, subject, observed_at, recorded_at, status, value, payload) VALUES "
            + Array(repeating: tuple, count: rows).joined(separator: ", ")
    }

    static let selectColumns = """
        p.domain AS p_domain, p.name AS p_name, d.namespace AS d_namespace, d.name AS d_name
        """

    func stored(_ row: SQLiteRow, idColumn: String = "id") -> StoredObservation {
        StoredObservation(
            id: row.int(idColumn),
            product: ProductID(trustedDomain: row.text("p_domain"), name: row.text("p_name")),
            dataset: DatasetRef(namespace: row.text("d_namespace"), name: row.text("d_name")),
            kind: Observation.Kind(code: Int(row.int("kind"))) ?? .heartbeat,
            subject: row.text("subject"), observedAt: row.time("observed_at"), recordedAt: row.time("recorded_at"),
            status: row.optionalText("status"), value: row.optionalDouble("value"), payload: row.text("payload"))
    }

    public func latest(_ product: ProductID, asOf: Timestamp?) async throws(StoreError) -> [StoredObservation] {
        let binds: [SQLiteData] = [.text(product.domain.rawValue), .text(product.name)]
        guard let asOf else {
            return try await query(reader, """
                SELECT l.*, \(Self.selectColumns) FROM products p
                JOIN latest l ON l.product_id = p.id JOIN datasets d ON d.id = l.dataset_id
                WHERE p.domain = ? AND p.name = ? ORDER BY l.kind, d.namespace, d.name, l.subject
                """, binds).map { stored($0, idColumn: "observation_id") }
        }
        // As of a past time: what had been observed and recorded by then.
        let t = SQLiteData.time(asOf)
        return try await query(reader, """
            SELECT o.*, \(Self.selectColumns) FROM products p
            JOIN observations o ON o.product_id = p.id JOIN datasets d ON d.id = o.dataset_id
            WHERE p.domain = ? AND p.name = ? AND o.id IN (
                SELECT (SELECT id FROM observations x WHERE x.product_id = k.product_id AND x.dataset_id = k.dataset_id
                        AND x.kind = k.kind AND x.subject = k.subject AND x.observed_at <= ? AND x.recorded_at <= ?
                        ORDER BY x.observed_at DESC, x.id DESC LIMIT 1)
                FROM latest k WHERE k.product_id = p.id)
            ORDER BY o.kind, d.namespace, d.name, o.subject
            """, binds + [t, t]).map { stored($0) }
    }

    public func history(_ q: HistoryQuery) async throws(StoreError) -> HistoryPage {
        var sql = """
            SELECT o.*, \(Self.selectColumns) FROM products p
            JOIN observations o ON o.product_id = p.id JOIN datasets d ON d.id = o.dataset_id
            WHERE p.domain = ? AND p.name = ?
            """
        var binds: [SQLiteData] = [.text(q.product.domain.rawValue), .text(q.product.name)]
        if let kind = q.kind { sql += " AND o.kind = ?"; binds.append(.integer(kind.code)) }
        if let since = q.since { sql += " AND o.observed_at >= ?"; binds.append(.time(since)) }
        if let until = q.until { sql += " AND o.observed_at < ?"; binds.append(.time(until)) }
        if let c = q.cursor {
            sql += " AND (o.observed_at < ? OR (o.observed_at = ? AND o.id < ?))"
            binds += [.int(c.observedAt), .int(c.observedAt), .int(c.id)]
        }
        sql += " ORDER BY o.observed_at DESC, o.id DESC LIMIT ?"
        binds.append(.integer(q.limit + 1))
        var items = try await query(reader, sql, binds).map { stored($0) }
        var next: HistoryCursor?
        if items.count > q.limit {
            items.removeLast()
            next = items.last.map { HistoryCursor(observedAt: $0.observedAt.microseconds, id: $0.id) }
        }
        return HistoryPage(items: items, next: next)
    }

    public func agents(domain: DomainName?) async throws(StoreError) -> [AgentRecord] {
        var sql = "SELECT domain, agent_id, version, last_seen_at FROM agents"
        var binds: [SQLiteData] = []
        if let domain { sql += " WHERE domain = ?"; binds.append(.text(domain.rawValue)) }
        return try await query(reader, sql + " ORDER BY domain, agent_id", binds).map {
            AgentRecord(domain: DomainName(trusted: $0.text("domain")), agentID: $0.text("agent_id"),
                        version: $0.text("version"), lastSeenAt: $0.time("last_seen_at"))
        }
    }
}

import SQLiteNIO
import StewardCore
import StewardStore

extension SQLiteStore {
    public func append(_ batch: BatchRecord) async throws(StoreError) -> AppendResult {
        try await batchWriter.append(batch)
    }

    static let selectColumns = """
        p.domain AS p_domain, p.name AS p_name, d.namespace AS d_namespace, d.name AS d_name
        """

    func stored(_ row: SQLiteRow) -> StoredObservation {
        StoredObservation(
            id: row.int("id"),
            product: ProductID(trustedDomain: row.text("p_domain"), name: row.text("p_name")),
            dataset: DatasetRef(namespace: row.text("d_namespace"), name: row.text("d_name")),
            kind: Observation.Kind(code: Int(row.int("kind"))) ?? .heartbeat,
            subject: row.text("subject"), observedAt: row.time("observed_at"), recordedAt: row.time("recorded_at"),
            status: row.optionalText("status"), value: row.optionalDouble("value"), payload: row.text("payload"))
    }

    /// Observations above this id are the tail: stored, not yet in `observation_index` or
    /// `latest` (`SQLiteBatchWriter.deriveTail`). Readers scan it by rowid.
    static let tailStart = "(SELECT starts_after FROM observation_tail)"

    public func latest(_ product: ProductID, asOf: Timestamp?) async throws(StoreError) -> [StoredObservation] {
        let binds: [SQLiteData] = [.text(product.domain.rawValue), .text(product.name)]
        guard let asOf else {
            // `latest` merged with the tail: the newest row per key by (observed time, id).
            return try await query(reader, """
                WITH prod AS (SELECT id FROM products WHERE domain = ? AND name = ?),
                candidates AS (
                    SELECT observation_id AS id, dataset_id, kind, subject, observed_at FROM latest
                    WHERE product_id = (SELECT id FROM prod)
                    UNION ALL
                    SELECT id, dataset_id, kind, subject, observed_at FROM observations
                    WHERE id > \(Self.tailStart) AND product_id = (SELECT id FROM prod)),
                newest AS (
                    SELECT id, ROW_NUMBER() OVER (PARTITION BY dataset_id, kind, subject ORDER BY observed_at DESC, id DESC) AS rank
                    FROM candidates)
                SELECT o.*, \(Self.selectColumns) FROM newest n JOIN observations o ON o.id = n.id
                JOIN products p ON p.id = o.product_id JOIN datasets d ON d.id = o.dataset_id
                WHERE n.rank = 1 ORDER BY o.kind, d.namespace, d.name, o.subject
                """, binds).map { stored($0) }
        }
        // As of a past time: for each key ever observed, what had been observed and recorded by then.
        let t = SQLiteData.time(asOf)
        return try await query(reader, """
            WITH prod AS (SELECT id FROM products WHERE domain = ? AND name = ?),
            keys AS (
                SELECT product_id, dataset_id, kind, subject FROM latest WHERE product_id = (SELECT id FROM prod)
                UNION
                SELECT product_id, dataset_id, kind, subject FROM observations
                WHERE id > \(Self.tailStart) AND product_id = (SELECT id FROM prod))
            SELECT o.*, \(Self.selectColumns) FROM observations o
            JOIN products p ON p.id = o.product_id JOIN datasets d ON d.id = o.dataset_id
            WHERE o.id IN (
                SELECT (SELECT id FROM (
                    SELECT * FROM (
                        SELECT x.id, x.observed_at FROM observation_index i JOIN observations x ON x.id = i.id
                        WHERE i.product_id = k.product_id AND i.kind = k.kind AND i.observed_at <= ?
                            AND x.dataset_id = k.dataset_id AND x.subject = k.subject AND x.recorded_at <= ?
                        ORDER BY i.observed_at DESC, i.id DESC LIMIT 1)
                    UNION ALL
                    SELECT x.id, x.observed_at FROM observations x WHERE x.id > \(Self.tailStart)
                        AND x.product_id = k.product_id AND x.dataset_id = k.dataset_id AND x.kind = k.kind
                        AND x.subject = k.subject AND x.observed_at <= ? AND x.recorded_at <= ?)
                    ORDER BY observed_at DESC, id DESC LIMIT 1)
                FROM keys k)
            ORDER BY o.kind, d.namespace, d.name, o.subject
            """, binds + [t, t, t, t]).map { stored($0) }
    }

    /// Newest first: one descending (product, kind, time) range of `observation_index` per kind,
    /// each stopped at the page size, plus the tail (`tailStart`), merged. A (product, time)
    /// index would serve this directly, but every index costs ingest more WAL pages per commit,
    /// and this merge reads at most one page per kind.
    public func history(_ q: HistoryQuery) async throws(StoreError) -> HistoryPage {
        func range(_ t: String) -> (sql: String, binds: [SQLiteData]) {
            var sql = "", binds: [SQLiteData] = []
            if let since = q.since { sql += " AND \(t)observed_at >= ?"; binds.append(.time(since)) }
            if let until = q.until { sql += " AND \(t)observed_at < ?"; binds.append(.time(until)) }
            if let c = q.cursor { sql += " AND (\(t)observed_at, \(t)id) < (?, ?)"; binds += [.int(c.observedAt), .int(c.id)] }
            return (sql, binds)
        }
        let indexed = range("k."), tail = range("")
        let kinds = q.kind.map { [$0] } ?? Observation.Kind.allCases
        let perKind = kinds.map { _ in
            """
            SELECT * FROM (SELECT o.* FROM observation_index k JOIN observations o ON o.id = k.id
                WHERE k.product_id = (SELECT id FROM p) AND k.kind = ?\(indexed.sql) ORDER BY k.observed_at DESC, k.id DESC LIMIT ?)
            """
        }
        let tailBranch = """
            SELECT * FROM observations WHERE id > \(Self.tailStart) AND product_id = (SELECT id FROM p)\(q.kind == nil ? "" : " AND kind = ?")\(tail.sql)
            """
        let sql = """
            WITH p AS (SELECT id, domain, name FROM products WHERE domain = ? AND name = ?)
            SELECT o.*, \(Self.selectColumns) FROM (\((perKind + [tailBranch]).joined(separator: " UNION ALL "))) o
            JOIN p ON p.id = o.product_id JOIN datasets d ON d.id = o.dataset_id
            ORDER BY o.observed_at DESC, o.id DESC LIMIT ?
            """
        var binds: [SQLiteData] = [.text(q.product.domain.rawValue), .text(q.product.name)]
        for kind in kinds { binds += [.integer(kind.code)] + indexed.binds + [.integer(q.limit + 1)] }
        if let kind = q.kind { binds.append(.integer(kind.code)) }
        binds += tail.binds + [.integer(q.limit + 1)]
        return HistoryPage(rows: try await query(reader, sql, binds).map { stored($0) }, limit: q.limit)
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

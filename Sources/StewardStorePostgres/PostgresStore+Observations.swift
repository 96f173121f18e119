import PostgresNIO
import StewardCore
import StewardStore

extension PostgresStore {
    public func append(_ batch: BatchRecord) async throws(StoreError) -> AppendResult {
        try await groupCommit.append(batch) { batches throws(StoreError) in
            try await self.transaction { c throws(StoreError) in try await self.insert(batches, c) }
        }
    }

    /// Inserts the batches not stored before, their observations (advancing `latest`) and their
    /// agents' last sighting: four statements whatever the number of batches.
    private func insert(_ batches: [BatchRecord], _ c: PostgresConnection) async throws(StoreError) -> [AppendResult] {
        var domains: [String] = [], ids: [String] = [], agentIDs: [String] = [], received: [Int64] = [], counts: [Int64] = []
        for b in batches {
            domains.append(b.domain.rawValue); ids.append(b.batchId); agentIDs.append(b.agentID)
            received.append(b.receivedAt.microseconds); counts.append(Int64(b.rows.count))
        }
        let inserted = try await rows(c, """
            INSERT INTO batches (domain, batch_id, agent_id, received_at, observation_count)
            SELECT * FROM UNNEST(\(domains)::text[], \(ids)::text[], \(agentIDs)::text[], \(received)::bigint[], \(counts)::bigint[])
            ON CONFLICT DO NOTHING RETURNING domain, batch_id
            """)
        var new = Set<BatchKey>()
        for row in inserted {
            let (domain, id) = try Self.decode(row, (String, String).self)
            new.insert(BatchKey(domain: domain, id: id))
        }

        // Columns as arrays for one UNNEST insert (one round trip for every row of the group).
        // NULLs travel as sentinels: '' for status, NaN for value (validation rejects NaN from clients).
        var products: [Int64] = [], datasets: [Int64] = [], kinds: [Int16] = [], subjects: [String] = [], recorded: [Int64] = []
        var observed: [Int64] = [], statuses: [String] = [], values: [Double] = [], payloads: [String] = []
        var agents: [AgentKey: (version: String, lastSeen: Int64)] = [:]
        var results: [AppendResult] = []
        for batch in batches {
            // The first of two batches with one id in a group is the one stored.
            guard new.remove(BatchKey(domain: batch.domain.rawValue, id: batch.batchId)) != nil else {
                results.append(.duplicate)
                continue
            }
            results.append(.stored(batch.rows.count))
            var lastSeen = batch.receivedAt.microseconds
            for row in batch.rows {
                let o = row.observation
                guard let product = row.productKey else {
                    lastSeen = max(lastSeen, o.observedAt.microseconds)
                    continue
                }
                products.append(product)
                datasets.append(row.datasetKey ?? 0)
                kinds.append(Int16(o.kind.code))
                subjects.append(o.subject)
                observed.append(o.observedAt.microseconds)
                recorded.append(batch.receivedAt.microseconds)
                statuses.append(o.status ?? "")
                values.append(o.value ?? .nan)
                payloads.append(row.payload)
            }
            let key = AgentKey(domain: batch.domain.rawValue, id: batch.agentID)
            agents[key] = (batch.agentVersion, max(lastSeen, agents[key]?.lastSeen ?? lastSeen))
        }
        if !products.isEmpty {
            // History and `latest` in one statement; `latest` only moves forward in observed time.
            try await run(c, """
                WITH ins AS (
                    INSERT INTO observations (product_id, dataset_id, kind, subject, observed_at, recorded_at, status, value, payload)
                    SELECT p, d, k, s, o, r, NULLIF(st, ''), NULLIF(v, 'NaN'::float8), pl
                    FROM UNNEST(\(products)::bigint[], \(datasets)::bigint[], \(kinds)::smallint[], \(subjects)::text[],
                                \(observed)::bigint[], \(recorded)::bigint[], \(statuses)::text[], \(values)::float8[], \(payloads)::text[])
                         AS u(p, d, k, s, o, r, st, v, pl)
                    RETURNING id, product_id, dataset_id, kind, subject, observed_at)
                INSERT INTO latest (product_id, dataset_id, kind, subject, observation_id, observed_at)
                SELECT DISTINCT ON (product_id, dataset_id, kind, subject) product_id, dataset_id, kind, subject, id, observed_at
                FROM ins ORDER BY product_id, dataset_id, kind, subject, observed_at DESC, id DESC
                ON CONFLICT (product_id, dataset_id, kind, subject) DO UPDATE SET
                    observation_id = excluded.observation_id, observed_at = excluded.observed_at
                WHERE excluded.observed_at >= latest.observed_at
                """)
        }
        if !agents.isEmpty {
            // One row per agent: an upsert may not touch the same row twice in one statement.
            let keys = agents.keys.sorted { ($0.domain, $0.id) < ($1.domain, $1.id) }
            let agentDomains = keys.map(\.domain), agentNames = keys.map(\.id)
            let versions = keys.map { agents[$0]!.version }, seen = keys.map { agents[$0]!.lastSeen }
            try await run(c, """
                INSERT INTO agents (domain, agent_id, version, last_seen_at)
                SELECT * FROM UNNEST(\(agentDomains)::text[], \(agentNames)::text[], \(versions)::text[], \(seen)::bigint[])
                ON CONFLICT (domain, agent_id) DO UPDATE SET version = excluded.version,
                    last_seen_at = GREATEST(agents.last_seen_at, excluded.last_seen_at)
                """)
        }
        return results
    }

    private struct BatchKey: Hashable { var domain: String, id: String }
    private struct AgentKey: Hashable { var domain: String, id: String }

    static let selectColumns = "p.domain, p.name, d.namespace, d.name"

    static func stored(_ row: PostgresRow) throws(StoreError) -> StoredObservation {
        let (id, kind, subject, observedAt, recordedAt, status, value, payload, domain, product, namespace, dataset) =
            try decode(row, (Int64, Int16, String, Int64, Int64, String?, Double?, String, String, String, String, String).self)
        return StoredObservation(
            id: id, product: ProductID(trustedDomain: domain, name: product),
            dataset: DatasetRef(namespace: namespace, name: dataset), kind: Observation.Kind(code: Int(kind)) ?? .heartbeat,
            subject: subject, observedAt: Timestamp(microseconds: observedAt), recordedAt: Timestamp(microseconds: recordedAt),
            status: status, value: value, payload: payload)
    }

    public func latest(_ product: ProductID, asOf: Timestamp?) async throws(StoreError) -> [StoredObservation] {
        let rows: [PostgresRow]
        if let asOf {
            // As of a past time: the newest observation per key that had been observed and recorded by then.
            let t = asOf.microseconds
            rows = try await self.rows("""
                SELECT o.id, o.kind, o.subject, o.observed_at, o.recorded_at, o.status, o.value, o.payload, \(unescaped: Self.selectColumns)
                FROM products p JOIN latest k ON k.product_id = p.id
                CROSS JOIN LATERAL (
                    SELECT * FROM observations x WHERE x.product_id = k.product_id AND x.dataset_id = k.dataset_id
                    AND x.kind = k.kind AND x.subject = k.subject AND x.observed_at <= \(t) AND x.recorded_at <= \(t)
                    ORDER BY x.observed_at DESC, x.id DESC LIMIT 1) o
                JOIN datasets d ON d.id = o.dataset_id
                WHERE p.domain = \(product.domain.rawValue) AND p.name = \(product.name)
                ORDER BY o.kind, d.namespace, d.name, o.subject
                """)
        } else {
            rows = try await self.rows("""
                SELECT o.id, o.kind, o.subject, o.observed_at, o.recorded_at, o.status, o.value, o.payload, \(unescaped: Self.selectColumns)
                FROM products p JOIN latest l ON l.product_id = p.id JOIN observations o ON o.id = l.observation_id
                JOIN datasets d ON d.id = l.dataset_id
                WHERE p.domain = \(product.domain.rawValue) AND p.name = \(product.name)
                ORDER BY l.kind, d.namespace, d.name, l.subject
                """)
        }
        return try rows.map { row throws(StoreError) in try Self.stored(row) }
    }

    /// Newest first, through the (product, kind, time) index alone: one descending range per kind,
    /// each stopped at the page size, merged (as on SQLite; one index fewer to update per row).
    public func history(_ q: HistoryQuery) async throws(StoreError) -> HistoryPage {
        let kinds = (q.kind.map { [$0] } ?? Observation.Kind.allCases).map { Int16($0.code) }
        let cursorTime = q.cursor?.observedAt ?? Int64.max
        let cursorID = q.cursor?.id ?? Int64.max
        let rows = try await self.rows("""
            SELECT o.id, o.kind, o.subject, o.observed_at, o.recorded_at, o.status, o.value, o.payload, \(unescaped: Self.selectColumns)
            FROM products p CROSS JOIN LATERAL unnest(\(kinds)::smallint[]) AS k(kind)
            CROSS JOIN LATERAL (
                SELECT * FROM observations x WHERE x.product_id = p.id AND x.kind = k.kind
                AND x.observed_at >= \(q.since?.microseconds ?? Int64.min) AND x.observed_at < \(q.until?.microseconds ?? Int64.max)
                AND (x.observed_at, x.id) < (\(cursorTime), \(cursorID))
                ORDER BY x.observed_at DESC, x.id DESC LIMIT \(q.limit + 1)) o
            JOIN datasets d ON d.id = o.dataset_id
            WHERE p.domain = \(q.product.domain.rawValue) AND p.name = \(q.product.name)
            ORDER BY o.observed_at DESC, o.id DESC LIMIT \(q.limit + 1)
            """)
        var items = try rows.map { row throws(StoreError) in try Self.stored(row) }
        var next: HistoryCursor?
        if items.count > q.limit {
            items.removeLast()
            next = items.last.map { HistoryCursor(observedAt: $0.observedAt.microseconds, id: $0.id) }
        }
        return HistoryPage(items: items, next: next)
    }

    public func agents(domain: DomainName?) async throws(StoreError) -> [AgentRecord] {
        let rows = try await self.rows("""
            SELECT domain, agent_id, version, last_seen_at FROM agents
            WHERE \(domain?.rawValue)::text IS NULL OR domain = \(domain?.rawValue) ORDER BY domain, agent_id
            """)
        return try rows.map { row throws(StoreError) in
            let (d, id, version, seen) = try Self.decode(row, (String, String, String, Int64).self)
            return AgentRecord(domain: DomainName(trusted: d), agentID: id, version: version, lastSeenAt: Timestamp(microseconds: seen))
        }
    }
}

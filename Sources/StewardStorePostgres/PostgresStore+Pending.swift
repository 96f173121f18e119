import PostgresNIO
import StewardStore

/// `pending_groups`: groups stored but not yet derived into `latest` and `agents` (PendingDeriver).
extension PostgresStore {
    /// Groups one derive takes at most: bounds its transaction and the `latest` rows it locks.
    static let deriveChunk = 256

    /// The observations of the groups in `groups` (a table or CTE named g), as `x`, plus rows of
    /// other groups whose ids interleave, which readers and the deriver may count twice without
    /// changing the answer. `OFFSET 0` keeps it a loop of id-range scans: flattened into a join,
    /// the planner (which cannot tell how few groups are pending) chose to scan all observations.
    static func observations(of groups: String) -> String {
        "\(groups) g CROSS JOIN LATERAL (SELECT * FROM observations o WHERE o.id BETWEEN g.first_id AND g.last_id OFFSET 0) x"
    }
    static let pendingObservations = observations(of: "pending_groups")

    /// The newest observation by (time, id) of each (product, dataset, kind, subject) among `rows`
    /// (observations as `x`, with any join), every column, as `o`. Keys are grouped by hashing
    /// and only the winners are read whole, by id. A DISTINCT ON sorted every row with its
    /// payload: 15 ms where this takes 10 for the 7,800 rows of a typical derive, and 87 where
    /// this takes 36 for the 38,000 that pile up while the deriver yields (that sort spilled out
    /// of `work_mem` to disk). BENCHMARKS.md, session 22.
    static func newestPerKey(of rows: String) -> String {
        """
        SELECT o.product_id, o.dataset_id, o.kind, o.observed_at, o.id, o.recorded_at, o.subject, o.payload, o.status, o.value
        FROM (SELECT max(ARRAY[x.observed_at, x.id]) AS newest FROM \(rows)
              GROUP BY x.product_id, x.dataset_id, x.kind, x.subject) k
        JOIN observations o ON o.id = k.newest[2]
        """
    }

    /// Moves up to `deriveChunk` pending groups into `latest` and `agents`. One statement, so one
    /// transaction: the `pending_groups` rows go in the commit that advances what they held.
    /// SKIP LOCKED: replicas deriving at once take different groups. Both upserts keep the newest
    /// by (time, id), whatever order groups are derived in, and lock rows in key order.
    /// - Returns: true when the chunk was full (more may be pending).
    func derivePending() async throws(StoreError) -> Bool {
        let rows = try await rows("""
            WITH g AS (
                DELETE FROM pending_groups WHERE id IN (
                    SELECT id FROM pending_groups ORDER BY id LIMIT \(Self.deriveChunk) FOR UPDATE SKIP LOCKED)
                RETURNING *),
            newest AS (
                \(unescaped: Self.newestPerKey(of: Self.observations(of: "g")))
                ORDER BY o.product_id, o.dataset_id, o.kind, o.subject),
            derived_latest AS (
                INSERT INTO latest (product_id, dataset_id, kind, observed_at, observation_id, recorded_at, subject, payload, status, value)
                SELECT * FROM newest
                ON CONFLICT (product_id, dataset_id, kind, subject) DO UPDATE SET
                    observation_id = excluded.observation_id, observed_at = excluded.observed_at,
                    recorded_at = excluded.recorded_at, status = excluded.status, value = excluded.value, payload = excluded.payload
                WHERE (excluded.observed_at, excluded.observation_id) > (latest.observed_at, latest.observation_id)),
            derived_agents AS (
                INSERT INTO agents (domain, agent_id, version, last_seen_at)
                SELECT DISTINCT ON (d, i) d, i, v, s
                FROM g, UNNEST(g.agent_domains, g.agent_ids, g.agent_versions, g.agent_seen) AS u(d, i, v, s)
                ORDER BY d, i, s DESC, g.id DESC
                ON CONFLICT (domain, agent_id) DO UPDATE SET
                    version = CASE WHEN excluded.last_seen_at >= agents.last_seen_at THEN excluded.version ELSE agents.version END,
                    last_seen_at = GREATEST(agents.last_seen_at, excluded.last_seen_at))
            SELECT count(*) FROM g
            """)
        let derived = try rows.first.map { row throws(StoreError) in try Self.decode(row, Int64.self) } ?? 0
        return derived == Self.deriveChunk
    }

    /// Groups stored but not derived yet (read by the tests).
    func pendingGroups() async throws(StoreError) -> Int {
        let rows = try await rows("SELECT count(*) FROM pending_groups")
        return Int(try rows.first.map { row throws(StoreError) in try Self.decode(row, Int64.self) } ?? 0)
    }
}

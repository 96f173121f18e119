import PostgresNIO
import StewardCore
import StewardStore

extension PostgresStore {
    public func append(_ batch: BatchRecord) async throws(StoreError) -> AppendResult {
        // No BEGIN/COMMIT around it: the group is one statement, which PostgreSQL runs as one
        // transaction of its own (all its inserts or none), so it costs one round trip, not three.
        // Written on the loop of the request that starts the writer (`RequestExecutor`), where
        // `client` finds that loop's pool: no thread hop between the statement and its answer.
        let results = try await groupCommit.append(batch) { batches throws(StoreError) in
            try await self.withConnection { c throws(StoreError) in try await self.insert(batches, c) }
        }
        deriver.groupWritten()
        return results
    }

    /// Stores a group in one statement, so atomically: the batches not stored before, their
    /// observations, and one `pending_groups` row from which the deriver advances `latest` and
    /// `agents` after the commit.
    /// Those rows are shared by every group (a batch of 100 observations touches ~100 `latest`
    /// rows); upserting them here made each group wait for the previous one's commit.
    private func insert(_ batches: [BatchRecord], _ c: PostgresConnection) async throws(StoreError) -> [AppendResult] {
        // A batch id twice in one group: the first is the one stored (and the rest duplicates).
        var seen = Set<BatchKey>(), first: [Int] = []
        for (i, b) in batches.enumerated() where seen.insert(BatchKey(domain: b.domain.rawValue, id: b.batchId)).inserted {
            first.append(i)
        }
        // Columns as arrays for UNNEST (one round trip for the whole group); `n` is the batch's
        // 1-based ordinal among `first`. NULLs travel as sentinels: '' for status, NaN for value
        // (validation rejects NaN from clients).
        var domains: [String] = [], ids: [String] = [], agentIDs: [String] = [], versions: [String] = []
        var received: [Int64] = [], counts: [Int64] = [], lastSeen: [Int64] = []
        var products: [Int64] = [], datasets: [Int64] = [], kinds: [Int16] = [], subjects: [String] = []
        var observed: [Int64] = [], statuses: [String] = [], values: [Double] = [], payloads: [String] = [], ordinals: [Int64] = []
        for (n, i) in first.enumerated() {
            let batch = batches[i]
            domains.append(batch.domain.rawValue); ids.append(batch.batchId); agentIDs.append(batch.agentID)
            versions.append(batch.agentVersion); received.append(batch.receivedAt.microseconds); counts.append(Int64(batch.rows.count))
            var seenAt = batch.receivedAt.microseconds
            for row in batch.rows {
                let o = row.observation
                guard let product = row.productKey else {
                    seenAt = max(seenAt, o.observedAt.microseconds)
                    continue
                }
                products.append(product)
                datasets.append(row.datasetKey ?? 0)
                kinds.append(Int16(o.kind.code))
                subjects.append(o.subject)
                observed.append(o.observedAt.microseconds)
                statuses.append(o.status ?? "")
                values.append(o.value ?? .nan)
                payloads.append(row.payload)
                ordinals.append(Int64(n + 1))
            }
            lastSeen.append(seenAt)
        }
        let rows = try await rows(c, GroupInsert(bindings: [
            ArrayBinding(domains), ArrayBinding(ids), ArrayBinding(agentIDs), ArrayBinding(versions), ArrayBinding(received),
            ArrayBinding(counts), ArrayBinding(lastSeen), ArrayBinding(products), ArrayBinding(datasets), ArrayBinding(kinds),
            ArrayBinding(subjects), ArrayBinding(observed), ArrayBinding(statuses), ArrayBinding(values), ArrayBinding(payloads),
            ArrayBinding(ordinals)]))
        var stored = Set<Int>()
        for row in rows { stored.insert(Int(try Self.decode(row, Int64.self)) - 1) }
        var results = [AppendResult](repeating: .duplicate, count: batches.count)
        for (n, i) in first.enumerated() where stored.contains(n) { results[i] = .stored(batches[i].rows.count) }
        return results
    }

    private struct BatchKey: Hashable { var domain: String, id: String }

    /// A group's batches ($1–$7, one element per batch) and observations ($8–$16, one per row),
    /// prepared: one plan for every group. Answers the ordinals of the batches stored.
    /// The observations' arrays are unnested in the select list (side by side, as a multi-array
    /// UNNEST would), which streams the rows: UNNEST in FROM first copied them all into a
    /// tuplestore, and this costs PostgreSQL 8–15% less CPU per row (BENCHMARKS.md, session 31).
    struct GroupInsert: PreparedQuery {
        static let sql = """
            WITH b AS (
                SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[])
                     WITH ORDINALITY AS b(domain, batch_id, agent_id, version, received_at, observation_count, seen, n)),
            new AS (
                INSERT INTO batches (domain, batch_id, agent_id, received_at, observation_count)
                SELECT domain, batch_id, agent_id, received_at, observation_count FROM b
                ON CONFLICT DO NOTHING RETURNING domain, batch_id),
            stored AS (SELECT b.* FROM b JOIN new USING (domain, batch_id)),
            ins AS (
                INSERT INTO observations (product_id, dataset_id, kind, subject, observed_at, recorded_at, status, value, payload)
                SELECT p, d, k, s, o, stored.received_at, NULLIF(st, ''), NULLIF(v, 'NaN'::float8), pl
                FROM (SELECT unnest($8::bigint[]) AS p, unnest($9::bigint[]) AS d, unnest($10::smallint[]) AS k,
                             unnest($11::text[]) AS s, unnest($12::bigint[]) AS o, unnest($13::text[]) AS st,
                             unnest($14::float8[]) AS v, unnest($15::text[]) AS pl, unnest($16::bigint[]) AS n) u
                JOIN stored USING (n)
                RETURNING id),
            pending AS (
                INSERT INTO pending_groups (first_id, last_id, agent_domains, agent_ids, agent_versions, agent_seen)
                SELECT (SELECT min(id) FROM ins), (SELECT max(id) FROM ins), array_agg(domain ORDER BY n),
                       array_agg(agent_id ORDER BY n), array_agg(version ORDER BY n), array_agg(seen ORDER BY n)
                FROM stored HAVING count(*) > 0)
            SELECT n FROM stored
            """
        var bindings: [any PostgresThrowingDynamicTypeEncodable & Sendable]
    }

    /// A stored observation's columns (`o` an observations or `latest`-shaped row, `p` its
    /// product, `d` its dataset), as `stored` reads them.
    /// In this order so that sorting by them is cheap: PostgreSQL finds a column in a row
    /// directly only while no variable-width or NULL column precedes it, and otherwise walks the
    /// row from its start for every comparison (that walk, `nocachegetattr`, was 14% of
    /// PostgreSQL's CPU for a product page when `subject` came third and the dataset's names
    /// last, and 5% since).
    static let selectColumns = "o.id, o.kind, o.observed_at, o.recorded_at, d.namespace, d.name, o.subject, p.domain, p.name, o.payload, o.status, o.value"
    static let selectColumnCount = 12

    /// Columns as `selectColumns` queries list them, read one by one: the variadic `row.decode`
    /// looked up generic metadata for every column of every row (9% of a product page's CPU).
    static func stored(_ row: PostgresRow) throws(StoreError) -> StoredObservation {
        var c = Columns(row)
        let id = try c.next(Int64.self), kind = try c.next(Int16.self)
        let observedAt = try c.next(Int64.self), recordedAt = try c.next(Int64.self)
        let dataset = DatasetRef(namespace: try c.next(String.self), name: try c.next(String.self))
        let subject = try c.next(String.self)
        let product = ProductID(trustedDomain: try c.next(String.self), name: try c.next(String.self))
        let payload = try c.next(String.self), status = try c.next(String?.self), value = try c.next(Double?.self)
        return StoredObservation(
            id: id, product: product, dataset: dataset, kind: Observation.Kind(code: Int(kind)) ?? .heartbeat,
            subject: subject, observedAt: Timestamp(microseconds: observedAt), recordedAt: Timestamp(microseconds: recordedAt),
            status: status, value: value, payload: payload)
    }

    /// The newest observation per (dataset, kind, subject): `latest` merged with what is pending,
    /// in one snapshot (the deriver moves rows from one to the other in one commit).
    public func latest(_ product: ProductID, asOf: Timestamp?) async throws(StoreError) -> [StoredObservation] {
        let rows: [PostgresRow]
        if let asOf {
            // As of a past time: per key, the newest observation that had been observed and recorded by then.
            let t = asOf.microseconds
            rows = try await self.rows("""
                WITH p AS (SELECT id, domain, name FROM products WHERE domain = \(product.domain.rawValue) AND name = \(product.name)),
                keys AS (
                    SELECT l.product_id, l.dataset_id, l.kind, l.subject FROM p JOIN latest l ON l.product_id = p.id
                    UNION
                    SELECT x.product_id, x.dataset_id, x.kind, x.subject FROM \(unescaped: Self.pendingObservations) JOIN p ON x.product_id = p.id)
                SELECT \(unescaped: Self.selectColumns)
                FROM p JOIN keys k ON k.product_id = p.id
                CROSS JOIN LATERAL (
                    SELECT * FROM observations x WHERE \(unescaped: PostgresSchema.streamKey(product: "x.product_id", kind: "x.kind"))
                    = \(unescaped: PostgresSchema.streamKey(product: "k.product_id", kind: "k.kind"))
                    AND x.dataset_id = k.dataset_id AND x.subject = k.subject AND x.observed_at <= \(t) AND x.recorded_at <= \(t)
                    ORDER BY x.observed_at DESC, x.id DESC LIMIT 1) o
                JOIN datasets d ON d.id = o.dataset_id
                ORDER BY o.kind, d.namespace, d.name, o.subject
                """)
        } else {
            rows = try await self.rows(CurrentLatest(bindings: [product.domain.rawValue, product.name]))
        }
        return try rows.map { row throws(StoreError) in try Self.stored(row) }
    }

    /// The current latest of one product ($1 domain, $2 name), prepared: the overview reads it
    /// for every product. Derived rows come from `latest` alone; pending ones from `observations`.
    struct CurrentLatest: PreparedQuery {
        static let sql = """
            \(newest(of: oneProduct))
            SELECT \(selectColumns)
            \(newestRows)
            ORDER BY o.kind, d.namespace, d.name, o.subject
            """
        var bindings: [any PostgresThrowingDynamicTypeEncodable & Sendable]
    }

    /// The current latest of several products ($1 domains, $2 names, pairwise), prepared: the
    /// evaluator reads the products it evaluates together, so that what is pending (up to half a
    /// second of ingest while the deriver yields) is scanned once per pass, not once per product.
    struct CurrentLatestOfMany: PreparedQuery {
        static let sql = """
            \(newest(of: "SELECT p.id, p.domain, p.name FROM UNNEST($1::text[], $2::text[]) u(domain, name) JOIN products p USING (domain, name)"))
            SELECT \(selectColumns)
            \(newestRows)
            ORDER BY p.domain, p.name, o.kind, d.namespace, d.name, o.subject
            """
        var bindings: [any PostgresThrowingDynamicTypeEncodable & Sendable]
    }

    public func latest(of products: [ProductID]) async throws(StoreError) -> [ProductID: [StoredObservation]] {
        guard !products.isEmpty else { return [:] }
        // Each product once: a product named twice would join its `latest` rows twice.
        var seen = Set<ProductID>()
        let products = products.filter { seen.insert($0).inserted }
        let bindings: [any PostgresThrowingDynamicTypeEncodable & Sendable] = [products.map(\.domain.rawValue), products.map(\.name)]
        let rows = try await background.run { () async throws(StoreError) in try await self.rows(CurrentLatestOfMany(bindings: bindings)) }
        var latest: [ProductID: [StoredObservation]] = [:]
        for row in rows {
            let o = try Self.stored(row)
            latest[o.product, default: []].append(o)
        }
        return latest
    }

    /// A product page now, prepared: the current descriptor (a first row whose observation
    /// columns are NULL and whose last three are the version's) then `CurrentLatest`'s rows, in
    /// one round trip and one snapshot.
    struct CurrentPage: PreparedQuery {
        static let sql = """
            \(newest(of: oneProduct))
            (SELECT NULL::bigint, NULL::smallint, NULL::bigint, NULL::bigint, NULL::text, NULL::text, NULL::text, NULL::text,
                    NULL::text, NULL::text, NULL::text, NULL::float8, v.descriptor, v.version, v.registered_at
             FROM p JOIN product_versions v ON v.product_id = p.id ORDER BY v.version DESC LIMIT 1)
            UNION ALL
            (SELECT \(selectColumns),
                    NULL, NULL, NULL
             \(newestRows))
            ORDER BY 2 NULLS FIRST, 5, 6, 7
            """
        var bindings: [any PostgresThrowingDynamicTypeEncodable & Sendable]
    }

    public func productPage(_ id: ProductID, asOf: Timestamp?) async throws(StoreError) -> ProductPage? {
        guard asOf == nil else { return try await productPageInTwoReads(id, asOf: asOf) }
        let rows = try await self.rows(CurrentPage(bindings: [id.domain.rawValue, id.name]))
        guard let first = rows.first else { return nil }
        return ProductPage(version: try Self.version(first, after: Self.selectColumnCount),
                           latest: try rows.dropFirst().map { row throws(StoreError) in try Self.stored(row) })
    }

    /// The newest observation per key of the products `products` selects (`newest`, with the
    /// products as `p`): a `latest` row unless a pending observation of its key is newer, and the
    /// newest pending observation of a key unless `latest` has it or a newer one. Most of the time
    /// nothing is pending, and the `latest` rows come out as they are, without the sort a merge of
    /// both would need. (Ties: the deriver may leave an observation in both; `latest` keeps it.)
    static func newest(of products: String) -> String {
        """
        WITH p AS (\(products)),
        pending AS MATERIALIZED (\(newestPerKey(of: "\(pendingObservations) JOIN p ON x.product_id = p.id"))),
        newest AS (
            SELECT l.product_id, l.dataset_id, l.kind, l.observed_at, l.observation_id AS id, l.recorded_at, l.subject, l.payload, l.status, l.value
            FROM p JOIN latest l ON l.product_id = p.id
            WHERE NOT EXISTS (
                SELECT FROM pending n WHERE n.product_id = l.product_id AND n.dataset_id = l.dataset_id AND n.kind = l.kind
                AND n.subject = l.subject AND (n.observed_at, n.id) > (l.observed_at, l.observation_id))
            UNION ALL
            SELECT * FROM pending n WHERE NOT EXISTS (
                SELECT FROM latest l WHERE l.product_id = n.product_id AND l.dataset_id = n.dataset_id AND l.kind = n.kind
                AND l.subject = n.subject AND (l.observed_at, l.observation_id) >= (n.observed_at, n.id)))
        """
    }
    static let oneProduct = "SELECT id, domain, name FROM products WHERE domain = $1 AND name = $2"

    /// `newest`'s rows with their product `p` and dataset `d`, for `selectColumns`.
    static let newestRows = "FROM newest o JOIN p ON p.id = o.product_id JOIN datasets d ON d.id = o.dataset_id AND d.product_id = p.id"

    /// Newest first, through the (product, kind, time) index alone: one descending range per kind,
    /// each stopped at the page size, merged (as on SQLite; one index fewer to update per row).
    /// The index has no id column: the cursor bounds the range by its time (the planner takes
    /// that from the row comparison), and ties on the time are sorted by id (an incremental sort).
    public func history(_ q: HistoryQuery) async throws(StoreError) -> HistoryPage {
        let kinds = (q.kind.map { [$0] } ?? Observation.Kind.allCases).map { Int16($0.code) }
        let cursorTime = q.cursor?.observedAt ?? Int64.max
        let cursorID = q.cursor?.id ?? Int64.max
        let rows = try await self.rows("""
            SELECT \(unescaped: Self.selectColumns)
            FROM products p CROSS JOIN LATERAL unnest(\(kinds)::smallint[]) AS k(kind)
            CROSS JOIN LATERAL (
                SELECT * FROM observations x WHERE \(unescaped: PostgresSchema.streamKey(product: "x.product_id", kind: "x.kind"))
                    = \(unescaped: PostgresSchema.streamKey(product: "p.id", kind: "k.kind"))
                AND x.observed_at >= \(q.since?.microseconds ?? Int64.min) AND x.observed_at < \(q.until?.microseconds ?? Int64.max)
                AND (x.observed_at, x.id) < (\(cursorTime), \(cursorID))
                ORDER BY x.observed_at DESC, x.id DESC LIMIT \(q.limit + 1)) o
            JOIN datasets d ON d.id = o.dataset_id
            WHERE p.domain = \(q.product.domain.rawValue) AND p.name = \(q.product.name)
            ORDER BY o.observed_at DESC, o.id DESC LIMIT \(q.limit + 1)
            """)
        return HistoryPage(rows: try rows.map { row throws(StoreError) in try Self.stored(row) }, limit: q.limit)
    }

    /// Each agent's last sighting: `agents` merged with pending groups (the newest sighting and
    /// its version win, as when the deriver upserts them).
    public func agents(domain: DomainName?) async throws(StoreError) -> [AgentRecord] {
        let rows = try await self.rows("""
            SELECT DISTINCT ON (domain, agent_id) domain, agent_id, version, last_seen_at FROM (
                SELECT domain, agent_id, version, last_seen_at, 0::bigint AS g FROM agents
                UNION ALL
                SELECT u.d, u.i, u.v, u.s, g.id FROM pending_groups g,
                       UNNEST(g.agent_domains, g.agent_ids, g.agent_versions, g.agent_seen) AS u(d, i, v, s)) a
            WHERE \(domain?.rawValue)::text IS NULL OR domain = \(domain?.rawValue)
            ORDER BY domain, agent_id, last_seen_at DESC, g DESC
            """)
        return try rows.map { row throws(StoreError) in
            let (d, id, version, seen) = try Self.decode(row, (String, String, String, Int64).self)
            return AgentRecord(domain: DomainName(trusted: d), agentID: id, version: version, lastSeenAt: Timestamp(microseconds: seen))
        }
    }
}

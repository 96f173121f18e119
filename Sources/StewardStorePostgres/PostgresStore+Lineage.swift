import PostgresNIO
import StewardCore
import StewardStore

extension PostgresStore {
    /// Serialises lineage writes across replicas so edge seqs commit in order: a replica catching up
    /// "after seq N" then never skips an edge that commits later with a smaller seq.
    static let lineageLockKey: Int64 = 0x5354_4C49_4E45_4147 // "STLINEAG"

    public func appendLineage(_ write: LineageWrite) async throws(StoreError) -> Int {
        let e = write.events
        let runs = Dictionary(e.filter { $0.runID != nil && $0.eventType != nil }.map { ($0.runID!, $0) },
                              uniquingKeysWith: { a, b in a.eventTime >= b.eventTime ? a : b }).values.sorted { $0.runID! < $1.runID! }
        let edges = write.edges
        let columns = Array(Set(write.columnEdges)).sorted { ($0.output.description, $0.field, $0.input.description, $0.inputField) <
            ($1.output.description, $1.field, $1.input.description, $1.inputField) }
        let schemas = write.schemas
        return try await transaction { c throws(StoreError) -> Int in
            try await self.run(c, "SELECT pg_advisory_xact_lock(\(Self.lineageLockKey))")
            // NULLs travel as '' and come back through NULLIF (event types, run ids and job names are never empty).
            let stored = try await self.rows(c, """
                INSERT INTO lineage_events (hash, kind, event_type, event_time, run_id, job_namespace, job_name, domain, received_at, body)
                SELECT h, k, NULLIF(t, ''), et, NULLIF(r, ''), NULLIF(jn, ''), NULLIF(jm, ''), NULLIF(d, ''), ra, b
                FROM UNNEST(\(e.map(\.hash))::bigint[], \(e.map(\.kind))::text[], \(e.map { $0.eventType ?? "" })::text[],
                            \(e.map(\.eventTime.microseconds))::bigint[], \(e.map { $0.runID ?? "" })::text[],
                            \(e.map { $0.jobNamespace ?? "" })::text[], \(e.map { $0.jobName ?? "" })::text[],
                            \(e.map { $0.domain ?? "" })::text[], \(e.map(\.receivedAt.microseconds))::bigint[], \(e.map(\.body))::text[])
                     AS u(h, k, t, et, r, jn, jm, d, ra, b)
                ON CONFLICT (hash) DO NOTHING RETURNING hash
                """).count
            if !runs.isEmpty {
                try await self.run(c, """
                    INSERT INTO lineage_runs (run_id, job_namespace, job_name, state, state_time)
                    SELECT * FROM UNNEST(\(runs.map { $0.runID! })::text[], \(runs.map { $0.jobNamespace ?? "" })::text[],
                                         \(runs.map { $0.jobName ?? "" })::text[], \(runs.map { $0.eventType! })::text[],
                                         \(runs.map(\.eventTime.microseconds))::bigint[])
                    ON CONFLICT (run_id) DO UPDATE SET state = excluded.state, state_time = excluded.state_time
                    WHERE excluded.state_time >= lineage_runs.state_time
                    """)
            }
            if !edges.isEmpty {
                try await self.run(c, """
                    INSERT INTO lineage_edges (job_namespace, job_name, dataset_namespace, dataset_name, direction, domain)
                    SELECT jn, jm, dn, dm, dir, NULLIF(d, '')
                    FROM UNNEST(\(edges.map(\.jobNamespace))::text[], \(edges.map(\.jobName))::text[],
                                \(edges.map(\.dataset.namespace))::text[], \(edges.map(\.dataset.name))::text[],
                                \(edges.map(\.direction.rawValue))::text[], \(edges.map { $0.domain ?? "" })::text[])
                         AS u(jn, jm, dn, dm, dir, d)
                    ON CONFLICT DO NOTHING
                    """)
            }
            if !columns.isEmpty {
                try await self.run(c, """
                    INSERT INTO lineage_column_edges (output_namespace, output_name, output_field, input_namespace, input_name,
                                                      input_field, transformations)
                    SELECT DISTINCT ON (a, b, f, x, y, z) a, b, f, x, y, z, t
                    FROM UNNEST(\(columns.map(\.output.namespace))::text[], \(columns.map(\.output.name))::text[],
                                \(columns.map(\.field))::text[], \(columns.map(\.input.namespace))::text[],
                                \(columns.map(\.input.name))::text[], \(columns.map(\.inputField))::text[],
                                \(columns.map(\.transformations))::text[]) AS u(a, b, f, x, y, z, t)
                    ON CONFLICT (output_namespace, output_name, output_field, input_namespace, input_name, input_field)
                    DO UPDATE SET transformations = excluded.transformations
                    """)
            }
            let versions = SchemaRow.newVersions(schemas, latest: try await self.latestSchemas(SchemaRow.datasets(schemas), on: c))
            if !versions.isEmpty {
                try await self.run(c, """
                    INSERT INTO lineage_schemas (namespace, name, version, fields, seen_at)
                    SELECT * FROM UNNEST(\(versions.map(\.row.dataset.namespace))::text[], \(versions.map(\.row.dataset.name))::text[],
                                         \(versions.map(\.version))::int[], \(versions.map(\.row.fields))::text[],
                                         \(versions.map(\.row.seenAt.microseconds))::bigint[])
                    """)
            }
            return stored
        }
    }

    public func lineageEdges(after seq: Int64, limit: Int) async throws(StoreError) -> [LineageEdgeRecord] {
        try await rows("""
            SELECT seq, job_namespace, job_name, dataset_namespace, dataset_name, direction, domain
            FROM lineage_edges WHERE seq > \(seq) ORDER BY seq LIMIT \(limit)
            """).map { row throws(StoreError) in
            let (s, jn, jm, dn, dm, dir, d) = try Self.decode(row, (Int64, String, String, String, String, String, String?).self)
            return LineageEdgeRecord(seq: s, jobNamespace: jn, jobName: jm, dataset: DatasetRef(namespace: dn, name: dm),
                                     direction: dir == "input" ? .input : .output, domain: d)
        }
    }

    public func columnEdges(after seq: Int64, limit: Int) async throws(StoreError) -> [ColumnEdgeRecord] {
        try await rows("""
            SELECT seq, output_namespace, output_name, output_field, input_namespace, input_name, input_field, transformations
            FROM lineage_column_edges WHERE seq > \(seq) ORDER BY seq LIMIT \(limit)
            """).map { row throws(StoreError) in
            let (s, a, b, f, x, y, z, t) = try Self.decode(row, (Int64, String, String, String, String, String, String, String).self)
            return ColumnEdgeRecord(seq: s, edge: ColumnEdgeRow(output: DatasetRef(namespace: a, name: b), field: f,
                                                                input: DatasetRef(namespace: x, name: y), inputField: z, transformations: t))
        }
    }

    public func lineageEvents(run: String) async throws(StoreError) -> [LineageEventRecord] {
        try await rows("""
            SELECT kind, event_type, event_time, received_at, domain, body FROM lineage_events WHERE run_id = \(run) ORDER BY event_time, id
            """).map { row throws(StoreError) in
            let (k, t, et, ra, d, b) = try Self.decode(row, (String, String?, Int64, Int64, String?, String).self)
            return LineageEventRecord(kind: k, eventType: t, eventTime: Timestamp(microseconds: et),
                                      receivedAt: Timestamp(microseconds: ra), domain: d, body: b)
        }
    }

    public func schemaVersions(_ dataset: DatasetRef) async throws(StoreError) -> [SchemaVersionRecord] {
        try await rows("""
            SELECT version, fields, seen_at FROM lineage_schemas WHERE namespace = \(dataset.namespace) AND name = \(dataset.name)
            ORDER BY version
            """).map { row throws(StoreError) in
            let (v, f, s) = try Self.decode(row, (Int, String, Int64).self)
            return SchemaVersionRecord(version: v, fields: f, seenAt: Timestamp(microseconds: s))
        }
    }

    public func latestSchemas(_ datasets: [DatasetRef]) async throws(StoreError) -> [DatasetRef: SchemaVersionRecord] {
        try await withConnection { c throws(StoreError) in try await self.latestSchemas(datasets, on: c) }
    }

    private func latestSchemas(_ datasets: [DatasetRef], on c: PostgresConnection) async throws(StoreError) -> [DatasetRef: SchemaVersionRecord] {
        guard !datasets.isEmpty else { return [:] }
        var out: [DatasetRef: SchemaVersionRecord] = [:]
        for row in try await rows(c, """
            SELECT DISTINCT ON (s.namespace, s.name) s.namespace, s.name, s.version, s.fields, s.seen_at
            FROM lineage_schemas s
            JOIN UNNEST(\(datasets.map(\.namespace))::text[], \(datasets.map(\.name))::text[]) AS d(ns, nm)
              ON s.namespace = d.ns AND s.name = d.nm
            ORDER BY s.namespace, s.name, s.version DESC
            """) {
            let (ns, name, v, f, at) = try Self.decode(row, (String, String, Int, String, Int64).self)
            out[DatasetRef(namespace: ns, name: name)] = SchemaVersionRecord(version: v, fields: f, seenAt: Timestamp(microseconds: at))
        }
        return out
    }

    public func claimNamespace(_ claim: NamespaceClaim) async throws(StoreError) -> NamespaceClaim {
        _ = try await rows("""
            INSERT INTO lineage_namespaces (namespace, domain, claimed_by, claimed_at)
            VALUES (\(claim.namespace), \(claim.domain.rawValue), \(claim.claimedBy), \(claim.claimedAt.microseconds))
            ON CONFLICT DO NOTHING
            """)
        return try await rows("SELECT namespace, domain, claimed_by, claimed_at FROM lineage_namespaces WHERE namespace = \(claim.namespace)")
            .map(Self.claim).first ?? claim
    }

    public func namespaceClaims() async throws(StoreError) -> [NamespaceClaim] {
        try await rows("SELECT namespace, domain, claimed_by, claimed_at FROM lineage_namespaces ORDER BY namespace").map(Self.claim)
    }

    static func claim(_ row: PostgresRow) throws(StoreError) -> NamespaceClaim {
        let (ns, d, by, at) = try decode(row, (String, String, String, Int64).self)
        return NamespaceClaim(namespace: ns, domain: DomainName(trusted: d), claimedBy: by, claimedAt: Timestamp(microseconds: at))
    }
}

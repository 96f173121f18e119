import SQLiteNIO
import StewardCore
import StewardStore

extension SQLiteStore {
    /// Rows per multi-row statement: well under SQLite's 32,766 bound variables.
    static let rowsPerStatement = 400

    public func appendLineage(_ write: LineageWrite) async throws(StoreError) -> Int {
        try await gate.run { () async throws(StoreError) -> Int in
            try await self.transaction { () async throws(StoreError) -> Int in
                let w = self.writer
                var stored = 0
                for chunk in write.events.chunked(Self.rowsPerStatement) {
                    stored += try await self.insertRows(w, """
                        INSERT INTO lineage_events (hash, kind, event_type, event_time, run_id, job_namespace, job_name, domain,
                                                    received_at, body) VALUES
                        """, chunk.map { e in
                            [.int(e.hash), .text(e.kind), .optional(e.eventType), .time(e.eventTime), .optional(e.runID),
                             .optional(e.jobNamespace), .optional(e.jobName), .optional(e.domain), .time(e.receivedAt), .text(e.body)]
                        }, suffix: "ON CONFLICT (hash) DO NOTHING RETURNING hash").count
                }
                // A run's state is its latest event by event time (events may arrive out of order).
                let runs = write.events.filter { $0.runID != nil && $0.eventType != nil }
                for chunk in runs.chunked(Self.rowsPerStatement) {
                    try await self.insertRows(w, "INSERT INTO lineage_runs (run_id, job_namespace, job_name, state, state_time) VALUES",
                                              chunk.map { e in [.optional(e.runID), .text(e.jobNamespace ?? ""), .text(e.jobName ?? ""),
                                                                .optional(e.eventType), .time(e.eventTime)] },
                                              suffix: """
                                                ON CONFLICT (run_id) DO UPDATE SET state = excluded.state, state_time = excluded.state_time
                                                WHERE excluded.state_time >= lineage_runs.state_time
                                                """)
                }
                for chunk in write.edges.chunked(Self.rowsPerStatement) {
                    try await self.insertRows(w, """
                        INSERT INTO lineage_edges (job_namespace, job_name, dataset_namespace, dataset_name, direction, domain) VALUES
                        """, chunk.map { e in
                            [.text(e.jobNamespace), .text(e.jobName), .text(e.dataset.namespace), .text(e.dataset.name),
                             .text(e.direction.rawValue), .optional(e.domain)]
                        }, suffix: "ON CONFLICT DO NOTHING")
                }
                for chunk in write.columnEdges.chunked(Self.rowsPerStatement) {
                    try await self.insertRows(w, """
                        INSERT INTO lineage_column_edges (output_namespace, output_name, output_field, input_namespace, input_name,
                                                          input_field, transformations) VALUES
                        """, chunk.map { e in
                            [.text(e.output.namespace), .text(e.output.name), .text(e.field), .text(e.input.namespace),
                             .text(e.input.name), .text(e.inputField), .text(e.transformations)]
                        }, suffix: "ON CONFLICT DO UPDATE SET transformations = excluded.transformations")
                }
                try await self.appendSchemas(write.schemas, w)
                return stored
            }
        }
    }

    /// Keeps a schema version only when it differs from the dataset's latest one.
    private func appendSchemas(_ schemas: [SchemaRow], _ w: SQLiteConnection) async throws(StoreError) {
        guard !schemas.isEmpty else { return }
        let latest = try await latestSchemas(SchemaRow.datasets(schemas), on: w)
        for chunk in SchemaRow.newVersions(schemas, latest: latest).chunked(Self.rowsPerStatement) {
            try await insertRows(w, "INSERT INTO lineage_schemas (namespace, name, version, fields, seen_at) VALUES", chunk.map { n in
                [.text(n.row.dataset.namespace), .text(n.row.dataset.name), .integer(n.version), .text(n.row.fields), .time(n.row.seenAt)]
            }, suffix: "")
        }
    }

    @discardableResult
    private func insertRows(_ c: SQLiteConnection, _ prefix: String, _ rows: [[SQLiteData]], suffix: String) async throws(StoreError) -> [SQLiteRow] {
        guard let width = rows.first?.count else { return [] }
        let tuple = "(" + Array(repeating: "?", count: width).joined(separator: ",") + ")"
        let sql = prefix + " " + Array(repeating: tuple, count: rows.count).joined(separator: ",") + " " + suffix
        return try await query(c, sql, rows.flatMap { $0 })
    }

    public func lineageEdges(after seq: Int64, limit: Int) async throws(StoreError) -> [LineageEdgeRecord] {
        try await query(reader, "SELECT * FROM lineage_edges WHERE seq > ? ORDER BY seq LIMIT ?", [.int(seq), .integer(limit)]).map { r in
            LineageEdgeRecord(seq: r.int("seq"), jobNamespace: r.text("job_namespace"), jobName: r.text("job_name"),
                              dataset: DatasetRef(namespace: r.text("dataset_namespace"), name: r.text("dataset_name")),
                              direction: r.text("direction") == "input" ? .input : .output, domain: r.optionalText("domain"))
        }
    }

    public func columnEdges(after seq: Int64, limit: Int) async throws(StoreError) -> [ColumnEdgeRecord] {
        try await query(reader, "SELECT * FROM lineage_column_edges WHERE seq > ? ORDER BY seq LIMIT ?", [.int(seq), .integer(limit)]).map { r in
            ColumnEdgeRecord(seq: r.int("seq"), edge: ColumnEdgeRow(
                output: DatasetRef(namespace: r.text("output_namespace"), name: r.text("output_name")), field: r.text("output_field"),
                input: DatasetRef(namespace: r.text("input_namespace"), name: r.text("input_name")), inputField: r.text("input_field"),
                transformations: r.text("transformations")))
        }
    }

    public func lineageEvents(run: String) async throws(StoreError) -> [LineageEventRecord] {
        try await query(reader, "SELECT * FROM lineage_events WHERE run_id = ? ORDER BY event_time, id", [.text(run)]).map { r in
            LineageEventRecord(kind: r.text("kind"), eventType: r.optionalText("event_type"), eventTime: r.time("event_time"),
                               receivedAt: r.time("received_at"), domain: r.optionalText("domain"), body: r.text("body"))
        }
    }

    public func schemaVersions(_ dataset: DatasetRef) async throws(StoreError) -> [SchemaVersionRecord] {
        try await query(reader, "SELECT version, fields, seen_at FROM lineage_schemas WHERE namespace = ? AND name = ? ORDER BY version",
                        [.text(dataset.namespace), .text(dataset.name)]).map { r in
            SchemaVersionRecord(version: Int(r.int("version")), fields: r.text("fields"), seenAt: r.time("seen_at"))
        }
    }

    public func latestSchemas(_ datasets: [DatasetRef]) async throws(StoreError) -> [DatasetRef: SchemaVersionRecord] {
        try await latestSchemas(datasets, on: reader)
    }

    /// On the writer inside a transaction (it must see the transaction's own rows), else the reader.
    private func latestSchemas(_ datasets: [DatasetRef], on c: SQLiteConnection) async throws(StoreError) -> [DatasetRef: SchemaVersionRecord] {
        var out: [DatasetRef: SchemaVersionRecord] = [:]
        for chunk in datasets.chunked(Self.rowsPerStatement) {
            let pairs = Array(repeating: "(?, ?)", count: chunk.count).joined(separator: ",")
            let rows = try await query(c, """
                SELECT s.namespace, s.name, s.version, s.fields, s.seen_at FROM lineage_schemas s
                JOIN (SELECT namespace, name, MAX(version) AS version FROM lineage_schemas
                      WHERE (namespace, name) IN (VALUES \(pairs)) GROUP BY namespace, name) m
                  ON m.namespace = s.namespace AND m.name = s.name AND m.version = s.version
                """, chunk.flatMap { [SQLiteData.text($0.namespace), .text($0.name)] })
            for r in rows {
                out[DatasetRef(namespace: r.text("namespace"), name: r.text("name"))] =
                    SchemaVersionRecord(version: Int(r.int("version")), fields: r.text("fields"), seenAt: r.time("seen_at"))
            }
        }
        return out
    }

    public func claimNamespace(_ claim: NamespaceClaim) async throws(StoreError) -> NamespaceClaim {
        try await gate.run { () async throws(StoreError) -> NamespaceClaim in
            try await self.exec(self.writer, "INSERT INTO lineage_namespaces (namespace, domain, claimed_by, claimed_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                                [.text(claim.namespace), .text(claim.domain.rawValue), .text(claim.claimedBy), .time(claim.claimedAt)])
            let rows = try await self.query(self.writer, "SELECT * FROM lineage_namespaces WHERE namespace = ?", [.text(claim.namespace)])
            return rows.map(Self.claim).first ?? claim
        }
    }

    public func namespaceClaims() async throws(StoreError) -> [NamespaceClaim] {
        try await query(reader, "SELECT * FROM lineage_namespaces ORDER BY namespace").map(Self.claim)
    }

    static func claim(_ r: SQLiteRow) -> NamespaceClaim {
        NamespaceClaim(namespace: r.text("namespace"), domain: DomainName(trusted: r.text("domain")),
                       claimedBy: r.text("claimed_by"), claimedAt: r.time("claimed_at"))
    }
}

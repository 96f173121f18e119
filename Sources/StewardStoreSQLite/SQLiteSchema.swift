/// Numbered migrations, applied in order at start-up. Never edit a released one; add the next.
///
/// Times are microseconds since the epoch (INTEGER). Observations are append-only; `latest`
/// holds the newest observation per (product, dataset, kind, subject) so "current state" reads
/// never scan history, and history reads go through `observation_index` (product, kind, time).
/// Both are derived behind ingest (migration 6).
enum SQLiteSchema {
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE products (
                id INTEGER PRIMARY KEY, domain TEXT NOT NULL, name TEXT NOT NULL,
                current_version INTEGER NOT NULL, updated_at INTEGER NOT NULL, UNIQUE (domain, name))
            """,
            """
            CREATE TABLE product_versions (
                product_id INTEGER NOT NULL, version INTEGER NOT NULL, registered_at INTEGER NOT NULL,
                descriptor TEXT NOT NULL, PRIMARY KEY (product_id, version)) WITHOUT ROWID
            """,
            """
            CREATE TABLE datasets (
                id INTEGER PRIMARY KEY, product_id INTEGER NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
                UNIQUE (product_id, namespace, name))
            """,
            """
            CREATE TABLE batches (
                domain TEXT NOT NULL, batch_id TEXT NOT NULL, agent_id TEXT NOT NULL,
                received_at INTEGER NOT NULL, observation_count INTEGER NOT NULL,
                PRIMARY KEY (domain, batch_id)) WITHOUT ROWID
            """,
            """
            CREATE TABLE observations (
                id INTEGER PRIMARY KEY, product_id INTEGER NOT NULL, dataset_id INTEGER NOT NULL,
                kind INTEGER NOT NULL, subject TEXT NOT NULL, observed_at INTEGER NOT NULL,
                recorded_at INTEGER NOT NULL, status TEXT, value REAL, payload TEXT NOT NULL)
            """,
            "CREATE INDEX observations_by_product_time ON observations (product_id, observed_at)",
            "CREATE INDEX observations_by_product_kind_time ON observations (product_id, kind, observed_at)",
            """
            CREATE TABLE latest (
                product_id INTEGER NOT NULL, dataset_id INTEGER NOT NULL, kind INTEGER NOT NULL, subject TEXT NOT NULL,
                observation_id INTEGER NOT NULL, observed_at INTEGER NOT NULL, recorded_at INTEGER NOT NULL,
                status TEXT, value REAL, payload TEXT NOT NULL,
                PRIMARY KEY (product_id, dataset_id, kind, subject)) WITHOUT ROWID
            """,
            """
            CREATE TABLE agents (
                domain TEXT NOT NULL, agent_id TEXT NOT NULL, version TEXT NOT NULL, last_seen_at INTEGER NOT NULL,
                PRIMARY KEY (domain, agent_id)) WITHOUT ROWID
            """,
            """
            CREATE TABLE tokens (
                id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, role TEXT NOT NULL, domain TEXT,
                label TEXT NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER)
            """,
        ],
        [
            // Policies submitted through the API; every version kept, the newest per (owner, id) is current.
            """
            CREATE TABLE policy_documents (
                seq INTEGER PRIMARY KEY, policy_id TEXT NOT NULL, owner TEXT NOT NULL, text TEXT NOT NULL,
                submitted_by TEXT NOT NULL, submitted_at INTEGER NOT NULL, deleted INTEGER NOT NULL)
            """,
            "CREATE INDEX policy_documents_by_id ON policy_documents (owner, policy_id, seq)",
            """
            CREATE TABLE waivers (
                id TEXT PRIMARY KEY, policy TEXT NOT NULL, target TEXT NOT NULL, reason TEXT NOT NULL,
                approver TEXT NOT NULL, granted_by TEXT NOT NULL, created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL, revoked_at INTEGER, revoked_by TEXT)
            """,
            // One row per period in which a (product, policy, target) kept the same result.
            """
            CREATE TABLE findings (
                id INTEGER PRIMARY KEY, domain TEXT NOT NULL, product TEXT NOT NULL, policy TEXT NOT NULL,
                policy_version TEXT NOT NULL, owner TEXT NOT NULL, severity TEXT NOT NULL, target TEXT NOT NULL,
                result TEXT NOT NULL, message TEXT NOT NULL, remediation TEXT, evidence TEXT NOT NULL,
                valid_from INTEGER NOT NULL, valid_to INTEGER)
            """,
            "CREATE INDEX findings_current ON findings (domain, product) WHERE valid_to IS NULL",
            "CREATE INDEX findings_by_product_time ON findings (domain, product, valid_from)",
            "CREATE INDEX findings_by_policy_time ON findings (policy, valid_from)",
        ],
        [
            // OpenLineage events verbatim; `hash` (FNV-1a of the bytes) makes a resent event a no-op.
            """
            CREATE TABLE lineage_events (
                id INTEGER PRIMARY KEY, hash INTEGER NOT NULL UNIQUE, kind TEXT NOT NULL, event_type TEXT,
                event_time INTEGER NOT NULL, run_id TEXT, job_namespace TEXT, job_name TEXT, domain TEXT,
                received_at INTEGER NOT NULL, body TEXT NOT NULL)
            """,
            "CREATE INDEX lineage_events_by_run ON lineage_events (run_id, event_time) WHERE run_id IS NOT NULL",
            // The current state of each run; its transitions are its events.
            """
            CREATE TABLE lineage_runs (
                run_id TEXT PRIMARY KEY, job_namespace TEXT NOT NULL, job_name TEXT NOT NULL, state TEXT NOT NULL,
                state_time INTEGER NOT NULL) WITHOUT ROWID
            """,
            // seq grows with each new edge so the in-memory graph catches up by seq.
            """
            CREATE TABLE lineage_edges (
                seq INTEGER PRIMARY KEY, job_namespace TEXT NOT NULL, job_name TEXT NOT NULL,
                dataset_namespace TEXT NOT NULL, dataset_name TEXT NOT NULL, direction TEXT NOT NULL, domain TEXT,
                UNIQUE (job_namespace, job_name, dataset_namespace, dataset_name, direction))
            """,
            """
            CREATE TABLE lineage_column_edges (
                seq INTEGER PRIMARY KEY, output_namespace TEXT NOT NULL, output_name TEXT NOT NULL, output_field TEXT NOT NULL,
                input_namespace TEXT NOT NULL, input_name TEXT NOT NULL, input_field TEXT NOT NULL, transformations TEXT NOT NULL,
                UNIQUE (output_namespace, output_name, output_field, input_namespace, input_name, input_field))
            """,
            """
            CREATE TABLE lineage_schemas (
                namespace TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL, fields TEXT NOT NULL,
                seen_at INTEGER NOT NULL, PRIMARY KEY (namespace, name, version)) WITHOUT ROWID
            """,
            """
            CREATE TABLE lineage_namespaces (
                namespace TEXT PRIMARY KEY, domain TEXT NOT NULL, claimed_by TEXT NOT NULL, claimed_at INTEGER NOT NULL)
            """,
        ],
        [
            // `latest` keeps only which observation is newest per key; its values are read from
            // `observations`. Each group commit writes every `latest` page it touches to the WAL
            // again: copies of the payload here were a quarter of the WAL a 100-observation batch
            // wrote (151 → 111 pages per commit).
            "ALTER TABLE latest DROP COLUMN recorded_at",
            "ALTER TABLE latest DROP COLUMN status",
            "ALTER TABLE latest DROP COLUMN value",
            "ALTER TABLE latest DROP COLUMN payload",
        ],
        [
            // History without a kind merges the (product, kind, time) ranges instead (see `history`):
            // one index fewer to update per ingested observation.
            "DROP INDEX observations_by_product_time",
        ],
        [
            // What is derived from `observations` for reading (the (product, kind, time) index and
            // `latest`) is written by the batch writer in bulk, behind ingest, from the tail of
            // observations above `observation_tail.starts_after` (`SQLiteBatchWriter.deriveTail`);
            // readers merge that tail in. Written with each batch, the index and `latest` were
            // 58 of the 67 WAL pages a 100-observation batch's commit wrote: each batch touches a
            // few rows of every key, each on its own page. Written thousands of rows at a time,
            // each page is written once for many rows.
            """
            CREATE TABLE observation_index (
                product_id INTEGER NOT NULL, kind INTEGER NOT NULL, observed_at INTEGER NOT NULL, id INTEGER NOT NULL,
                PRIMARY KEY (product_id, kind, observed_at, id)) WITHOUT ROWID
            """,
            "CREATE TABLE observation_tail (starts_after INTEGER NOT NULL)",
            """
            INSERT INTO observation_index SELECT product_id, kind, observed_at, id FROM observations
            ORDER BY product_id, kind, observed_at, id
            """,
            "INSERT INTO observation_tail SELECT COALESCE(MAX(id), 0) FROM observations",
            "DROP INDEX observations_by_product_kind_time",
        ],
    ]
}
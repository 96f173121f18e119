/// Numbered migrations, applied in order at start-up under an advisory lock (replicas may start together).
/// Mirrors SQLiteSchema; times are microseconds since the epoch (BIGINT).
enum PostgresSchema {
    /// Serialises migrations across replicas: pg_advisory_xact_lock(key).
    static let lockKey: Int64 = 0x5354_4557_4152_44 // "STEWARD"

    /// Kind codes per product in `observations_by_stream_time`'s key: every code must be below it.
    static let kindsPerProduct = 16
    /// That index's key for a product id and a kind code (SQL expressions). For an observations
    /// row, queries spell it as the index does (`x.product_id`, `x.kind`), else the planner cannot
    /// use the index.
    static func streamKey(product: String, kind: String) -> String { "(\(product) * \(kindsPerProduct) + \(kind))" }

    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE products (
                id BIGSERIAL PRIMARY KEY, domain TEXT NOT NULL, name TEXT NOT NULL,
                current_version INT NOT NULL, updated_at BIGINT NOT NULL, UNIQUE (domain, name))
            """,
            """
            CREATE TABLE product_versions (
                product_id BIGINT NOT NULL REFERENCES products (id), version INT NOT NULL, registered_at BIGINT NOT NULL,
                descriptor TEXT NOT NULL, PRIMARY KEY (product_id, version))
            """,
            """
            CREATE TABLE datasets (
                id BIGSERIAL PRIMARY KEY, product_id BIGINT NOT NULL REFERENCES products (id),
                namespace TEXT NOT NULL, name TEXT NOT NULL, UNIQUE (product_id, namespace, name))
            """,
            """
            CREATE TABLE batches (
                domain TEXT NOT NULL, batch_id TEXT NOT NULL, agent_id TEXT NOT NULL,
                received_at BIGINT NOT NULL, observation_count INT NOT NULL, PRIMARY KEY (domain, batch_id))
            """,
            """
            CREATE TABLE observations (
                id BIGSERIAL PRIMARY KEY, product_id BIGINT NOT NULL, dataset_id BIGINT NOT NULL,
                kind SMALLINT NOT NULL, subject TEXT NOT NULL, observed_at BIGINT NOT NULL,
                recorded_at BIGINT NOT NULL, status TEXT, value DOUBLE PRECISION, payload TEXT NOT NULL)
            """,
            "CREATE INDEX observations_by_product_time ON observations (product_id, observed_at, id)",
            "CREATE INDEX observations_by_product_kind_time ON observations (product_id, kind, observed_at, id)",
            """
            CREATE TABLE latest (
                product_id BIGINT NOT NULL, dataset_id BIGINT NOT NULL, kind SMALLINT NOT NULL, subject TEXT NOT NULL,
                observation_id BIGINT NOT NULL, observed_at BIGINT NOT NULL, recorded_at BIGINT NOT NULL,
                status TEXT, value DOUBLE PRECISION, payload TEXT NOT NULL,
                PRIMARY KEY (product_id, dataset_id, kind, subject))
            """,
            """
            CREATE TABLE agents (
                domain TEXT NOT NULL, agent_id TEXT NOT NULL, version TEXT NOT NULL, last_seen_at BIGINT NOT NULL,
                PRIMARY KEY (domain, agent_id))
            """,
            """
            CREATE TABLE tokens (
                id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, role TEXT NOT NULL, domain TEXT,
                label TEXT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT)
            """,
        ],
        [
            """
            CREATE TABLE policy_documents (
                seq BIGSERIAL PRIMARY KEY, policy_id TEXT NOT NULL, owner TEXT NOT NULL, text TEXT NOT NULL,
                submitted_by TEXT NOT NULL, submitted_at BIGINT NOT NULL, deleted BOOLEAN NOT NULL)
            """,
            "CREATE INDEX policy_documents_by_id ON policy_documents (owner, policy_id, seq)",
            """
            CREATE TABLE waivers (
                id TEXT PRIMARY KEY, policy TEXT NOT NULL, target TEXT NOT NULL, reason TEXT NOT NULL,
                approver TEXT NOT NULL, granted_by TEXT NOT NULL, created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL, revoked_at BIGINT, revoked_by TEXT)
            """,
            """
            CREATE TABLE findings (
                id BIGSERIAL PRIMARY KEY, domain TEXT NOT NULL, product TEXT NOT NULL, policy TEXT NOT NULL,
                policy_version TEXT NOT NULL, owner TEXT NOT NULL, severity TEXT NOT NULL, target TEXT NOT NULL,
                result TEXT NOT NULL, message TEXT NOT NULL, remediation TEXT, evidence TEXT NOT NULL,
                valid_from BIGINT NOT NULL, valid_to BIGINT)
            """,
            "CREATE INDEX findings_current ON findings (domain, product) WHERE valid_to IS NULL",
            "CREATE INDEX findings_by_product_time ON findings (domain, product, valid_from)",
            "CREATE INDEX findings_by_policy_time ON findings (policy, valid_from)",
        ],
        [
            """
            CREATE TABLE lineage_events (
                id BIGSERIAL PRIMARY KEY, hash BIGINT NOT NULL UNIQUE, kind TEXT NOT NULL, event_type TEXT,
                event_time BIGINT NOT NULL, run_id TEXT, job_namespace TEXT, job_name TEXT, domain TEXT,
                received_at BIGINT NOT NULL, body TEXT NOT NULL)
            """,
            "CREATE INDEX lineage_events_by_run ON lineage_events (run_id, event_time) WHERE run_id IS NOT NULL",
            """
            CREATE TABLE lineage_runs (
                run_id TEXT PRIMARY KEY, job_namespace TEXT NOT NULL, job_name TEXT NOT NULL, state TEXT NOT NULL,
                state_time BIGINT NOT NULL)
            """,
            """
            CREATE TABLE lineage_edges (
                seq BIGSERIAL PRIMARY KEY, job_namespace TEXT NOT NULL, job_name TEXT NOT NULL,
                dataset_namespace TEXT NOT NULL, dataset_name TEXT NOT NULL, direction TEXT NOT NULL, domain TEXT,
                UNIQUE (job_namespace, job_name, dataset_namespace, dataset_name, direction))
            """,
            """
            CREATE TABLE lineage_column_edges (
                seq BIGSERIAL PRIMARY KEY, output_namespace TEXT NOT NULL, output_name TEXT NOT NULL, output_field TEXT NOT NULL,
                input_namespace TEXT NOT NULL, input_name TEXT NOT NULL, input_field TEXT NOT NULL, transformations TEXT NOT NULL,
                UNIQUE (output_namespace, output_name, output_field, input_namespace, input_name, input_field))
            """,
            """
            CREATE TABLE lineage_schemas (
                namespace TEXT NOT NULL, name TEXT NOT NULL, version INT NOT NULL, fields TEXT NOT NULL,
                seen_at BIGINT NOT NULL, PRIMARY KEY (namespace, name, version))
            """,
            """
            CREATE TABLE lineage_namespaces (
                namespace TEXT PRIMARY KEY, domain TEXT NOT NULL, claimed_by TEXT NOT NULL, claimed_at BIGINT NOT NULL)
            """,
        ],
        [
            // `latest` keeps only which observation is newest per key; its values are read from
            // `observations`, so updating it writes a small row instead of a payload copy.
            "ALTER TABLE latest DROP COLUMN recorded_at, DROP COLUMN status, DROP COLUMN value, DROP COLUMN payload",
        ],
        [
            // History without a kind merges the (product, kind, time) ranges instead (see `history`):
            // one index fewer to update per ingested observation.
            "DROP INDEX observations_by_product_time",
        ],
        [
            // Groups whose `latest` and `agents` rows are not derived yet (see PostgresDeriver):
            // the ingest transaction writes one row here instead of upserting those hot rows, and
            // readers merge what is still pending. Ids bound the group's observations (other
            // groups' ids may interleave; deriving a row twice changes nothing). NULL ids: a group
            // of heartbeats only. One agent sighting per stored batch.
            """
            CREATE TABLE pending_groups (
                id BIGSERIAL PRIMARY KEY, first_id BIGINT, last_id BIGINT,
                agent_domains TEXT[] NOT NULL, agent_ids TEXT[] NOT NULL, agent_versions TEXT[] NOT NULL,
                agent_seen BIGINT[] NOT NULL)
            """,
        ],
        [
            // `latest` holds the observation's values again (dropped by migration 4 while every
            // ingest commit upserted it): the deriver now writes it off the ingest path, and a
            // product page then reads its rows without one lookup in `observations` per key.
            "ALTER TABLE latest ADD COLUMN recorded_at BIGINT, ADD COLUMN status TEXT, ADD COLUMN value DOUBLE PRECISION, ADD COLUMN payload TEXT",
            """
            UPDATE latest l SET recorded_at = o.recorded_at, status = o.status, value = o.value, payload = o.payload
            FROM observations o WHERE o.id = l.observation_id
            """,
            "ALTER TABLE latest ALTER COLUMN recorded_at SET NOT NULL, ALTER COLUMN payload SET NOT NULL",
        ],
        [
            // One bigint for (product, kind), so that an entry is two 8-byte columns: PostgreSQL
            // then splits a full leaf page whose new entry comes last at 90%, not in the middle
            // (nbtsplitloc.c, `_bt_afternewitemoff`, "localized monotonically increasing
            // insertions"). With (product, kind, time, id), each of the (product, kind) ranges
            // grew by half-empty pages: the index was half the table's size; now under a fifth,
            // with 11% less WAL per observation (BENCHMARKS.md, session 21). Queries name
            // the same expression (`streamKey`); kind codes are below `kindsPerProduct`.
            "CREATE INDEX observations_by_stream_time ON observations ((product_id * 16 + kind), observed_at)",
            "DROP INDEX observations_by_product_kind_time",
        ],
        [
            // Autovacuum's ANALYZE of `observations` samples 300 rows per unit of statistics
            // target: 30,000 pages at the default of 100, each time a tenth of the table is new.
            // That took a core for a quarter to half a second when idle and over a second under
            // ingest; run by hand during ingest, batches stalled as it ended (BENCHMARKS.md,
            // session 25). Every query reaches `observations` through an index by id or stream
            // key, so the planner needs no fine histograms of it: 10 samples 3,000 pages. The
            // index's expression has a target of its own.
            """
            ALTER TABLE observations ALTER COLUMN id SET STATISTICS 10, ALTER COLUMN product_id SET STATISTICS 10,
                ALTER COLUMN dataset_id SET STATISTICS 10, ALTER COLUMN kind SET STATISTICS 10,
                ALTER COLUMN subject SET STATISTICS 10, ALTER COLUMN observed_at SET STATISTICS 10,
                ALTER COLUMN recorded_at SET STATISTICS 10, ALTER COLUMN status SET STATISTICS 10,
                ALTER COLUMN value SET STATISTICS 10, ALTER COLUMN payload SET STATISTICS 10
            """,
            "ALTER INDEX observations_by_stream_time ALTER COLUMN 1 SET STATISTICS 10",
        ],
    ]
}

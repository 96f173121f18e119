import StewardCore
import StewardStore
@testable import StewardStorePostgres
import Testing

/// The (product, kind, time) index of `observations` on PostgreSQL keys product and kind as one
/// bigint, `product_id * 16 + kind`.
@Suite struct PostgresSchemaTests {
    /// A kind code of 16 or more would collide with the next product's keys.
    @Test func everyKindCodeFitsTheStreamKey() {
        for kind in Observation.Kind.allCases {
            #expect(kind.code >= 0 && kind.code < PostgresSchema.kindsPerProduct, "\(kind) has code \(kind.code)")
        }
    }

    /// The queries' expression is the index's (the migration is fixed text), or PostgreSQL scans
    /// the table instead.
    @Test func queriesSpellTheStreamKeyAsTheIndexDoes() {
        let indexed = PostgresSchema.streamKey(product: "product_id", kind: "kind")
        let index = PostgresSchema.migrations.joined().first { $0.contains("INDEX observations_by_stream_time") }
        #expect(index?.contains("(\(indexed), observed_at)") == true, "\(index ?? "no index")")
    }
}

/// Autovacuum's ANALYZE of `observations` samples 300 rows per unit of the largest statistics
/// target among its columns and its index expressions (an index's plain columns have no target of
/// their own), so one column left at the default (100) brings back the 30,000-page sample that
/// stalled ingest (migration 9).
@Suite(.enabled(if: Backend.postgresURL != nil, "needs PostgreSQL (STEWARD_TEST_POSTGRES_URL, set by scripts/test.sh)"))
struct PostgresStatisticsTests {
    @Test func everyColumnOfObservationsHasTheSmallTarget() async throws {
        try await Backend.withPostgresStore(deriveDelay: .seconds(86_400)) { store in
            let rows = try await store.rows("""
                SELECT (c.relname || '.' || a.attname)::text, a.attstattarget::int FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                WHERE a.attnum > 0 AND NOT a.attisdropped
                AND (c.relname = 'observations' OR (c.relname = 'observations_by_stream_time' AND a.attname LIKE 'expr%'))
                ORDER BY 1
                """)
            let targets = try rows.map { row throws(StoreError) in try PostgresStore.decode(row, (String, Int32).self) }
            #expect(targets.count == 11, "10 columns and the index's expression: \(targets)")
            for (column, target) in targets { #expect(target == 10, "\(column)") }
        }
    }
}

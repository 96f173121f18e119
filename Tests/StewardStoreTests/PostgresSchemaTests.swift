import StewardCore
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

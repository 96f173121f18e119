import StewardCore
@testable import StewardStorePostgres
import Testing

/// The (product, kind, time) index of `observations` on PostgreSQL keys product and kind as one
/// bigint, `product_id * 16 + kind`: a kind code of 16 or more would collide with the next
/// product's keys.
@Test func everyKindCodeFitsTheStreamKey() {
    for kind in Observation.Kind.allCases {
        #expect(kind.code >= 0 && kind.code <= PostgresSchema.maxKindCode, "\(kind) has code \(kind.code)")
    }
    #expect(PostgresSchema.streamKey("x") == "(x.product_id * 16 + x.kind)")
}

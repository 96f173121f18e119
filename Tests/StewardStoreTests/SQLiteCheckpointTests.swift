import Foundation
import StewardCore
import StewardStore
import StewardStoreSQLite
import Testing

/// The SQLite batch writer checkpoints the WAL itself, between groups, instead of leaving it to
/// SQLite's automatic checkpoint. If it stopped doing so, nothing else would: the WAL would grow
/// with every batch.
@Suite struct SQLiteCheckpoints {
    @Test func theWALIsCopiedBackAndStartsOverAsBatchesArrive() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("steward-test-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try await SQLiteStore.open(directory: dir)
        try await store.migrate()
        _ = try await store.registerProduct(StoreConformance.descriptor(), at: StoreConformance.t0)

        // 400 batches of 100 observations, about 16 MB of WAL if nothing were copied back.
        let message = String(repeating: "m", count: 200)
        for b in 0..<400 {
            let observations = (0..<100).map { i in
                Observation(product: StoreConformance.orders, dataset: StoreConformance.ordersRef,
                            observedAt: StoreConformance.t0.adding(seconds: Double(b * 100 + i)),
                            detail: .quality(check: "check-\(i % 10)", status: .pass, value: Double(i), threshold: 0, message: message))
            }
            let rows = try await StoreConformance.rows(store, observations)
            #expect(try await store.append(StoreConformance.batch("b\(b)", rows)) == .stored(100))
        }

        let wal = try FileManager.default.attributesOfItem(atPath: dir + "/steward.sqlite-wal")[.size] as? Int ?? 0
        #expect(wal < 4 << 20, "the WAL grew to \(wal) bytes")
        let page = try await store.history(HistoryQuery(product: StoreConformance.orders, limit: 1))
        #expect(page.items.first?.observedAt == StoreConformance.t0.adding(seconds: 39_999))
        await store.close()
    }
}

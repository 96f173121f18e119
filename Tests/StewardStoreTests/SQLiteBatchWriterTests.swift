import Foundation
import SQLiteNIO
import StewardCore
import StewardStore
import StewardStoreSQLite
import Testing

/// Housekeeping the SQLite batch writer does behind ingest, which nothing else would do if it
/// stopped: checkpointing the WAL, and deriving the history index and `latest` in bulk.
@Suite struct SQLiteBatchWriterHousekeeping {
    /// The writer checkpoints the WAL itself, between groups, instead of leaving it to SQLite's
    /// automatic checkpoint; without it the WAL would grow with every batch.
    @Test func theWALIsCopiedBackAndStartsOverAsBatchesArrive() async throws {
        try await Backend.withSQLiteStore { store, dir in
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
        }
    }

    /// Observations reach `observation_index` and `latest` in bulk, thousands at a time; until
    /// then readers find them in the tail. Reads across the boundary miss nothing, repeat nothing.
    @Test func indexAndLatestAreDerivedInBulkAndReadsSeeTheTailToo() async throws {
        try await Backend.withSQLiteStore(.init(idle: 2048, forced: 16384, chunk: 1000, drainAfterMilliseconds: 600_000)) { store, dir in
            _ = try await store.registerProduct(StoreConformance.descriptor(), at: StoreConformance.t0)

            // 30 batches of 100, one at a time (so the writer is idle after each): the 21st brings
            // the tail to 2,100 rows, of which the first 1,000 (one chunk) are derived; the tail
            // then holds 1,100 rows and the 9 batches after it bring it to 2,000, still under 2,048.
            func at(_ n: Int) -> Timestamp { StoreConformance.t0.adding(seconds: Double(n)) }
            for b in 0..<30 {
                let observations = (0..<100).map { i in
                    Observation(product: StoreConformance.orders, dataset: StoreConformance.ordersRef, observedAt: at(b * 100 + i),
                                detail: .quality(check: "check-\(i % 10)", status: .pass, value: Double(b * 100 + i), threshold: 0, message: nil))
                }
                let rows = try await StoreConformance.rows(store, observations)
                #expect(try await store.append(StoreConformance.batch("b\(b)", rows, at: at(b * 100 + 99))) == .stored(100))
            }
            let probe = try await SQLiteConnection.open(storage: .file(path: dir + "/steward.sqlite"))
            let state = try await probe.query("""
                SELECT starts_after AS t, (SELECT COUNT(*) FROM observation_index) AS n,
                    (SELECT MAX(observation_id) FROM latest) AS l FROM observation_tail
                """)
            try await probe.close()
            #expect(state.first?.column("t")?.integer == 1000)
            #expect(state.first?.column("n")?.integer == 1000)
            #expect(state.first?.column("l")?.integer == 1000, "latest as of the 10th batch")

            // Every observation once, newest first, in pages that straddle the boundary, with and
            // without a kind (the tail is read differently).
            for kind in [nil, Observation.Kind.quality] {
                var seen: [Double] = []
                var cursor: HistoryCursor?
                repeat {
                    let page = try await store.history(HistoryQuery(product: StoreConformance.orders, kind: kind, limit: 250, cursor: cursor))
                    seen += page.items.compactMap(\.value)
                    cursor = page.next
                } while cursor != nil
                // Checked as counts and order, not as whole arrays, so a failure does not print 3,000 values.
                let missing = Set(0..<3000).subtracting(seen.map { Int($0) })
                #expect(seen.count == 3000 && missing.isEmpty && seen == seen.sorted(by: >),
                        "kind \(kind.map(\.rawValue) ?? "any"): \(seen.count) read, \(missing.count) missing, newest first: \(seen == seen.sorted(by: >))")
            }

            // As of a time in the indexed part and one in the tail: each check's newest by then.
            for t in [734, 2950] {
                let latest = try await store.latest(StoreConformance.orders, asOf: at(t))
                #expect(latest.count == 10)
                #expect(latest.compactMap(\.value).max() == Double(t - t % 100 - 1), "as of \(t): only batches recorded by then")
            }

            // The current state comes from the tail; a late batch (observed long ago) changes nothing.
            let late = try await StoreConformance.rows(store, (0..<10).map { i in
                Observation(product: StoreConformance.orders, dataset: StoreConformance.ordersRef, observedAt: at(i),
                            detail: .quality(check: "check-\(i)", status: .fail, value: -1, threshold: 0, message: nil))
            })
            #expect(try await store.append(StoreConformance.batch("late", late, at: at(3000))) == .stored(10))
            let current = try await store.latest(StoreConformance.orders, asOf: nil)
            #expect(current.compactMap(\.value).sorted() == (2990..<3000).map(Double.init))
        }
    }

    /// Once batches stop, the writer derives the rest of the tail in chunks: reads of `latest`
    /// scan the tail, and no further batch would come to trigger it.
    @Test func theTailDrainsAfterIngestStops() async throws {
        try await Backend.withSQLiteStore(.init(idle: 100, forced: 100_000, chunk: 100, drainAfterMilliseconds: 50)) { store, dir in
            _ = try await store.registerProduct(StoreConformance.descriptor(), at: StoreConformance.t0)
            let rows = try await StoreConformance.rows(store, (0..<1000).map { i in
                StoreConformance.volume(Int64(i), at: StoreConformance.t0.adding(seconds: Double(i)))
            })
            #expect(try await store.append(StoreConformance.batch("one", rows)) == .stored(1000))

            // One batch of 1,000 and then nothing: one chunk right after it, the other nine once no
            // batch has come for a while.
            let probe = try await SQLiteConnection.open(storage: .file(path: dir + "/steward.sqlite"))
            var startsAfter = 0
            for _ in 0..<200 where startsAfter < 1000 {
                try await Task.sleep(for: .milliseconds(20))
                startsAfter = try await probe.query("SELECT starts_after AS s FROM observation_tail").first?.column("s")?.integer ?? 0
            }
            try await probe.close()
            #expect(startsAfter == 1000)
        }
    }
}

import Logging
import StewardStore
@testable import StewardStorePostgres
import Synchronization
import Testing

/// PostgreSQL's deriver holds back while batches wait to be written, so that on a busy machine
/// the cores go to the requests that are waiting, but only for a bounded time.
struct PendingDeriverTests {
    final class Probe: Sendable {
        let ingestWaiting = Atomic<Bool>(true)
        /// How often the deriver asked whether batches wait: once per step it holds back.
        let checks = Atomic<Int>(0)
        let derives = Mutex<[ContinuousClock.Instant]>([])
        var count: Int { derives.withLock { $0.count } }
    }

    static func waitFor(_ probe: Probe, count: Int) async throws -> ContinuousClock.Instant? {
        let deadline = ContinuousClock.now + .seconds(10)
        while probe.count < count, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        return probe.derives.withLock { $0.count >= count ? $0[count - 1] : nil }
    }

    @Test func theDeriverYieldsToWaitingBatchesForABoundedTime() async throws {
        let probe = Probe()
        let ingestWaiting: @Sendable () -> Bool = {
            probe.checks.add(1, ordering: .relaxed)
            return probe.ingestWaiting.load(ordering: .relaxed)
        }
        let deriver = PendingDeriver(delay: .milliseconds(1), ingestWaiting: ingestWaiting, logger: Logger(label: "test"))
        let started = ContinuousClock.now
        deriver.start { () async throws(StoreError) -> Bool in
            probe.derives.withLock { $0.append(.now) }
            return false
        }
        // Batches keep waiting: the derive still comes, after the bound and not before.
        let first = try #require(try await Self.waitFor(probe, count: 1))
        #expect(started.duration(to: first) >= PendingDeriver.maxYield)

        // Nothing waits: the next derive follows its group without holding back, that is after
        // asking once. (Counted, not timed: on a loaded CI machine a wake-up can take longer than
        // the bound itself.)
        probe.ingestWaiting.store(false, ordering: .relaxed)
        let checksBefore = probe.checks.load(ordering: .relaxed)
        deriver.groupWritten()
        _ = try #require(try await Self.waitFor(probe, count: 2))
        #expect(probe.checks.load(ordering: .relaxed) - checksBefore == 1)
        await deriver.close()
    }
}

import Dispatch
import StewardCore
import StewardStore
import Synchronization
import Testing

/// Where group commit writes: on the request's executor (`RequestExecutor`, the server's
/// connection event loop), else on Swift's global pool.
@Suite struct GroupCommitTests {
    static func batch(_ id: String) -> BatchRecord {
        BatchRecord(domain: DomainName(trusted: "payments"), batchId: id, agentID: "agent-1", agentVersion: "1.0",
                    receivedAt: Timestamp(microseconds: 0), rows: [])
    }

    /// A test double for the server's event-loop executor: runs jobs on a serial queue that a
    /// write can recognise.
    final class QueueExecutor: TaskExecutor {
        static let key = DispatchSpecificKey<String>()
        let queue = DispatchQueue(label: "group-commit-test")

        init() { queue.setSpecific(key: Self.key, value: "request executor") }

        func enqueue(_ job: consuming ExecutorJob) {
            let job = UnownedJob(job)
            queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
        }
    }

    /// Where each write ran: the queue's name, or nil elsewhere.
    final class Seen: Sendable {
        let places = Mutex<[String?]>([])
        func record() {
            let place = DispatchQueue.getSpecific(key: QueueExecutor.key)
            places.withLock { $0.append(place) }
        }
    }

    static func append(to commit: GroupCommit, seen: Seen) async throws -> AppendResult {
        try await commit.append(batch("b1")) { batches in
            seen.record()
            return batches.map { _ in .stored(0) }
        }
    }

    @Test func writesOnTheRequestsExecutor() async throws {
        let seen = Seen()
        let result = try await RequestExecutor.$current.withValue(QueueExecutor()) {
            try await Self.append(to: GroupCommit(), seen: seen)
        }
        #expect(result == .stored(0))
        #expect(seen.places.withLock { $0 } == ["request executor"])
    }

    /// The control: outside a request the writer runs on Swift's global pool.
    @Test func writesOnTheGlobalPoolOutsideARequest() async throws {
        let seen = Seen()
        #expect(try await Self.append(to: GroupCommit(), seen: seen) == .stored(0))
        #expect(seen.places.withLock { $0 } == [nil])
    }
}

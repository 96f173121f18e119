import NIOPosix
import StewardCore
import StewardStore
import StewardStorePostgres
import Synchronization
import Testing

/// Where group commit writes: PostgreSQL's store passes the requesting event loop, so a group is
/// sent and answered on that loop's thread (see `PostgresStore.append`).
@Suite struct GroupCommitTests {
    static func batch(_ id: String) -> BatchRecord {
        BatchRecord(domain: DomainName(trusted: "payments"), batchId: id, agentID: "agent-1", agentVersion: "1.0",
                    receivedAt: Timestamp(microseconds: 0), rows: [])
    }

    /// The loop a write ran on (nil: not an event loop's thread).
    final class Seen: Sendable {
        let loops = Mutex<[ObjectIdentifier?]>([])
        func record() {
            let loop = MultiThreadedEventLoopGroup.currentEventLoop.map { ObjectIdentifier($0) }
            loops.withLock { $0.append(loop) }
        }
    }

    @Test func writesOnTheGivenEventLoop() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let seen = Seen()
        let result = try await GroupCommit().append(Self.batch("b1"), executor: EventLoopTaskExecutor(loop)) { batches in
            seen.record()
            return batches.map { _ in .stored(0) }
        }
        #expect(result == .stored(0))
        #expect(seen.loops.withLock { $0 } == [ObjectIdentifier(loop)])
    }

    /// The control: without an executor the writer runs on Swift's global pool.
    @Test func writesOnTheGlobalPoolWithoutOne() async throws {
        let seen = Seen()
        _ = try await GroupCommit().append(Self.batch("b1")) { batches in
            seen.record()
            return batches.map { _ in .stored(0) }
        }
        #expect(seen.loops.withLock { $0 } == [nil])
    }
}

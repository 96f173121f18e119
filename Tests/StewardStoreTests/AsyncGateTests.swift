import StewardStore
import Synchronization
import Testing

/// PostgreSQL's background lane and SQLite's writer rely on the gate running one body at a time
/// and on a failing body letting the next one in.
@Suite struct AsyncGateTests {
    struct Failure: Error {}

    /// How many bodies are inside now, the most ever inside at once, and how many finished.
    final class Counts: Sendable {
        let state = Mutex((inside: 0, most: 0, done: 0))
    }

    @Test func runsOneBodyAtATimeAndSurvivesErrors() async throws {
        let gate = AsyncGate()
        let counts = Counts()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<8 {
                group.addTask {
                    do {
                        try await gate.run { () async throws(Failure) in
                            counts.state.withLock { $0.inside += 1; $0.most = max($0.most, $0.inside) }
                            try? await Task.sleep(for: .milliseconds(5))
                            counts.state.withLock { $0.inside -= 1 }
                            if i.isMultiple(of: 3) { throw Failure() }
                            counts.state.withLock { $0.done += 1 }
                        }
                    } catch {}
                }
            }
            try await group.waitForAll()
        }
        let (most, done) = counts.state.withLock { ($0.most, $0.done) }
        #expect(most == 1)
        #expect(done == 5, "bodies after a failing one still ran")
    }
}

@testable import StewardStorePostgres
import Testing

/// The shared timer that bounds waits for a pooled PostgreSQL connection. (That a store answers
/// "unavailable" through it is `postgresOutageAnswers503AndRecoversByItself`.)
struct LeaseDeadlinesTests {
    @Test func aReleaseEndsTheWaitWhetherItCameBeforeOrDuringIt() async {
        let deadlines = LeaseDeadlines()
        let far = ContinuousClock.now + .seconds(600)
        let early = deadlines.register(deadline: far)
        deadlines.release(early)
        await deadlines.wait(early)  // returns at once: released before the wait began

        let during = deadlines.register(deadline: far)
        async let waited: Void = deadlines.wait(during)
        try? await Task.sleep(for: .milliseconds(50))
        deadlines.release(during)
        await waited
        deadlines.release(during)  // a second release of an ended wait is harmless
    }

    @Test func aWaitEndsOnceItsDeadlinePassesAndOthersKeepWaiting() async {
        let deadlines = LeaseDeadlines()
        let start = ContinuousClock.now
        let soon = deadlines.register(deadline: start + .milliseconds(300))
        let later = deadlines.register(deadline: start + .seconds(600))
        async let laterWaited: Void = deadlines.wait(later)
        await deadlines.wait(soon)
        #expect(ContinuousClock.now - start >= .milliseconds(300))
        deadlines.release(soon)
        deadlines.release(later)
        await laterWaited
    }
}

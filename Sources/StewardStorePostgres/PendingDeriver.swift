import Logging
import StewardStore
import Synchronization

/// Derives `latest` and `agents` from `pending_groups` behind ingest, on its own connection.
///
/// Why behind: every group touches the same `latest` rows, and upserting them in the ingest
/// transaction made each group wait for the previous one's commit. Deriving a window of groups
/// at once also upserts each key once per window instead of once per group. Readers merge what
/// is still pending, so nothing read is ever missing, and a crash leaves the rows pending for the
/// next derive (at start-up, by any replica).
final class PendingDeriver: Sendable {
    /// Derives up to a chunk of pending groups; true when more may be pending.
    typealias Derive = @Sendable () async throws(StoreError) -> Bool

    private let signal: AsyncStream<Void>.Continuation
    private let stream: AsyncStream<Void>
    private let task = Mutex<Task<Void, Never>?>(nil)
    /// How long after a group is written the derive starts: the window one derive covers.
    let delay: Duration
    /// True while batches wait to be written. A derive then waits (in steps of `yieldStep`, up to
    /// `maxYield`), so that on a busy machine the cores go to the batches whose requests are
    /// waiting, not to work that readers can do without: they merge what is still pending.
    /// Bounded, so that pending work cannot grow without end under sustained load.
    private let ingestWaiting: @Sendable () -> Bool
    static let yieldStep = Duration.milliseconds(10)
    static let maxYield = Duration.milliseconds(500)
    private let logger: Logger

    init(delay: Duration, ingestWaiting: @escaping @Sendable () -> Bool, logger: Logger) {
        (stream, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.delay = delay
        self.ingestWaiting = ingestWaiting
        self.logger = logger
    }

    /// Starts deriving (once the schema exists), first whatever an earlier run left pending.
    func start(_ derive: @escaping Derive) {
        let (stream, signal, delay, ingestWaiting, logger) = (self.stream, self.signal, self.delay, self.ingestWaiting, self.logger)
        task.withLock { task in
            guard task == nil else { return }
            task = Task {
                for await _ in stream {
                    do {
                        try await Task.sleep(for: delay)
                        // A deadline, not a count of steps: on a busy machine each sleep overruns.
                        let until = ContinuousClock.now + Self.maxYield
                        while ingestWaiting(), ContinuousClock.now < until {
                            try await Task.sleep(for: Self.yieldStep)
                        }
                    } catch { return }  // closing
                    do {
                        while try await derive() {}
                    } catch where !Task.isCancelled {
                        // Still pending, and still read correctly (readers merge it).
                        logger.warning("deriving latest observations failed; retrying in 5 s", metadata: ["error": "\(error)"])
                        do { try await Task.sleep(for: .seconds(5)) } catch { return }
                        signal.yield()
                    } catch {}
                }
            }
        }
        signal.yield()
    }

    /// After a group commit.
    func groupWritten() {
        signal.yield()
    }

    /// Stops deriving; what is still pending waits for the next start (readers merge it meanwhile).
    func close() async {
        signal.finish()
        let task = task.withLock { $0 }
        task?.cancel()
        await task?.value
    }
}

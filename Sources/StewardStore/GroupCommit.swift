import Synchronization

/// Group commit for observation batches, shared by both backends: batches that arrive while a
/// group is being written wait, then go together into the next transaction.
///
/// Why: every batch advances the same `latest` rows and pays a commit (an fsync). On PostgreSQL,
/// concurrent per-batch transactions queued behind each other's row locks on `latest`, each
/// holding them through its own commit (100-observation batches waited seconds at half the
/// maximum rate). One transaction per group pays locks, round trips and the fsync once for many
/// batches.
///
/// Each batch stays atomic on its own: when a group's transaction fails, each of its batches is
/// written again in a transaction of its own, so one bad batch never fails the others. Only an
/// unusable store fails them all at once (retrying each would only wait as long again).
public final class GroupCommit: Sendable {
    /// Writes batches in one transaction, answering one result per batch, in order.
    public typealias Write = @Sendable ([BatchRecord]) async throws(StoreError) -> [AppendResult]

    private struct Pending: Sendable {
        var batch: BatchRecord
        var continuation: CheckedContinuation<AppendResult, any Error>
    }

    private let pending = Mutex<(items: [Pending], writers: Int)>(([], 0))
    /// Groups written at the same time (each by its own drain loop).
    private let maxWriters: Int

    /// A group stops growing at this many observations, to bound one transaction's size.
    static let maxObservations = 20_000

    /// `maxWriters` above 1 lets a group be written while the previous one commits; the store
    /// must then take its row locks in one order (PostgreSQL). SQLite has one writer anyway.
    public init(maxWriters: Int = 1) {
        self.maxWriters = maxWriters
    }

    /// True when no batch is waiting for a group.
    public var isIdle: Bool { pending.withLock { $0.items.isEmpty } }

    /// Queues `batch`; if fewer than `maxWriters` groups are being written, this call starts a
    /// loop that writes groups with `write` (every caller passes the same function).
    ///
    /// The loop runs on the request's executor (`RequestExecutor`), else on Swift's global pool.
    /// On the request's event loop, a PostgreSQL group is sent, answered and its requests resumed
    /// on one thread, and a SQLite group hands over to its writer queue and back without waking a
    /// pool thread: thread switches per 100-observation batch on PostgreSQL fell from 11–13 to
    /// 5–6 (BENCHMARKS.md, session 16).
    public func append(_ batch: BatchRecord, write: @escaping Write) async throws(StoreError) -> AppendResult {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                let start = pending.withLock { state in
                    state.items.append(Pending(batch: batch, continuation: continuation))
                    if state.writers >= maxWriters { return false }
                    state.writers += 1
                    return true
                }
                if start { Task(executorPreference: RequestExecutor.current) { await self.drain(write) } }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .failed("unexpected error")
        }
    }

    /// Writes what is pending, then whatever arrived meanwhile, until nothing is left.
    private func drain(_ write: Write) async {
        while true {
            let group: [Pending] = pending.withLock { state in
                var rows = 0
                var taken = 0
                for item in state.items {
                    if taken > 0 && rows + item.batch.rows.count > Self.maxObservations { break }
                    rows += item.batch.rows.count
                    taken += 1
                }
                let group = Array(state.items.prefix(taken))
                state.items.removeFirst(taken)
                if group.isEmpty { state.writers -= 1 }
                return group
            }
            if group.isEmpty { return }
            let results = await Self.write(group.map(\.batch), with: write)
            for (p, result) in zip(group, results) { p.continuation.resume(with: result.mapError { $0 as any Error }) }
        }
    }

    private static func write(_ batches: [BatchRecord], with write: Write) async -> [Result<AppendResult, StoreError>] {
        do {
            return try await write(batches).map { .success($0) }
        } catch .unavailable(let why) {
            return batches.map { _ in .failure(.unavailable(why)) }
        } catch where batches.count > 1 {
            var results: [Result<AppendResult, StoreError>] = []
            for batch in batches {
                do { results.append(.success(try await write([batch])[0])) } catch { results.append(.failure(error)) }
            }
            return results
        } catch {
            return [.failure(error)]
        }
    }
}

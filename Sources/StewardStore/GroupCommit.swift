import Synchronization

/// Group commit for observation batches, shared by both backends: batches that arrive while a
/// group is being written wait, then go together into the next transaction.
///
/// Why: every batch advances the same `latest` rows and pays a commit (an fsync). On PostgreSQL,
/// concurrent per-batch transactions queued behind each other's row locks on `latest`, each
/// holding them through its own commit (100-observation batches waited seconds at half the
/// maximum rate). One transaction per group pays locks, round trips and the fsync once for many
/// batches. The backend's `write` keeps each batch atomic on its own and answers one result per
/// batch, in order.
public final class GroupCommit: Sendable {
    public typealias Write = @Sendable ([BatchRecord]) async -> [Result<AppendResult, StoreError>]

    private struct Pending: Sendable {
        var batch: BatchRecord
        var continuation: CheckedContinuation<AppendResult, any Error>
    }

    private let pending = Mutex<(items: [Pending], draining: Bool)>(([], false))

    /// A group stops growing at this many observations, to bound one transaction's size.
    static let maxObservations = 20_000

    public init() {}

    /// Queues `batch`; if no group is being written, this call starts the loop that writes
    /// groups with `write` (every caller passes the same function).
    public func append(_ batch: BatchRecord, write: @escaping Write) async throws(StoreError) -> AppendResult {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                let start = pending.withLock { state in
                    state.items.append(Pending(batch: batch, continuation: continuation))
                    if state.draining { return false }
                    state.draining = true
                    return true
                }
                if start { Task { await self.drain(write) } }
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
                if group.isEmpty { state.draining = false }
                return group
            }
            if group.isEmpty { return }
            let results = await write(group.map(\.batch))
            for (p, result) in zip(group, results) { p.continuation.resume(with: result.mapError { $0 as any Error }) }
        }
    }
}

import StewardCore
import StewardStore
@testable import StewardStorePostgres
import Testing

/// On PostgreSQL, `latest` and `agents` are derived from `pending_groups` behind ingest; readers
/// merge what is still pending. (The conformance suite also runs with nothing ever derived.)
@Suite(.enabled(if: Backend.postgresURL != nil, "needs PostgreSQL (STEWARD_TEST_POSTGRES_URL, set by scripts/test.sh)"))
struct PostgresPendingGroups {
    typealias C = StoreConformance

    static func at(_ seconds: Double) -> Timestamp { C.t0.adding(seconds: seconds) }

    static func batch(_ id: String, _ rows: [ObservationRow], agentVersion: String, at: Timestamp) -> BatchRecord {
        BatchRecord(domain: DomainName(trusted: "payments"), batchId: id, agentID: "agent-1", agentVersion: agentVersion, receivedAt: at, rows: rows)
    }

    /// Reads give the same answers before and after the derive, late data never replaces newer
    /// data, and deriving a group twice (its ids interleave with another's) changes nothing.
    @Test func readsAnswerTheSameWhilePendingAndOnceDerived() async throws {
        try await Backend.withPostgresStore(deriveDelay: .seconds(86_400)) { store in
            _ = try await store.registerProduct(C.descriptor(datasets: [C.ordersRef, C.itemsRef]), at: C.t0)

            // Group 1: volumes at 10 s (orders) and 5 s (items); group 2: a late volume for orders
            // (8 s), a newer one for items (6 s), a check, and a heartbeat from agent version 1.1.
            let first = try await C.rows(store, [C.volume(1, at: Self.at(10)), C.volume(2, at: Self.at(5), dataset: C.itemsRef)])
            #expect(try await store.append(Self.batch("g1", first, agentVersion: "1.0", at: Self.at(11))) == .stored(2))
            let heartbeat = Observation(product: nil, dataset: nil, observedAt: Self.at(30), detail: .heartbeat)
            let second = try await C.rows(store, [C.volume(3, at: Self.at(8)), C.volume(4, at: Self.at(6), dataset: C.itemsRef),
                                                  C.check("id_not_null", .fail, at: Self.at(7)), heartbeat])
            #expect(try await store.append(Self.batch("g2", second, agentVersion: "1.1", at: Self.at(12))) == .stored(4))
            #expect(try await store.pendingGroups() == 2)

            /// Each read as "kind dataset subject seconds" (rows in the order the store gives them).
            func reads() async throws -> (now: [String], asOf: [String], agents: [AgentRecord]) {
                func line(_ o: StoredObservation) -> String {
                    "\(o.kind) \(o.dataset?.name ?? "-") \(o.subject) \(C.t0.seconds(until: o.observedAt))"
                }
                let now = try await store.latest(C.orders, asOf: nil).map(line)
                // The evaluator's read of several products merges the same way.
                #expect(try await store.latest(of: [C.orders])[C.orders]?.map(line) == now)
                return (now, try await store.latest(C.orders, asOf: Self.at(11.5)).map(line), try await store.agents(domain: nil))
            }
            let pending = try await reads()
            #expect(Set(pending.now) == ["volume public.orders  10.0", "volume public.order_items  6.0", "quality public.orders id_not_null 7.0"])
            #expect(pending.now.count == 3)
            // As of 11.5 s, group 2 (recorded at 12 s) had not arrived.
            #expect(Set(pending.asOf) == ["volume public.orders  10.0", "volume public.order_items  5.0"])
            #expect(pending.asOf.count == 2)
            #expect(pending.agents == [AgentRecord(domain: DomainName(trusted: "payments"), agentID: "agent-1", version: "1.1", lastSeenAt: Self.at(30))])

            while try await store.derivePending() {}
            #expect(try await store.pendingGroups() == 0)
            let derived = try await reads()
            #expect(derived.now == pending.now)
            #expect(derived.asOf == pending.asOf)
            #expect(derived.agents == pending.agents)

            // An older sighting and a late observation, derived on top: neither goes back in time.
            let late = try await C.rows(store, [C.volume(5, at: Self.at(9))])
            #expect(try await store.append(Self.batch("g3", late, agentVersion: "1.0", at: Self.at(13))) == .stored(1))
            #expect(try await reads().now == pending.now)  // pending, and older than its key's `latest` row
            while try await store.derivePending() {}
            let after = try await reads()
            #expect(after.now == pending.now)
            #expect(after.agents == pending.agents)

            // A group's ids may interleave with another's, so rows can be derived twice: a pending
            // row over every observation, merged and then derived, changes no answer.
            _ = try await store.rows("""
                INSERT INTO pending_groups (first_id, last_id, agent_domains, agent_ids, agent_versions, agent_seen)
                SELECT min(id), max(id), '{}', '{}', '{}', '{}' FROM observations
                """)
            #expect(try await reads().now == pending.now)
            while try await store.derivePending() {}
            #expect(try await reads().now == pending.now)
            #expect(try await store.pendingGroups() == 0)
        }
    }

    /// The deriver runs by itself shortly after ingest and empties `pending_groups`.
    @Test func theDeriverEmptiesPendingGroupsAfterIngest() async throws {
        try await Backend.withPostgresStore(deriveDelay: .milliseconds(20)) { store in
            _ = try await store.registerProduct(C.descriptor(), at: C.t0)
            for b in 0..<20 {
                let rows = try await C.rows(store, [C.volume(Int64(b), at: Self.at(Double(b)))])
                #expect(try await store.append(C.batch("b\(b)", rows)) == .stored(1))
            }
            let deadline = ContinuousClock.now + .seconds(10)
            while try await store.pendingGroups() > 0 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(try await store.pendingGroups() == 0)
            #expect(try await store.latest(C.orders, asOf: nil).map(\.observedAt) == [Self.at(19)])
        }
    }
}

import Foundation
import Logging
import PostgresNIO
import SQLiteNIO
import StewardCore
import StewardStore
import Testing

/// Store behaviour for policies, waivers and findings; part of the conformance specification.
@Suite struct GovernanceStoreConformance {
    static let t0 = StoreConformance.t0
    static let orders = StoreConformance.orders

    static func finding(_ policy: String, _ result: String, target: String = "payments/orders", version: String = "v1",
                        message: String = "") -> FindingRecord {
        FindingRecord(product: orders, policy: policy, policyVersion: version, owner: "council", severity: "high", target: target,
                      result: result, message: message, remediation: policy == "a" ? nil : "fix it",
                      evidence: #"{"product.tier":"'gold'"}"#, since: t0)
    }

    @Test(arguments: Backend.available)
    func submittedPoliciesKeepEveryVersionAndDeletionsHideThem(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.savePolicy(PolicyRecord(id: "p", owner: "payments", text: "v1", submittedBy: "t1", submittedAt: Self.t0))
            try await store.savePolicy(PolicyRecord(id: "p", owner: "payments", text: "v2", submittedBy: "t1", submittedAt: Self.t0.adding(seconds: 1)))
            try await store.savePolicy(PolicyRecord(id: "p", owner: "council", text: "c", submittedBy: "t2", submittedAt: Self.t0))
            #expect(try await store.policies().map { "\($0.owner)/\($0.id)=\($0.text)" } == ["council/p=c", "payments/p=v2"])
            try await store.savePolicy(PolicyRecord(id: "p", owner: "payments", text: "", submittedBy: "t1", submittedAt: Self.t0.adding(seconds: 2), deleted: true))
            #expect(try await store.policies().map(\.owner) == ["council"])
        }
    }

    @Test(arguments: Backend.available)
    func waiversAreRevokedNotDeleted(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let w = WaiverRecord(id: "w-1", policy: "p", target: "payments/orders", reason: "r", approver: "Dana", grantedBy: "t",
                                 createdAt: Self.t0, expiresAt: Self.t0.adding(seconds: 3600))
            try await store.createWaiver(w)
            #expect(try await store.waivers() == [w])
            #expect(try await store.revokeWaiver(id: "w-1", by: "t2", at: Self.t0.adding(seconds: 60)))
            #expect(try await !store.revokeWaiver(id: "w-1", by: "t2", at: Self.t0.adding(seconds: 61)), "already revoked")
            let revoked = try #require(try await store.waivers().first)
            #expect(revoked.revokedAt == Self.t0.adding(seconds: 60))
            #expect(revoked.revokedBy == "t2")
            #expect(!revoked.isActive(at: Self.t0.adding(seconds: 120)))
        }
    }

    @Test(arguments: Backend.available)
    func findingsAreKeptAsPeriodsAndAnsweredAsOf(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let t1 = Self.t0.adding(seconds: 60), t2 = Self.t0.adding(seconds: 120)
            #expect(try await store.recordFindings(Self.orders, [Self.finding("a", "pass"), Self.finding("b", "fail")], at: Self.t0) == 2)
            // Same results again (a new message alone does not start a period): nothing new.
            #expect(try await store.recordFindings(Self.orders, [Self.finding("a", "pass"), Self.finding("b", "fail", message: "x")], at: t1) == 0)
            // b now passes, a is gone (its policy was removed), c is new.
            #expect(try await store.recordFindings(Self.orders, [Self.finding("b", "pass"), Self.finding("c", "error")], at: t2) == 2)

            let now = try await store.findings(FindingQuery(product: Self.orders))
            #expect(now.map { "\($0.policy)=\($0.result)" } == ["b=pass", "c=error"])
            #expect(now.first?.since == t2)
            let before = try await store.findings(FindingQuery(product: Self.orders, asOf: t1))
            #expect(before.map { "\($0.policy)=\($0.result)" } == ["a=pass", "b=fail"])
            #expect(before.last?.until == t2)
            #expect(before.first?.remediation == nil)
            #expect(before.last?.remediation == "fix it")
            #expect(before.first?.evidence == #"{"product.tier":"'gold'"}"#)
            #expect(try await store.findings(FindingQuery(asOf: Self.t0.adding(seconds: -1))).isEmpty)
            #expect(try await store.findings(FindingQuery(policy: "c")).count == 1)
            #expect(try await store.findings(FindingQuery(domain: DomainName(trusted: "logistics"))).isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func aNewPolicyVersionStartsANewPeriod(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.recordFindings(Self.orders, [Self.finding("a", "pass")], at: Self.t0)
            #expect(try await store.recordFindings(Self.orders, [Self.finding("a", "pass", version: "v2")], at: Self.t0.adding(seconds: 1)) == 1)
            #expect(try await store.findings(FindingQuery(product: Self.orders)).map(\.policyVersion) == ["v2"])
        }
    }

    /// The policy evaluator records every product's findings every second under ingest, and
    /// nearly always finds what it found before. Such a call writes nothing, so it must neither take
    /// nor wait for a write lock: here another connection holds one (SQLite's database lock, or
    /// PostgreSQL row locks on the open findings) for as long as the call takes.
    @Test(arguments: [Backend.sqlite, .postgres].filter(Backend.available.contains))
    func anUnchangedEvaluationWaitsForNoLock(_ backend: Backend) async throws {
        let findings = [Self.finding("a", "pass"), Self.finding("b", "fail")]
        let later = Self.t0.adding(seconds: 60)
        if backend == .sqlite {
            try await Backend.withSQLiteStore { store, dir in
                #expect(try await store.recordFindings(Self.orders, findings, at: Self.t0) == 2)
                let other = try await SQLiteConnection.open(storage: .file(path: dir + "/steward.sqlite"))
                _ = try await other.query("BEGIN IMMEDIATE")
                let outcome = await Self.whileLocked(release: { _ = try await other.query("ROLLBACK") }) {
                    try await store.recordFindings(Self.orders, findings, at: later)
                }
                try await other.close()
                #expect(outcome == .finished(0))
            }
        } else {
            try await Backend.withPostgresDatabase(deriveDelay: .seconds(86_400)) { store, database in
                #expect(try await store.recordFindings(Self.orders, findings, at: Self.t0) == 2)
                let outcome = try await TestDatabases.withClient(try #require(Backend.postgresURL), database: database) { client in
                    // One connection for the whole lock: BEGIN, the locking read, and the ROLLBACK.
                    try await client.withConnection { other in
                        let logger = Logger(label: "test")
                        _ = try await other.query("BEGIN", logger: logger)
                        _ = try await other.query("SELECT id FROM findings WHERE valid_to IS NULL FOR UPDATE", logger: logger).collect()
                        return await Self.whileLocked(release: { _ = try await other.query("ROLLBACK", logger: logger) }) {
                            try await store.recordFindings(Self.orders, findings, at: later)
                        }
                    }
                }
                #expect(outcome == .finished(0))
            }
        }
    }

    enum Outcome: Equatable, Sendable { case finished(Int), failed(String), stillWaitingAfter5s }

    /// Runs `call` while a lock is held, releasing it after the call returns or after 5 s,
    /// whichever comes first, so that a call stuck behind the lock ends too. 5 s: far more than
    /// one read takes on a busy CI machine, and less than the 10 s SQLite's busy timeout waits.
    static func whileLocked(release: () async throws -> Void, _ call: @escaping @Sendable () async throws -> Int) async -> Outcome {
        await withTaskGroup(of: Outcome.self) { group in
            group.addTask {
                do { return .finished(try await call()) } catch { return .failed("\(error)") }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(5))
                return .stillWaitingAfter5s
            }
            let first = await group.next()!
            try? await release()
            group.cancelAll()
            await group.waitForAll()
            return first
        }
    }
}

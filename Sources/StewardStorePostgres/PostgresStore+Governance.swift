import PostgresNIO
import StewardCore
import StewardStore

extension PostgresStore {
    public func savePolicy(_ p: PolicyRecord) async throws(StoreError) {
        _ = try await rows("""
            INSERT INTO policy_documents (policy_id, owner, text, submitted_by, submitted_at, deleted)
            VALUES (\(p.id), \(p.owner), \(p.text), \(p.submittedBy), \(p.submittedAt.microseconds), \(p.deleted))
            """)
    }

    public func policies() async throws(StoreError) -> [PolicyRecord] {
        try await rows("""
            SELECT DISTINCT ON (owner, policy_id) policy_id, owner, text, submitted_by, submitted_at, deleted
            FROM policy_documents ORDER BY owner, policy_id, seq DESC
            """).map { row throws(StoreError) -> PolicyRecord? in
            let (id, owner, text, by, at, deleted) = try Self.decode(row, (String, String, String, String, Int64, Bool).self)
            return deleted ? nil : PolicyRecord(id: id, owner: owner, text: text, submittedBy: by, submittedAt: Timestamp(microseconds: at))
        }.compactMap { $0 }
    }

    public func createWaiver(_ w: WaiverRecord) async throws(StoreError) {
        _ = try await rows("""
            INSERT INTO waivers (id, policy, target, reason, approver, granted_by, created_at, expires_at)
            VALUES (\(w.id), \(w.policy), \(w.target), \(w.reason), \(w.approver), \(w.grantedBy),
                    \(w.createdAt.microseconds), \(w.expiresAt.microseconds))
            """)
    }

    public func waivers() async throws(StoreError) -> [WaiverRecord] {
        try await rows("""
            SELECT id, policy, target, reason, approver, granted_by, created_at, expires_at, revoked_at, revoked_by
            FROM waivers ORDER BY created_at DESC, id
            """).map { row throws(StoreError) in
            let (id, policy, target, reason, approver, by, created, expires, revoked, revokedBy) =
                try Self.decode(row, (String, String, String, String, String, String, Int64, Int64, Int64?, String?).self)
            return WaiverRecord(id: id, policy: policy, target: target, reason: reason, approver: approver, grantedBy: by,
                                createdAt: Timestamp(microseconds: created), expiresAt: Timestamp(microseconds: expires),
                                revokedAt: revoked.map(Timestamp.init(microseconds:)), revokedBy: revokedBy)
        }
    }

    public func revokeWaiver(id: String, by: String, at time: Timestamp) async throws(StoreError) -> Bool {
        !(try await rows("""
            UPDATE waivers SET revoked_at = \(time.microseconds), revoked_by = \(by) WHERE id = \(id) AND revoked_at IS NULL RETURNING id
            """)).isEmpty
    }

    @discardableResult
    public func recordFindings(_ product: ProductID, _ findings: [FindingRecord], at time: Timestamp) async throws(StoreError) -> Int {
        // Nearly every evaluation finds what the last one found. Compared first without locks, it
        // writes nothing: locking the open periods gave each evaluation a transaction id, a WAL
        // record per finding and a flushed commit, for every product every second under ingest.
        // (A replica that wrote in between is caught by the locked read below, or by the next
        // evaluation.)
        let unlocked = try await withConnection { c throws(StoreError) in try await self.openFindings(product, c, lock: false) }
        if FindingDiff(current: unlocked, new: findings).isEmpty { return 0 }
        let domain = product.domain.rawValue, name = product.name, at = time.microseconds
        return try await transaction { c throws(StoreError) -> Int in
            // Row locks on the open periods: two replicas evaluating the same product serialise here.
            let current = try await self.openFindings(product, c, lock: true)
            let plan = FindingDiff(current: current, new: findings)
            if !plan.ended.isEmpty {
                try await self.run(c, "UPDATE findings SET valid_to = \(at) WHERE id = ANY(\(plan.ended)::bigint[])")
            }
            let s = plan.started
            if !s.isEmpty {
                // Remediation NULLs travel as '' (a remediation text is never empty).
                try await self.run(c, """
                    INSERT INTO findings (domain, product, policy, policy_version, owner, severity, target, result, message,
                                          remediation, evidence, valid_from)
                    SELECT \(domain), \(name), p, v, o, sv, t, r, m, NULLIF(rm, ''), e, \(at)
                    FROM UNNEST(\(s.map(\.policy))::text[], \(s.map(\.policyVersion))::text[], \(s.map(\.owner))::text[],
                                \(s.map(\.severity))::text[], \(s.map(\.target))::text[], \(s.map(\.result))::text[],
                                \(s.map(\.message))::text[], \(s.map { $0.remediation ?? "" })::text[], \(s.map(\.evidence))::text[])
                         AS u(p, v, o, sv, t, r, m, rm, e)
                    """)
            }
            return s.count
        }
    }

    /// A product's open finding periods, locked for update when `lock`.
    private func openFindings(_ product: ProductID, _ c: PostgresConnection, lock: Bool) async throws(StoreError) -> [FindingDiff.Current] {
        try await rows(c, """
            SELECT id, policy, target, result, policy_version, severity FROM findings
            WHERE domain = \(product.domain.rawValue) AND product = \(product.name) AND valid_to IS NULL\(unescaped: lock ? " FOR UPDATE" : "")
            """).map { row throws(StoreError) in
            let (id, policy, target, result, version, severity) = try Self.decode(row, (Int64, String, String, String, String, String).self)
            return FindingDiff.Current(id: id, policy: policy, target: target, result: result, version: version, severity: severity)
        }
    }

    public func findings(_ q: FindingQuery) async throws(StoreError) -> [FindingRecord] {
        var binds = PostgresBindings()
        var sql = """
            SELECT domain, product, policy, policy_version, owner, severity, target, result, message, remediation, evidence,
                   valid_from, valid_to
            FROM findings WHERE
            """
        if let asOf = q.asOf {
            binds.append(asOf.microseconds)
            sql += " valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1)"
        } else {
            sql += " valid_to IS NULL" // the partial index of open periods
        }
        for (column, value) in [("domain", (q.product?.domain ?? q.domain)?.rawValue), ("product", q.product?.name), ("policy", q.policy)] {
            guard let value else { continue }
            binds.append(value)
            sql += " AND \(column) = $\(binds.count)"
        }
        sql += " ORDER BY domain, product, policy, target"
        return try await rows(PostgresQuery(unsafeSQL: sql, binds: binds)).map { row throws(StoreError) in
            let (d, p, policy, version, owner, severity, target, result, message, remediation, evidence, from, to) =
                try Self.decode(row, (String, String, String, String, String, String, String, String, String, String?, String, Int64, Int64?).self)
            return FindingRecord(product: ProductID(trustedDomain: d, name: p), policy: policy, policyVersion: version, owner: owner,
                                 severity: severity, target: target, result: result, message: message, remediation: remediation,
                                 evidence: evidence, since: Timestamp(microseconds: from), until: to.map(Timestamp.init(microseconds:)))
        }
    }
}

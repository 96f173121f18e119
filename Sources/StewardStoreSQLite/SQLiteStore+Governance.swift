import SQLiteNIO
import StewardCore
import StewardStore

extension SQLiteStore {
    public func savePolicy(_ p: PolicyRecord) async throws(StoreError) {
        try await gate.run { () async throws(StoreError) in
            try await self.exec(self.writer, """
                INSERT INTO policy_documents (policy_id, owner, text, submitted_by, submitted_at, deleted) VALUES (?, ?, ?, ?, ?, ?)
                """, [.text(p.id), .text(p.owner), .text(p.text), .text(p.submittedBy), .time(p.submittedAt), .integer(p.deleted ? 1 : 0)])
        }
    }

    public func policies() async throws(StoreError) -> [PolicyRecord] {
        try await query(reader, """
            SELECT d.* FROM policy_documents d
            JOIN (SELECT MAX(seq) AS seq FROM policy_documents GROUP BY owner, policy_id) c ON c.seq = d.seq
            WHERE d.deleted = 0 ORDER BY d.owner, d.policy_id
            """).map { row in
            PolicyRecord(id: row.text("policy_id"), owner: row.text("owner"), text: row.text("text"),
                         submittedBy: row.text("submitted_by"), submittedAt: row.time("submitted_at"), deleted: false)
        }
    }

    public func createWaiver(_ w: WaiverRecord) async throws(StoreError) {
        try await gate.run { () async throws(StoreError) in
            try await self.exec(self.writer, """
                INSERT INTO waivers (id, policy, target, reason, approver, granted_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(w.id), .text(w.policy), .text(w.target), .text(w.reason), .text(w.approver), .text(w.grantedBy),
                      .time(w.createdAt), .time(w.expiresAt)])
        }
    }

    public func waivers() async throws(StoreError) -> [WaiverRecord] {
        try await query(reader, "SELECT * FROM waivers ORDER BY created_at DESC, id").map { row in
            WaiverRecord(id: row.text("id"), policy: row.text("policy"), target: row.text("target"), reason: row.text("reason"),
                         approver: row.text("approver"), grantedBy: row.text("granted_by"), createdAt: row.time("created_at"),
                         expiresAt: row.time("expires_at"),
                         revokedAt: row.optionalText("revoked_at") == nil ? nil : row.time("revoked_at"),
                         revokedBy: row.optionalText("revoked_by"))
        }
    }

    public func revokeWaiver(id: String, by: String, at time: Timestamp) async throws(StoreError) -> Bool {
        try await gate.run { () async throws(StoreError) -> Bool in
            !(try await self.query(self.writer, "UPDATE waivers SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL RETURNING id",
                                   [.time(time), .text(by), .text(id)])).isEmpty
        }
    }

    @discardableResult
    public func recordFindings(_ product: ProductID, _ findings: [FindingRecord], at time: Timestamp) async throws(StoreError) -> Int {
        // Nearly every evaluation finds what the last one found. Compared first on the reader, it
        // writes nothing and never takes the write lock, which the batch writer would otherwise
        // wait for (sleeping in SQLite's busy handler) every time a product is evaluated.
        if FindingDiff(current: try await openFindings(product, reader), new: findings).isEmpty { return 0 }
        return try await gate.run { () async throws(StoreError) -> Int in
            try await self.transaction { () async throws(StoreError) -> Int in
                let w = self.writer
                let plan = FindingDiff(current: try await self.openFindings(product, w), new: findings)
                for chunk in plan.ended.chunked(500) {
                    try await self.exec(w, "UPDATE findings SET valid_to = ? WHERE id IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ",")))",
                                        [.time(time)] + chunk.map { .int($0) })
                }
                for chunk in plan.started.chunked(200) {
                    var binds: [SQLiteData] = []
                    binds.reserveCapacity(chunk.count * 12)
                    for f in chunk {
                        binds += [.text(product.domain.rawValue), .text(product.name), .text(f.policy), .text(f.policyVersion),
                                  .text(f.owner), .text(f.severity), .text(f.target), .text(f.result), .text(f.message),
                                  .optional(f.remediation), .text(f.evidence), .time(time)]
                    }
                    let row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    try await self.exec(w, """
                        INSERT INTO findings (domain, product, policy, policy_version, owner, severity, target, result, message,
                                              remediation, evidence, valid_from)
                        VALUES \(Array(repeating: row, count: chunk.count).joined(separator: ","))
                        """, binds)
                }
                return plan.started.count
            }
        }
    }

    /// A product's open finding periods.
    private func openFindings(_ product: ProductID, _ connection: SQLiteConnection) async throws(StoreError) -> [FindingDiff.Current] {
        try await query(connection, """
            SELECT id, policy, target, result, policy_version, severity FROM findings
            WHERE domain = ? AND product = ? AND valid_to IS NULL
            """, [.text(product.domain.rawValue), .text(product.name)]).map { row in
            FindingDiff.Current(id: row.int("id"), policy: row.text("policy"), target: row.text("target"),
                                result: row.text("result"), version: row.text("policy_version"), severity: row.text("severity"))
        }
    }

    public func findings(_ q: FindingQuery) async throws(StoreError) -> [FindingRecord] {
        var sql = "SELECT * FROM findings WHERE "
        var binds: [SQLiteData] = []
        if let asOf = q.asOf {
            sql += "valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)"
            binds += [.time(asOf), .time(asOf)]
        } else {
            sql += "valid_to IS NULL"
        }
        if let domain = q.product?.domain ?? q.domain { sql += " AND domain = ?"; binds.append(.text(domain.rawValue)) }
        if let product = q.product { sql += " AND product = ?"; binds.append(.text(product.name)) }
        if let policy = q.policy { sql += " AND policy = ?"; binds.append(.text(policy)) }
        sql += " ORDER BY domain, product, policy, target"
        return try await query(reader, sql, binds).map { row in
            FindingRecord(product: ProductID(trustedDomain: row.text("domain"), name: row.text("product")), policy: row.text("policy"),
                          policyVersion: row.text("policy_version"), owner: row.text("owner"), severity: row.text("severity"),
                          target: row.text("target"), result: row.text("result"), message: row.text("message"),
                          remediation: row.optionalText("remediation"), evidence: row.text("evidence"), since: row.time("valid_from"),
                          until: row.optionalText("valid_to") == nil ? nil : row.time("valid_to"))
        }
    }
}

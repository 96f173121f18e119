import SQLiteNIO
import StewardCore
import StewardStore

extension SQLiteStore {
    public func createToken(_ t: TokenRecord) async throws(StoreError) {
        try await gate.run { () async throws(StoreError) in
            try await self.exec(self.writer, """
                INSERT INTO tokens (id, hash, role, domain, label, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, [.text(t.id), .text(t.hash), .text(t.role.rawValue), .optional(t.domain?.rawValue), .text(t.label), .time(t.createdAt)])
        }
    }

    public func token(hash: String) async throws(StoreError) -> TokenRecord? {
        try await query(reader, "SELECT * FROM tokens WHERE hash = ?", [.text(hash)]).first.map(Self.token)
    }

    public func tokens() async throws(StoreError) -> [TokenRecord] {
        try await query(reader, "SELECT * FROM tokens ORDER BY created_at, id").map(Self.token)
    }

    public func revokeToken(id: String, at time: Timestamp) async throws(StoreError) -> Bool {
        try await gate.run { () async throws(StoreError) -> Bool in
            let rows = try await self.query(self.writer, "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL RETURNING id",
                                            [.time(time), .text(id)])
            return !rows.isEmpty
        }
    }

    static func token(_ row: SQLiteRow) -> TokenRecord {
        TokenRecord(id: row.text("id"), hash: row.text("hash"), role: TokenRecord.Role(rawValue: row.text("role")) ?? .agent,
                    domain: row.optionalText("domain").map(DomainName.init(trusted:)), label: row.text("label"),
                    createdAt: row.time("created_at"), revokedAt: row.optionalText("revoked_at") == nil ? nil : row.time("revoked_at"))
    }
}

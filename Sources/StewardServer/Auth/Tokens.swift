import Crypto
import Foundation
import StewardCore
import StewardStore

/// Creates, hashes and lists bearer tokens. Used by the server (first-start admin token)
/// and by `steward token`, against the same store.
///
/// A token reads `stw_<id>_<secret>`: the id is public (listed, used to revoke), the secret
/// is 32 random bytes. Only SHA-256 of the whole token is stored; tokens carry 256 bits of
/// entropy, so a fast hash is the right tool (a password hash would only slow every request).
public enum Tokens {
    public struct Issued: Sendable {
        public var record: TokenRecord
        /// Shown once, never stored.
        public var secret: String
    }

    public static func issue(role: TokenRecord.Role, domain: DomainName?, label: String, in store: any Store,
                             now: Timestamp = .now) async throws -> Issued {
        if role == .agent && domain == nil { throw TokenError.agentNeedsDomain }
        if role != .agent && domain != nil { throw TokenError.domainOnlyForAgents }
        let id = hex(randomBytes(4))
        let secret = "stw_\(id)_\(base64url(randomBytes(32)))"
        let record = TokenRecord(id: id, hash: hash(secret), role: role, domain: domain, label: label, createdAt: now)
        try await store.createToken(record)
        return Issued(record: record, secret: secret)
    }

    public static func hash(_ token: String) -> String {
        hex(Array(SHA256.hash(data: Data(token.utf8))))
    }

    static func randomBytes(_ n: Int) -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<n).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    /// Lowercase hex. Runs on every authenticated request (the token's hash), so no
    /// String(format:) per byte: that was 1% of the server's CPU while ingesting.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            for (i, byte) in bytes.enumerated() {
                out[2 * i] = digits[Int(byte >> 4)]
                out[2 * i + 1] = digits[Int(byte & 0x0F)]
            }
            return bytes.count * 2
        }
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// On a first start with no active admin token, creates one and writes it to `DIR/admin-token`
    /// (mode 0600). Returns the secret to print once, or nil if an admin token exists.
    public static func bootstrapAdmin(store: any Store, dataDirectory: String) async throws -> (secret: String, path: String)? {
        let existing = try await store.tokens()
        if existing.contains(where: { $0.role == .admin && $0.revokedAt == nil }) { return nil }
        let issued = try await issue(role: .admin, domain: nil, label: "first-start admin", in: store)
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let path = (dataDirectory as NSString).appendingPathComponent("admin-token")
        // Create with 0600 from the start: the token must never be readable by others, not even briefly.
        // (If creating fails, setting its permissions below throws: the token is never written.)
        _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try Data((issued.secret + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return (issued.secret, path)
    }
}

public enum TokenError: Error, CustomStringConvertible {
    case agentNeedsDomain
    case domainOnlyForAgents

    public var code: String {
        switch self {
        case .agentNeedsDomain: "auth_agent_needs_domain"
        case .domainOnlyForAgents: "auth_domain_only_for_agents"
        }
    }

    public var description: String {
        switch self {
        case .agentNeedsDomain: "an agent token is bound to one domain: add --domain NAME"
        case .domainOnlyForAgents: "only agent tokens are bound to a domain: drop --domain, or use --role agent"
        }
    }
}

import Foundation
import Synchronization
import StewardCore
import StewardStore

/// Resolves bearer tokens to principals, caching hits briefly so a busy agent does not cost a
/// store read per batch. A revoked token stops working within `ttl` (5 s by default), also when
/// it was revoked by `steward token revoke` in another process.
public final class Authenticator: Sendable {
    let store: any Store
    let ttl: Double
    private let cache = Mutex<[String: (principal: Principal, expires: Timestamp)]>([:])

    public init(store: any Store, ttl: Double = 5) {
        self.store = store
        self.ttl = ttl
    }

    public func authenticate(_ token: String, now: Timestamp = .now) async throws -> Principal? {
        // Cheap shape check first: garbage never reaches the hash or the store.
        guard token.hasPrefix("stw_"), token.utf8.count < 128 else { return nil }
        let hash = Tokens.hash(token)
        if let hit = cache.withLock({ $0[hash] }), hit.expires > now { return hit.principal }
        guard let record = try await store.token(hash: hash), record.revokedAt == nil else {
            cache.withLock { _ = $0.removeValue(forKey: hash) }
            return nil
        }
        let principal = Principal(tokenID: record.id, role: record.role, domain: record.domain)
        cache.withLock { $0[hash] = (principal, now.adding(seconds: ttl)) }
        return principal
    }
}

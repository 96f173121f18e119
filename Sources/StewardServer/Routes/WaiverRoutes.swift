import Foundation
import Hummingbird
import StewardCore
import StewardStore

/// Time-boxed exceptions: the council grants and revokes them; everyone may read those of
/// domains they can read. Revoked and expired waivers stay in the list (history).
struct WaiverRoutes {
    let governance: Governance
    let store: any Store

    /// A waiver is time-boxed: at most this far ahead.
    static let longest: Double = 366 * 86_400

    func add(to api: RouterGroup<StewardContext>) {
        api.post("waivers", use: grant)
        api.get("waivers", use: list)
        api.delete("waivers/:id", use: revoke)
    }

    @Sendable func grant(_ request: Request, context: StewardContext) async throws -> Response {
        let caller = try context.caller()
        guard caller.role != .agent else { throw ServerError.forbiddenRole("grant waivers (council or admin tokens only)") }
        let body = Data(buffer: try await request.collectBody(fixedLimit: 64 * 1024), byteTransferStrategy: .noCopy)
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw ServerError.invalidBody([FieldProblem(field: "body", message: "must be a JSON object with policy, target, reason, approver and expiresAt")])
        }
        var problems: [FieldProblem] = []
        func text(_ field: String, max: Int = 2000) -> String {
            guard let value = object[field] as? String, !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                problems.append(FieldProblem(field: field, message: "is required and must be a non-empty string"))
                return ""
            }
            if value.count > max { problems.append(FieldProblem(field: field, message: "must be at most \(max) characters")) }
            return value
        }
        let policy = text("policy", max: 63), target = text("target", max: 512), reason = text("reason"), approver = text("approver", max: 200)
        let now = Timestamp.now
        var expires = now
        if let raw = object["expiresAt"] as? String, let t = try? Timestamp(rfc3339: raw) {
            expires = t
            if t <= now { problems.append(FieldProblem(field: "expiresAt", message: "must be in the future")) }
            if now.seconds(until: t) > Self.longest { problems.append(FieldProblem(field: "expiresAt", message: "must be at most 366 days ahead; waivers are time-boxed")) }
        } else {
            problems.append(FieldProblem(field: "expiresAt", message: "is required, as an RFC 3339 timestamp such as 2027-03-31T00:00:00Z"))
        }
        let known = Set(await governance.policies.policies.map(\.document.id))
        if !policy.isEmpty, !known.contains(policy) {
            problems.append(FieldProblem(field: "policy", message: "'\(policy)' is not a policy in force; GET /api/v1/policies lists them"))
        }
        let waiver = WaiverRecord(id: "w-" + Tokens.hex(Tokens.randomBytes(6)), policy: policy, target: target, reason: reason,
                                  approver: approver, grantedBy: caller.tokenID, createdAt: now, expiresAt: expires)
        if !target.isEmpty {
            if let product = waiver.product, try await store.product(product, asOf: nil) != nil {} else {
                problems.append(FieldProblem(field: "target", message: "must name a registered product as domain/product, optionally /dataset and /column"))
            }
        }
        if !problems.isEmpty { throw ServerError.invalidBody(problems) }
        try await governance.grant(waiver)
        var w = JSONWriter()
        Self.write(waiver, now: now, to: &w)
        return JSONResponse.raw(w, status: .created)
    }

    @Sendable func list(_ request: Request, context: StewardContext) async throws -> Response {
        let caller = try context.caller()
        let onlyActive = request.query("active") == "true"
        let now = Timestamp.now
        let waivers = await governance.allWaivers().filter { w in
            let visible = w.product.map { caller.canRead($0.domain) } ?? (caller.role != .agent)
            return visible && (!onlyActive || w.isActive(at: now))
        }
        var w = JSONWriter(capacity: 256 + waivers.count * 300)
        w.beginObject()
        w.key("waivers")
        w.beginArray()
        for waiver in waivers { Self.write(waiver, now: now, to: &w) }
        w.endArray()
        w.endObject()
        return JSONResponse.raw(w)
    }

    @Sendable func revoke(_ request: Request, context: StewardContext) async throws -> Response {
        let caller = try context.caller()
        guard caller.role != .agent else { throw ServerError.forbiddenRole("revoke waivers (council or admin tokens only)") }
        let id = context.parameters.get("id") ?? ""
        guard let waiver = try await governance.revoke(id: id, by: caller.tokenID) else {
            throw ServerError.notFound("An unrevoked waiver '\(id)'")
        }
        var w = JSONWriter()
        Self.write(waiver, now: .now, to: &w)
        return JSONResponse.raw(w)
    }

    static func write(_ waiver: WaiverRecord, now: Timestamp, to w: inout JSONWriter) {
        w.beginObject()
        w.field("id", waiver.id)
        w.field("policy", waiver.policy)
        w.field("target", waiver.target)
        w.field("reason", waiver.reason)
        w.field("approver", waiver.approver)
        w.field("grantedBy", waiver.grantedBy)
        w.field("createdAt", waiver.createdAt)
        w.field("expiresAt", waiver.expiresAt)
        if let revoked = waiver.revokedAt { w.field("revokedAt", revoked) }
        w.field("status", waiver.revokedAt != nil ? "revoked" : waiver.isActive(at: now) ? "active" : "expired")
        w.endObject()
    }
}

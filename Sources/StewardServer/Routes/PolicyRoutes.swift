import Foundation
import Hummingbird
import StewardAPI
import StewardCore
import StewardPolicy
import StewardStore

/// Policies in force, submissions (council and domain), and the dry run.
struct PolicyRoutes {
    let governance: Governance
    let maxBodyBytes: Int

    func add(to api: RouterGroup<StewardContext>) {
        api.get("policies", use: list)
        api.post("policies/dry-run", use: dryRun)
        api.put("policies/:id", use: putCouncil)
        api.delete("policies/:id", use: deleteCouncil)
        api.get("products/:domain/:name/policy-input", use: input)
        api.get("domains/:domain/policies", use: listDomain)
        api.put("domains/:domain/policies/:id", use: putDomain)
        api.delete("domains/:domain/policies/:id", use: deleteDomain)
    }

    // MARK: Reading

    @Sendable func list(_ request: Request, context: StewardContext) async throws -> Response {
        let caller = try context.caller()
        let set = await governance.policies
        let policies = caller.role == .agent ? set.applicable(to: caller.domain?.rawValue ?? "") : set.policies
        return Self.answer(policies, problems: caller.role == .agent ? [] : set.diagnostics)
    }

    @Sendable func listDomain(_ request: Request, context: StewardContext) async throws -> Response {
        let domain = try context.domain()
        try context.caller().requireRead(domain)
        let set = await governance.policies
        return Self.answer(set.applicable(to: domain.rawValue),
                           problems: set.diagnostics.filter { Governance.isDomainFile($0.file, of: domain.rawValue) })
    }

    static func answer(_ policies: [CompiledPolicy], problems: [PolicyDiagnostic]) -> Response {
        var w = JSONWriter(capacity: 256 * policies.count + 256)
        w.beginObject()
        w.key("policies")
        w.beginArray()
        for p in policies {
            let d = p.document
            w.beginObject()
            w.field("id", d.id)
            w.field("title", d.title)
            w.field("owner", d.owner)
            if let domain = p.domain { w.field("appliesTo", domain) } else { w.field("appliesTo", "every domain") }
            w.field("severity", p.severity.rawValue)
            w.field("target", d.target.rawValue)
            w.field("version", d.version)
            w.field("source", d.file)
            w.endObject()
        }
        w.endArray()
        w.key("problems")
        w.beginArray()
        for problem in problems { w.value(problem.description) }
        w.endArray()
        w.endObject()
        return JSONResponse.raw(w)
    }

    /// What policies see about a product right now, as a fixture for `steward policy eval` and tests.
    @Sendable func input(_ request: Request, context: StewardContext) async throws -> Response {
        let id = try context.productID()
        try context.caller().requireRead(id.domain)
        guard let input = try await governance.input(for: id) else { throw ServerError.notFound("Product \(id)") }
        return JSONResponse.raw(input.json)
    }

    // MARK: Submitting

    @Sendable func putCouncil(_ request: Request, context: StewardContext) async throws -> Response {
        let caller = try context.caller()
        guard caller.role != .agent else { throw ServerError.forbiddenRole("change council policies (council or admin tokens only)") }
        return try await submit(request, context: context, owner: "council", caller: caller)
    }

    @Sendable func putDomain(_ request: Request, context: StewardContext) async throws -> Response {
        let domain = try context.domain()
        let caller = try context.caller()
        try caller.requireWrite(domain)
        return try await submit(request, context: context, owner: domain.rawValue, caller: caller)
    }

    private func submit(_ request: Request, context: StewardContext, owner: String, caller: Principal) async throws -> Response {
        let id = try Self.policyID(context)
        let text = try await Self.yaml(request, limit: maxBodyBytes)
        let elsewhere = try await governance.submit(owner: owner, id: id, text: text, by: caller.tokenID)
        var w = JSONWriter()
        w.beginObject()
        w.field("id", id)
        w.field("owner", owner)
        w.field("accepted", true)
        // Accepted, but other policies now have problems (a council change can make a domain's
        // tightening loosen it): those policies are left out until their owners fix them.
        w.key("affected")
        w.beginArray()
        for problem in elsewhere { w.value(problem.description) }
        w.endArray()
        w.endObject()
        return JSONResponse.raw(w, status: .ok)
    }

    @Sendable func deleteCouncil(_ request: Request, context: StewardContext) async throws -> Response {
        let caller = try context.caller()
        guard caller.role != .agent else { throw ServerError.forbiddenRole("change council policies (council or admin tokens only)") }
        return try await delete(owner: "council", context: context, caller: caller)
    }

    @Sendable func deleteDomain(_ request: Request, context: StewardContext) async throws -> Response {
        let domain = try context.domain()
        let caller = try context.caller()
        try caller.requireWrite(domain)
        return try await delete(owner: domain.rawValue, context: context, caller: caller)
    }

    private func delete(owner: String, context: StewardContext, caller: Principal) async throws -> Response {
        let id = try Self.policyID(context)
        guard try await governance.delete(owner: owner, id: id, by: caller.tokenID) else {
            throw ServerError.notFound("A submitted policy '\(id)' of \(owner) (policies in the server's policy directory are changed there)")
        }
        return Response(status: .noContent)
    }

    // MARK: Dry run

    /// Which products would newly fail or pass if the submitted policies were added to (or
    /// replaced their namesakes in) the set in force. Stores nothing.
    @Sendable func dryRun(_ request: Request, context: StewardContext) async throws -> Response {
        let caller = try context.caller()
        let body = Data(buffer: try await request.collectBody(limit: maxBodyBytes), byteTransferStrategy: .noCopy)
        var files: [(name: String, text: String)] = []
        if request.mediaType == MediaType.json {
            guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
                  let list = object["policies"] as? [Any], !list.isEmpty else {
                throw ServerError.invalidParameter(field: "policies", message: "must be a non-empty array of policy YAML texts")
            }
            for (index, item) in list.enumerated() {
                guard let text = item as? String else {
                    throw ServerError.invalidParameter(field: "policies[\(index)]", message: "must be a policy's YAML text")
                }
                files.append(("dry-run/\(index).yaml", text))
            }
        } else {
            files.append(("dry-run/0.yaml", try Self.yaml(body)))
        }
        // An agent token may try only its own domain's policies, on its own domain's products.
        if caller.role == .agent {
            for file in files where PolicyDocument.identity(of: file.text).owner != caller.domain?.rawValue {
                throw ServerError.forbiddenRole("dry-run policies of another owner (an agent token tries its own domain's policies)")
            }
        }
        let report = try await governance.dryRun(files, domain: caller.role == .agent ? caller.domain : nil)
        return JSONResponse.raw(report)
    }

    // MARK: Helpers

    static func policyID(_ context: StewardContext) throws -> String {
        let id = context.parameters.get("id") ?? ""
        if let problem = NameRule.problem(id) { throw ServerError.invalidParameter(field: "id", message: problem) }
        return id
    }

    static func yaml(_ request: Request, limit: Int) async throws -> String {
        try yaml(Data(buffer: try await request.collectBody(limit: limit), byteTransferStrategy: .noCopy))
    }

    static func yaml(_ body: Data) throws -> String {
        guard let text = String(data: body, encoding: .utf8), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ServerError.invalidParameter(field: "body", message: "must be a policy in YAML (UTF-8)")
        }
        return text
    }
}

import Hummingbird
import StewardCore
import StewardStore

/// Compliance as of now or any past time (`?asOf=`): the whole mesh, a domain, a product, a policy.
///
/// The score is the share of findings that hold: (pass + waived) / all. Errors count against it,
/// since a rule that cannot be evaluated has not shown that the product complies.
struct ComplianceRoutes {
    let store: any Store

    func add(to api: RouterGroup<StewardContext>) {
        api.get("compliance", use: mesh)
        api.get("compliance/domains/:domain", use: domain)
        api.get("compliance/products/:domain/:name", use: product)
        api.get("compliance/policies/:id", use: policy)
    }

    @Sendable func mesh(_ request: Request, context: StewardContext) async throws -> Response {
        let caller = try context.caller()
        let asOf = try request.timestamp("asOf")
        // An agent token sees its own domain only.
        let findings = try await store.findings(FindingQuery(domain: caller.role == .agent ? caller.domain : nil, asOf: asOf))
        var w = Self.begin(asOf: asOf, findings)
        w.key("domains")
        w.beginArray()
        for (domain, group) in Dictionary(grouping: findings, by: \.product.domain).sorted(by: { $0.key < $1.key }) {
            w.beginObject()
            w.field("domain", domain.rawValue)
            Tally(group).write(to: &w)
            w.field("products", Set(group.map(\.product)).count)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return JSONResponse.raw(w)
    }

    @Sendable func domain(_ request: Request, context: StewardContext) async throws -> Response {
        let domain = try context.domain()
        try context.caller().requireRead(domain)
        let asOf = try request.timestamp("asOf")
        let findings = try await store.findings(FindingQuery(domain: domain, asOf: asOf))
        var w = Self.begin(asOf: asOf, findings)
        w.field("domain", domain.rawValue)
        w.key("products")
        w.beginArray()
        for (product, group) in Dictionary(grouping: findings, by: \.product).sorted(by: { $0.key < $1.key }) {
            w.beginObject()
            w.field("product", product.description)
            Tally(group).write(to: &w)
            w.endObject()
        }
        w.endArray()
        Self.writeFindings(findings.filter { $0.result != "pass" }, key: "violations", to: &w)
        w.endObject()
        return JSONResponse.raw(w)
    }

    @Sendable func product(_ request: Request, context: StewardContext) async throws -> Response {
        let id = try context.productID()
        try context.caller().requireRead(id.domain)
        let asOf = try request.timestamp("asOf")
        guard try await store.product(id, asOf: asOf) != nil else {
            throw ServerError.notFound(asOf == nil ? "Product \(id)" : "Product \(id) as of \(asOf!)")
        }
        let findings = try await store.findings(FindingQuery(product: id, asOf: asOf))
        var w = Self.begin(asOf: asOf, findings)
        w.field("product", id.description)
        Self.writeFindings(findings, key: "findings", to: &w)
        w.endObject()
        return JSONResponse.raw(w)
    }

    @Sendable func policy(_ request: Request, context: StewardContext) async throws -> Response {
        let caller = try context.caller()
        let id = context.parameters.get("id") ?? ""
        let asOf = try request.timestamp("asOf")
        let findings = try await store.findings(FindingQuery(domain: caller.role == .agent ? caller.domain : nil, policy: id, asOf: asOf))
        var w = Self.begin(asOf: asOf, findings)
        w.field("policy", id)
        Self.writeFindings(findings, key: "findings", to: &w)
        w.endObject()
        return JSONResponse.raw(w)
    }

    /// Opens the answer: as-of time, score and counts.
    static func begin(asOf: Timestamp?, _ findings: [FindingRecord]) -> JSONWriter {
        var w = JSONWriter(capacity: 1024 + findings.count * 400)
        w.beginObject()
        w.field("asOf", (asOf ?? .now))
        Tally(findings).write(to: &w)
        return w
    }

    /// Violations first (by severity), then waived, then passes.
    static func writeFindings(_ findings: [FindingRecord], key: String, to w: inout JSONWriter) {
        let order = ["fail": 0, "error": 1, "waived": 2, "pass": 3]
        let severity = ["critical": 0, "high": 1, "medium": 2, "low": 3]
        let sorted = findings.sorted {
            (order[$0.result] ?? 4, severity[$0.severity] ?? 4, $0.product.description, $0.policy, $0.target)
                < (order[$1.result] ?? 4, severity[$1.severity] ?? 4, $1.product.description, $1.policy, $1.target)
        }
        w.key(key)
        w.beginArray()
        for f in sorted { write(f, to: &w) }
        w.endArray()
    }

    static func write(_ f: FindingRecord, to w: inout JSONWriter) {
        w.beginObject()
        w.field("product", f.product.description)
        w.field("policy", f.policy)
        w.field("policyVersion", f.policyVersion)
        w.field("owner", f.owner)
        w.field("severity", f.severity)
        w.field("target", f.target)
        w.field("result", f.result)
        w.field("message", f.message)
        if let r = f.remediation { w.field("remediation", r) }
        w.key("evidence")
        w.raw(f.evidence)
        w.field("since", f.since)
        if let until = f.until { w.field("until", until) }
        w.endObject()
    }
}

/// Counts of findings by result, and the score they give.
struct Tally {
    var pass = 0, fail = 0, waived = 0, error = 0

    init(_ findings: [FindingRecord]) {
        for f in findings {
            switch f.result {
            case "pass": pass += 1
            case "fail": fail += 1
            case "waived": waived += 1
            default: error += 1
            }
        }
    }

    var total: Int { pass + fail + waived + error }
    /// Nil when nothing was evaluated: no findings is not the same as full compliance.
    var score: Double? { total == 0 ? nil : (Double(pass + waived) / Double(total) * 10_000).rounded() / 10_000 }

    func write(to w: inout JSONWriter) {
        w.key("score")
        if let score { w.value(score) } else { w.null() }
        w.key("counts")
        w.beginObject()
        w.field("pass", pass)
        w.field("fail", fail)
        w.field("waived", waived)
        w.field("error", error)
        w.endObject()
    }
}

extension StewardContext {
    func domain() throws -> DomainName {
        do { return try DomainName(parameters.get("domain") ?? "") } catch {
            throw ServerError.invalidParameter(field: "domain", message: error.description)
        }
    }
}

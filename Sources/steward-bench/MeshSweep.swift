import StewardCore
import StewardPolicy
import StewardCEL

/// A synthetic mesh and 50 policy rules shaped like the default policy set (10 rule templates,
/// each with 5 parameter values), for the whole-mesh sweep figure.
enum MeshSweep {
    struct Rule { let rule: String; let params: Value }

    static let templates: [(String, @Sendable (Int) -> [String: Value])] = [
        ("!product.datasets.exists(d, d.columns.exists(c, c.tags.exists(t, t.startsWith('pii:')))) || product.classification in ['confidential', 'restricted']", { _ in [:] }),
        ("product.owner != '' && product.oncall != ''", { _ in [:] }),
        ("product.tier != 'gold' || has(product.slo.maxStaleness)", { _ in [:] }),
        ("product.retentionDays <= params.maxRetentionDays", { i in ["maxRetentionDays": .int(Int64(365 + 30 * i))] }),
        ("product.latest.freshness.stalenessSeconds <= params.maxStalenessSeconds", { i in ["maxStalenessSeconds": .int(Int64(3600 * (i + 1)))] }),
        ("product.latest.quality.passRate >= params.minPassRate", { i in ["minPassRate": .double(0.9 + 0.02 * Double(i))] }),
        ("product.usage.all(u, u.consumer in product.consumers)", { _ in [:] }),
        ("!product.grants.exists(g, g.grantee == 'PUBLIC' && g.pii)", { _ in [:] }),
        ("product.grants.all(g, g.daysSinceUse <= params.maxUnusedDays)", { i in ["maxUnusedDays": .int(Int64(30 * (i + 1)))] }),
        ("product.latest.oldestRecord.ageDays <= product.retentionDays + params.graceDays", { i in ["graceDays": .int(Int64(7 * (i + 1)))] }),
    ]

    static let rules: [Rule] = (0..<5).flatMap { i in
        templates.map { Rule(rule: $0.0, params: map($0.1(i))) }
    }

    static func map(_ fields: [String: Value]) -> Value {
        var m = MapValue()
        for (k, v) in fields.sorted(by: { $0.key < $1.key }) { try! m.insert(.string(k), v) }
        return .map(m)
    }

    static func product(_ n: Int) -> Value {
        let columns: [Value] = (0..<8).map { c in
            map(["name": .string("col\(c)"), "tags": .list(c == 3 && n % 3 == 0 ? [.string("pii:email")] : [])])
        }
        let datasets: [Value] = (0..<2).map { d in map(["name": .string("table\(d)"), "columns": .list(columns)]) }
        return map([
            "domain": .string("domain\(n % 20)"), "name": .string("product\(n)"),
            "owner": .string(n % 50 == 0 ? "" : "team\(n % 20)"), "oncall": .string("oncall\(n % 20)"),
            "tier": .string(["gold", "silver", "bronze"][n % 3]),
            "classification": .string(["internal", "confidential", "restricted", "public"][n % 4]),
            "slo": map(n % 2 == 0 ? ["maxStaleness": .string("PT1H")] : [:]),
            "retentionDays": .int(Int64(365 + n % 400)),
            "consumers": .list([.string("analytics"), .string("finance")]),
            "datasets": .list(datasets),
            "latest": map([
                "freshness": map(["stalenessSeconds": .int(Int64(n % 10_000))]),
                "quality": map(["passRate": .double(0.9 + Double(n % 10) / 100)]),
                "oldestRecord": map(["ageDays": .int(Int64(300 + n % 200))]),
            ]),
            "usage": .list([map(["consumer": .string("analytics")]), map(["consumer": .string(n % 7 == 0 ? "marketing" : "finance")])]),
            "grants": .list([map(["grantee": .string(n % 11 == 0 ? "PUBLIC" : "analytics"), "pii": .bool(n % 2 == 0), "daysSinceUse": .int(Int64(n % 120))])]),
        ])
    }
}

/// The same sweep through the real policy engine: the default council policies plus renamed
/// copies (50 in all), synthetic descriptors and observed state, `PolicySet.evaluate` per
/// product (match, rules, messages, evidence, dataset and column targets).
enum PolicySweep {
    static func policies(directory: String, count: Int) throws -> PolicySet {
        let base = try PolicySet.files(in: directory).filter { !$0.name.contains("/domains/") }
        var files: [(name: String, text: String)] = []
        var copy = 1
        while files.count < count {
            for file in base where files.count < count {
                let id = PolicyDocument.identity(of: file.text).id ?? "p"
                files.append(("\(file.name)#\(copy)", copy == 1 ? file.text : file.text.replacingOccurrences(of: "id: \(id)", with: "id: \(id)-copy\(copy)")))
            }
            copy += 1
        }
        return PolicySet(files: files)
    }

    static func input(_ n: Int, now: Timestamp) -> PolicyInput {
        let columns = (0..<8).map { c in
            ProductDescriptor.Column(name: "col\(c)", type: "text", tags: c == 3 && n % 3 == 0 ? ["pii:email"] : [])
        }
        let datasets = (0..<2).map { ProductDescriptor.Dataset(namespace: "postgres://db\(n % 20)", name: "table\($0)", columns: columns) }
        let descriptor = ProductDescriptor(
            domain: DomainName(trusted: "domain\(n % 20)"), name: "product\(n)", owner: n % 50 == 0 ? "" : "team\(n % 20)",
            oncall: "oncall\(n % 20)", tier: [.gold, .silver, .bronze][n % 3], classification: ProductDescriptor.Classification.allCases[n % 4],
            datasets: datasets, slo: n % 2 == 0 ? .init(maxStaleness: try! ISODuration("PT1H"), minQualityPassRate: 0.95) : nil,
            retention: try! ISODuration("P\(300 + n % 100)D"), consumers: ["analytics", "finance"])
        var observed = ObservedState()
        observed.freshness(now.adding(seconds: -Double(n % 10_000)))
        observed.retention(now.adding(seconds: -Double(86_400 * (200 + n % 200))))
        observed.volume(Int64(n * 10))
        for check in 0..<4 { observed.quality(dataset: "table0", check: "check\(check)", status: (n + check) % 10 == 0 ? "fail" : "pass") }
        observed.usage(dataset: "table0", consumer: "analytics", reads: 10, lastReadAt: now.adding(seconds: -3600))
        observed.usage(dataset: "table0", consumer: n % 7 == 0 ? "marketing" : "finance", reads: 3, lastReadAt: now.adding(seconds: -86_400))
        observed.grant(dataset: "table0", grantee: n % 11 == 0 ? "PUBLIC" : "analytics", privileges: ["SELECT"])
        if n % 3 == 0 { observed.pii(dataset: "table1", column: "col5", detector: "email", matchRatio: 0.9) }
        return PolicyInput(descriptor: descriptor, observed: observed, now: now)
    }
}

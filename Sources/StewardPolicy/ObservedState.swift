import StewardCEL
import StewardCore

/// What the agents last reported about one product, summarised the way `observed` shows it to
/// policies (policies/VARIABLES.md). The server fills it from the latest observations.
public struct ObservedState: Sendable {
    public struct QualityCheck: Sendable { public var dataset, check, status: String }
    public struct Usage: Sendable { public var dataset, consumer: String; public var reads: Int64; public var lastReadAt: Timestamp }
    public struct Grant: Sendable { public var dataset, grantee: String; public var privileges: [String] }
    public struct PII: Sendable { public var dataset, column, detector: String; public var matchRatio: Double }
    /// A column whose observed schema (agent scan or lineage schema facet) differs from the descriptor.
    public struct Drift: Sendable, Equatable {
        public enum Change: String, Sendable { case added, removed, retyped }
        public var dataset, column: String
        public var change: Change
        public var declaredType, observedType: String?
        public init(dataset: String, column: String, change: Change, declaredType: String?, observedType: String?) {
            self.dataset = dataset; self.column = column; self.change = change; self.declaredType = declaredType; self.observedType = observedType
        }
    }
    /// A tag reaching a column of this product along column lineage from an upstream column.
    public struct PropagatedTag: Sendable, Equatable {
        public var dataset, column, tag, from: String
        public init(dataset: String, column: String, tag: String, from: String) {
            self.dataset = dataset; self.column = column; self.tag = tag; self.from = from
        }
    }

    /// The oldest freshness across datasets: the product is as fresh as its stalest dataset.
    public var lastUpdatedAt: Timestamp?
    public var qualityChecks: [QualityCheck] = []
    public var usage: [Usage] = []
    public var grants: [Grant] = []
    public var pii: [PII] = []
    public var oldestRecordAt: Timestamp?
    /// Sum over datasets.
    public var rowCount: Int64?
    public var schemaDrift: [Drift] = []
    public var propagatedTags: [PropagatedTag] = []

    public init() {}

    public mutating func freshness(_ t: Timestamp) { lastUpdatedAt = lastUpdatedAt.map { min($0, t) } ?? t }
    public mutating func retention(_ t: Timestamp) { oldestRecordAt = oldestRecordAt.map { min($0, t) } ?? t }
    /// Row counts of a product's datasets add up; a sum beyond Int64 stays at its maximum.
    public mutating func volume(_ n: Int64) {
        let (sum, overflow) = (rowCount ?? 0).addingReportingOverflow(n)
        rowCount = overflow ? (n < 0 ? .min : .max) : sum
    }
    public mutating func quality(dataset: String, check: String, status: String) {
        qualityChecks.append(QualityCheck(dataset: dataset, check: check, status: status))
    }
    public mutating func usage(dataset: String, consumer: String, reads: Int64, lastReadAt: Timestamp) {
        usage.append(Usage(dataset: dataset, consumer: consumer, reads: reads, lastReadAt: lastReadAt))
    }
    public mutating func grant(dataset: String, grantee: String, privileges: [String]) {
        grants.append(Grant(dataset: dataset, grantee: grantee, privileges: privileges))
    }
    public mutating func pii(dataset: String, column: String, detector: String, matchRatio: Double) {
        pii.append(PII(dataset: dataset, column: column, detector: detector, matchRatio: matchRatio))
    }

    /// The CEL map policies see, with the derived `staleness`, `oldestRecordAge`, `qualityPassRate`
    /// and each grant's `lastUsedAt` (the grantee's latest read of that dataset, when seen).
    func value(now: CELTimestamp) -> Value {
        var m = MapValue()
        func put(_ key: String, _ value: Value) { try? m.insert(.string(key), value) }
        if let t = lastUpdatedAt?.cel {
            put("lastUpdatedAt", .timestamp(t))
            if let age = try? now.difference(t) { put("staleness", .duration(age)) }
        }
        if let t = oldestRecordAt?.cel {
            put("oldestRecordAt", .timestamp(t))
            if let age = try? now.difference(t) { put("oldestRecordAge", .duration(age)) }
        }
        if let rowCount { put("rowCount", .int(rowCount)) }
        if !qualityChecks.isEmpty {
            put("qualityPassRate", .double(Double(qualityChecks.count { $0.status == "pass" }) / Double(qualityChecks.count)))
        }
        put("qualityChecks", .list(qualityChecks.map { object(["dataset": .string($0.dataset), "check": .string($0.check), "status": .string($0.status)]) }))
        put("usage", .list(usage.map { u in
            object(["consumer": .string(u.consumer), "reads": .int(u.reads), "lastReadAt": u.lastReadAt.cel.map(Value.timestamp) ?? .null])
        }))
        var lastRead: [String: Timestamp] = [:]
        for u in usage { lastRead[u.dataset + "\u{0}" + u.consumer] = max(lastRead[u.dataset + "\u{0}" + u.consumer] ?? u.lastReadAt, u.lastReadAt) }
        put("grants", .list(grants.map { g in
            var fields: [String: Value] = ["dataset": .string(g.dataset), "grantee": .string(g.grantee), "privileges": .list(g.privileges.map(Value.string))]
            if let t = lastRead[g.dataset + "\u{0}" + g.grantee]?.cel { fields["lastUsedAt"] = .timestamp(t) }
            return object(fields)
        }))
        put("pii", .list(pii.map { p in
            object(["dataset": .string(p.dataset), "column": .string(p.column), "detector": .string(p.detector), "matchRatio": .double(p.matchRatio)])
        }))
        put("schemaDrift", .list(schemaDrift.map { d in
            object(["dataset": .string(d.dataset), "column": .string(d.column), "change": .string(d.change.rawValue),
                    "declaredType": .string(d.declaredType ?? ""), "observedType": .string(d.observedType ?? "")])
        }))
        put("propagatedTags", .list(propagatedTags.map { t in
            object(["dataset": .string(t.dataset), "column": .string(t.column), "tag": .string(t.tag), "from": .string(t.from)])
        }))
        return .map(m)
    }

    /// Compares observed columns with declared ones (types case-insensitively). Datasets that
    /// declare no columns have nothing to drift from.
    public static func drift(dataset: String, declared: [ProductDescriptor.Column]?, observed: [(name: String, type: String)]) -> [Drift] {
        guard let declared, !declared.isEmpty else { return [] }
        var out: [Drift] = []
        let seen = Dictionary(observed.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
        for c in declared {
            guard let type = seen[c.name] else {
                out.append(Drift(dataset: dataset, column: c.name, change: .removed, declaredType: c.type, observedType: nil))
                continue
            }
            if !type.isEmpty && type.lowercased() != c.type.lowercased() {
                out.append(Drift(dataset: dataset, column: c.name, change: .retyped, declaredType: c.type, observedType: type))
            }
        }
        let names = Set(declared.map(\.name))
        for c in observed where !names.contains(c.name) {
            out.append(Drift(dataset: dataset, column: c.name, change: .added, declaredType: nil, observedType: c.type))
        }
        return out
    }

    private func object(_ fields: [String: Value]) -> Value {
        var m = MapValue()
        for (k, v) in fields.sorted(by: { $0.key < $1.key }) { try? m.insert(.string(k), v) }
        return .map(m)
    }
}

extension PolicyInput {
    /// The input for a product as the server knows it.
    public init(descriptor: ProductDescriptor, observed: ObservedState, now: Timestamp) {
        let celNow = now.cel ?? (try! CELTimestamp(seconds: 0))
        self.init(product: Self.product(descriptor), observed: observed.value(now: celNow), now: celNow)
    }

    /// The descriptor as the `product` variable: the same shape a JSON fixture gives.
    static func product(_ d: ProductDescriptor) -> Value {
        var m = MapValue()
        func put(_ key: String, _ value: Value?) { if let value { try? m.insert(.string(key), value) } }
        put("domain", .string(d.domain.rawValue))
        put("name", .string(d.name))
        put("title", d.title.map(Value.string))
        put("description", d.description.map(Value.string))
        put("owner", .string(d.owner))
        put("oncall", d.oncall.map(Value.string))
        put("tier", .string(d.tier.rawValue))
        put("classification", .string(d.classification.rawValue))
        put("datasets", .list(d.datasets.map { ds in
            var dm = MapValue()
            try? dm.insert(.string("namespace"), .string(ds.namespace))
            try? dm.insert(.string("name"), .string(ds.name))
            try? dm.insert(.string("columns"), .list((ds.columns ?? []).map { c in
                var cm = MapValue()
                try? cm.insert(.string("name"), .string(c.name))
                try? cm.insert(.string("type"), .string(c.type))
                try? cm.insert(.string("tags"), .list((c.tags ?? []).map(Value.string)))
                return .map(cm)
            }))
            return .map(dm)
        }))
        if let slo = d.slo {
            var sm = MapValue()
            if let s = slo.maxStaleness, let cel = celDuration(s) { try? sm.insert(.string("maxStaleness"), .duration(cel)) }
            if let q = slo.minQualityPassRate { try? sm.insert(.string("minQualityPassRate"), .double(q)) }
            put("slo", .map(sm))
        }
        put("retention", d.retention.flatMap(celDuration).map(Value.duration))
        put("consumers", .list((d.consumers ?? []).map(Value.string)))
        return .map(m)
    }
}

extension Timestamp {
    /// As a CEL timestamp, or nil outside CEL's range (years 1 to 9999).
    public var cel: CELTimestamp? {
        let seconds = microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000
        return try? CELTimestamp(seconds: seconds, nanos: (microseconds - seconds * 1_000_000) * 1000)
    }
}

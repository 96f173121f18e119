import StewardCore

/// Turns one JSON observation object into an `Observation`, listing every problem.
enum ObservationReader {
    static let common = ["kind", "product", "dataset", "observedAt"]
    static let fields: [Observation.Kind: [String]] = [
        .freshness: common + ["lastUpdatedAt"],
        .volume: common + ["rowCount"],
        .quality: common + ["check", "status", "value", "threshold", "message"],
        .usage: common + ["consumer", "reads", "rowsRead", "windowStart", "windowEnd"],
        .grants: common + ["grants"],
        .schema: common + ["columns"],
        .retention: common + ["oldestRecordAt"],
        .heartbeat: ["kind", "observedAt"],
    ]

    static func read(_ r: inout FieldReader, products: inout ProductParser) -> Observation? {
        guard let kind = r.enumValue(Observation.Kind.self, "kind") else {
            return nil
        }
        r.rejectUnknown(fields[kind]!)
        let observedAt = r.timestamp("observedAt")
        var product: ProductID?
        var dataset: DatasetRef?
        if kind != .heartbeat {
            if let text = r.string("product", maxLength: 200) {
                switch products.parse(text) {
                case .success(let id): product = id
                case .failure(let why): r.problem("product", why.text)
                }
            }
            dataset = r.object("dataset") { d in
                d.rejectUnknown(["namespace", "name"])
                guard let ns = d.string("namespace"), let name = d.string("name") else { return nil }
                return DatasetRef(namespace: ns, name: name)
            }
        }
        let detail: Observation.Detail?
        switch kind {
        case .freshness:
            detail = r.timestamp("lastUpdatedAt").map { .freshness(lastUpdatedAt: $0) }
        case .volume:
            detail = r.int64("rowCount").map { .volume(rowCount: $0) }
        case .quality:
            let check = r.string("check", maxLength: 256)
            let status = r.enumValue(Observation.QualityStatus.self, "status")
            let value = r.double("value", required: false)
            let threshold = r.double("threshold", required: false)
            let message = r.string("message", required: false, maxLength: 4096)
            if let check, let status {
                detail = .quality(check: check, status: status, value: value, threshold: threshold, message: message)
            } else { detail = nil }
        case .usage:
            let consumer = r.string("consumer", maxLength: 256)
            let reads = r.int64("reads")
            let rowsRead = r.int64("rowsRead", required: false)
            let start = r.timestamp("windowStart", required: false)
            let end = r.timestamp("windowEnd", required: false)
            if let start, let end, end < start { r.problem("windowEnd", "must not be before windowStart") }
            if let consumer, let reads {
                detail = .usage(consumer: consumer, reads: reads, rowsRead: rowsRead, windowStart: start, windowEnd: end)
            } else { detail = nil }
        case .grants:
            detail = r.objects("grants") { g -> Observation.Grant? in
                g.rejectUnknown(["grantee", "privileges"])
                guard let grantee = g.string("grantee", maxLength: 256), let privileges = g.stringArray("privileges") else { return nil }
                return Observation.Grant(grantee: grantee, privileges: privileges)
            }.map { .grants($0) }
        case .schema:
            detail = r.objects("columns") { c -> Observation.ObservedColumn? in
                c.rejectUnknown(["name", "type", "pii"])
                let name = c.string("name", maxLength: 256)
                let type = c.string("type", maxLength: 256)
                let pii = c.objects("pii", required: false) { p -> Observation.PIIFinding? in
                    p.rejectUnknown(["detector", "matchRatio"])
                    guard let detector = p.string("detector", maxLength: 128),
                          let ratio = p.double("matchRatio", range: 0...1) else { return nil }
                    return Observation.PIIFinding(detector: detector, matchRatio: ratio)
                }
                guard let name, let type else { return nil }
                return Observation.ObservedColumn(name: name, type: type, pii: pii)
            }.map { .schema($0) }
        case .retention:
            detail = r.timestamp("oldestRecordAt").map { .retention(oldestRecordAt: $0) }
        case .heartbeat:
            detail = .heartbeat
        }
        guard r.problems.isEmpty, let detail, let observedAt else { return nil }
        return Observation(product: product, dataset: dataset, observedAt: observedAt, detail: detail)
    }
}

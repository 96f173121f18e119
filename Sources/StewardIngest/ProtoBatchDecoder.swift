import Foundation
import StewardAPI
import StewardCore
import SwiftProtobuf

/// Decodes the protobuf form of `POST /api/v1/observations` (`steward.v1.ObservationBatch`).
/// Problems name fields as the JSON form does, so agents see one vocabulary.
public enum ProtoBatchDecoder {
    public static func decode(_ bytes: Data) throws(IngestError) -> ObservationBatch {
        let message: Steward_V1_ObservationBatch
        do {
            message = try Steward_V1_ObservationBatch(serializedBytes: bytes)
        } catch {
            throw .malformedBody("not a valid steward.v1.ObservationBatch protobuf message")
        }
        var problems: [FieldProblem] = []
        func check(_ s: String, _ field: String, index: Int? = nil, max: Int = 1024) -> String? {
            if s.isEmpty { problems.append(FieldProblem(index: index, field: field, message: "is required")); return nil }
            if s.utf8.count > max { problems.append(FieldProblem(index: index, field: field, message: "must be at most \(max) bytes")); return nil }
            return s
        }
        let batchId = check(message.batchID, "batchId", max: 256)
        var domain: DomainName?
        if let d = check(message.domain, "domain", max: 63) {
            do { domain = try DomainName(d) } catch { problems.append(FieldProblem(field: "domain", message: error.description)) }
        }
        let agentID = message.hasAgent ? check(message.agent.id, "agent.id", max: 256) : nil
        if !message.hasAgent { problems.append(FieldProblem(field: "agent", message: "is required")) }
        if message.observations.isEmpty { problems.append(FieldProblem(field: "observations", message: "must not be empty")) }
        if message.observations.count > ObservationBatch.maxObservations {
            throw .invalidBatch([FieldProblem(field: "observations", message: "must hold at most \(ObservationBatch.maxObservations) observations; split the batch")])
        }

        var observations: [Observation] = []
        observations.reserveCapacity(message.observations.count)
        var products = ProductParser(batchDomain: domain)
        for (i, o) in message.observations.enumerated() {
            let before = problems.count
            func p(_ field: String, _ msg: String) { problems.append(FieldProblem(index: i, field: field, message: msg)) }
            func time(_ t: Steward_V1_Time, has: Bool, _ field: String, required: Bool = true) -> Timestamp? {
                guard has else { if required { p(field, "is required") }; return nil }
                guard t.nanos >= 0, t.nanos < 1_000_000_000, abs(t.seconds) < 253_402_300_800 else {
                    p(field, "must be a valid time"); return nil
                }
                return Timestamp(microseconds: t.seconds * 1_000_000 + Int64(t.nanos / 1000))
            }
            let observedAt = time(o.observedAt, has: o.hasObservedAt, "observedAt")
            guard let kind = o.kind else { p("kind", "is required"); continue }
            var product: ProductID?
            var dataset: DatasetRef?
            if case .heartbeat = kind {
                if o.hasDataset { p("dataset", "unknown field") }
            } else {
                if let text = check(o.product, "product", index: i, max: 200) {
                    switch products.parse(text) {
                    case .success(let id): product = id
                    case .failure(let why): p("product", why.text)
                    }
                }
                if o.hasDataset {
                    let ns = check(o.dataset.namespace, "dataset.namespace", index: i)
                    let name = check(o.dataset.name, "dataset.name", index: i)
                    if let ns, let name { dataset = DatasetRef(namespace: ns, name: name) }
                } else { p("dataset", "is required") }
            }
            var detail: Observation.Detail?
            switch kind {
            case .freshness(let f):
                detail = time(f.lastUpdatedAt, has: f.hasLastUpdatedAt, "lastUpdatedAt").map { .freshness(lastUpdatedAt: $0) }
            case .volume(let v):
                if v.rowCount < 0 { p("rowCount", "must be at least 0") } else { detail = .volume(rowCount: v.rowCount) }
            case .quality(let q):
                let checkName = check(q.check, "check", index: i, max: 256)
                let status = Observation.QualityStatus(rawValue: q.status)
                if status == nil { p("status", "must be one of pass, warn, fail, error") }
                if q.hasValue, !q.value.isFinite { p("value", "must be finite") }
                if q.hasThreshold, !q.threshold.isFinite { p("threshold", "must be finite") }
                if let checkName, let status {
                    detail = .quality(check: checkName, status: status, value: q.hasValue ? q.value : nil,
                                      threshold: q.hasThreshold ? q.threshold : nil, message: q.hasMessage ? q.message : nil)
                }
            case .usage(let u):
                let consumer = check(u.consumer, "consumer", index: i, max: 256)
                if u.reads < 0 { p("reads", "must be at least 0") }
                if u.hasRowsRead, u.rowsRead < 0 { p("rowsRead", "must be at least 0") }
                let start = time(u.windowStart, has: u.hasWindowStart, "windowStart", required: false)
                let end = time(u.windowEnd, has: u.hasWindowEnd, "windowEnd", required: false)
                if let start, let end, end < start { p("windowEnd", "must not be before windowStart") }
                if let consumer {
                    detail = .usage(consumer: consumer, reads: u.reads, rowsRead: u.hasRowsRead ? u.rowsRead : nil,
                                    windowStart: start, windowEnd: end)
                }
            case .grants(let g):
                for (j, grant) in g.grants.enumerated() where grant.grantee.isEmpty {
                    p("grants[\(j)].grantee", "is required")
                }
                detail = .grants(g.grants.map { Observation.Grant(grantee: $0.grantee, privileges: $0.privileges) })
            case .schema(let s):
                for (j, c) in s.columns.enumerated() {
                    if c.name.isEmpty { p("columns[\(j)].name", "is required") }
                    if c.type.isEmpty { p("columns[\(j)].type", "is required") }
                    for (k, f) in c.pii.enumerated() where !(0...1).contains(f.matchRatio) {
                        p("columns[\(j)].pii[\(k)].matchRatio", "must be between 0.0 and 1.0")
                    }
                }
                detail = .schema(s.columns.map { c in
                    Observation.ObservedColumn(name: c.name, type: c.type, pii: c.pii.isEmpty ? nil : c.pii.map {
                        Observation.PIIFinding(detector: $0.detector, matchRatio: $0.matchRatio)
                    })
                })
            case .retention(let r):
                detail = time(r.oldestRecordAt, has: r.hasOldestRecordAt, "oldestRecordAt").map { .retention(oldestRecordAt: $0) }
            case .heartbeat:
                detail = .heartbeat
            }
            if problems.count == before, let detail, let observedAt {
                observations.append(Observation(product: product, dataset: dataset, observedAt: observedAt, detail: detail))
            }
        }
        guard problems.isEmpty, let batchId, let domain, let agentID else { throw .invalidBatch(problems) }
        return ObservationBatch(batchId: batchId, domain: domain, agentID: agentID, agentVersion: message.agent.version,
                                observations: observations)
    }
}

import Foundation
import StewardCore
import SwiftProtobuf

/// Encodes an observation batch in the protobuf wire form.
public enum BatchProto {
    public static func encode(batchId: String, domain: String, agentID: String, agentVersion: String,
                              observations: [Observation]) throws -> Data {
        var batch = Steward_V1_ObservationBatch()
        batch.batchID = batchId
        batch.domain = domain
        batch.agent.id = agentID
        batch.agent.version = agentVersion
        batch.observations = observations.map(message)
        return try batch.serializedData()
    }

    static func time(_ t: Timestamp) -> Steward_V1_Time {
        var out = Steward_V1_Time()
        var secs = t.microseconds / 1_000_000
        var micros = t.microseconds % 1_000_000
        if micros < 0 { micros += 1_000_000; secs -= 1 }
        out.seconds = secs
        out.nanos = Int32(micros * 1000)
        return out
    }

    static func message(_ o: Observation) -> Steward_V1_Observation {
        var m = Steward_V1_Observation()
        if let p = o.product { m.product = p.description }
        if let d = o.dataset {
            m.dataset.namespace = d.namespace
            m.dataset.name = d.name
        }
        m.observedAt = time(o.observedAt)
        switch o.detail {
        case .freshness(let t): m.freshness.lastUpdatedAt = time(t)
        case .volume(let n): m.volume.rowCount = n
        case .quality(let check, let status, let value, let threshold, let message):
            var q = Steward_V1_Quality()
            q.check = check
            q.status = status.rawValue
            if let value { q.value = value }
            if let threshold { q.threshold = threshold }
            if let message { q.message = message }
            m.quality = q
        case .usage(let consumer, let reads, let rowsRead, let start, let end):
            var u = Steward_V1_Usage()
            u.consumer = consumer
            u.reads = reads
            if let rowsRead { u.rowsRead = rowsRead }
            if let start { u.windowStart = time(start) }
            if let end { u.windowEnd = time(end) }
            m.usage = u
        case .grants(let grants):
            m.grants.grants = grants.map { g in
                var out = Steward_V1_Grant()
                out.grantee = g.grantee
                out.privileges = g.privileges
                return out
            }
        case .schema(let columns):
            m.schema.columns = columns.map { c in
                var out = Steward_V1_ObservedColumn()
                out.name = c.name
                out.type = c.type
                out.pii = (c.pii ?? []).map { f in
                    var pf = Steward_V1_PIIFinding()
                    pf.detector = f.detector
                    pf.matchRatio = f.matchRatio
                    return pf
                }
                return out
            }
        case .retention(let t): m.retention.oldestRecordAt = time(t)
        case .heartbeat: m.heartbeat = Steward_V1_Heartbeat()
        }
        return m
    }
}

import StewardCore
import StewardStore

/// Turns accepted events into the rows the store keeps.
public enum EventRows {
    public static func add(_ e: LineageEvent, domain: String?, receivedAt: Timestamp, to w: inout LineageWrite) {
        w.events.append(LineageEventRow(hash: hash(e.raw), kind: e.kind.rawValue, eventType: e.eventType, eventTime: e.eventTime,
                                        runID: e.runID, jobNamespace: e.job?.namespace, jobName: e.job?.name, domain: domain,
                                        receivedAt: receivedAt, body: e.raw))
        if let job = e.job {
            for d in e.inputs {
                w.edges.append(LineageEdgeRow(jobNamespace: job.namespace, jobName: job.name, dataset: d.ref, direction: .input, domain: domain))
            }
            for d in e.outputs {
                w.edges.append(LineageEdgeRow(jobNamespace: job.namespace, jobName: job.name, dataset: d.ref, direction: .output, domain: domain))
            }
        }
        for d in e.inputs + e.outputs {
            for c in d.columnLineage {
                w.columnEdges.append(ColumnEdgeRow(output: d.ref, field: c.field, input: c.input, inputField: c.inputField,
                                                   transformations: c.transformations))
            }
            if let fields = d.fields { w.schemas.append(SchemaRow(dataset: d.ref, fields: fieldsJSON(fields), seenAt: e.eventTime)) }
        }
    }

    static func fieldsJSON(_ fields: [LineageDataset.SchemaField]) -> String {
        var w = JSONWriter(capacity: 32 * fields.count)
        w.beginArray()
        for f in fields {
            w.beginObject(); w.field("name", f.name); w.field("type", f.type); w.endObject()
        }
        w.endArray()
        return w.output
    }

    /// FNV-1a over the event's bytes: stable across processes (unlike Hasher), so a resent event
    /// is recognised by any replica.
    public static func hash(_ text: String) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return Int64(bitPattern: h)
    }
}

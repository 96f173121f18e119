import StewardCore

/// Encodes an observation batch in the JSON wire form (used by agents, the demo and the benchmark).
public enum BatchJSON {
    public static func encode(batchId: String, domain: String, agentID: String, agentVersion: String,
                              observations: [Observation]) -> String {
        var w = JSONWriter(capacity: 256 + observations.count * 220)
        w.beginObject()
        w.field("batchId", batchId)
        w.field("domain", domain)
        w.key("agent")
        w.beginObject()
        w.field("id", agentID)
        w.field("version", agentVersion)
        w.endObject()
        w.key("observations")
        w.beginArray()
        for o in observations { write(o, to: &w) }
        w.endArray()
        w.endObject()
        return w.output
    }

    /// One observation as the API spells it.
    public static func write(_ o: Observation, to w: inout JSONWriter) {
        w.beginObject()
        w.field("kind", o.kind.rawValue)
        if let product = o.product { w.field("product", product.description) }
        if let dataset = o.dataset { w.field("dataset", dataset) }
        w.field("observedAt", o.observedAt)
        w.fields(ofObject: o.payloadJSON)
        w.endObject()
    }
}

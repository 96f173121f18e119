import StewardCore
import StewardStore

/// Read-side JSON for observations and products, written directly (pages can hold thousands of rows).
enum ObservationJSON {
    static func write(_ o: StoredObservation, to w: inout JSONWriter, includeProduct: Bool = true) {
        w.beginObject()
        w.field("id", o.id)
        w.field("kind", o.kind.rawValue)
        if includeProduct { w.field("product", o.product.description) }
        if let d = o.dataset { w.field("dataset", d) }
        w.field("observedAt", o.observedAt)
        w.field("recordedAt", o.recordedAt)
        w.fields(ofObject: o.payload)
        w.endObject()
    }

    static func writeVersion(_ v: ProductVersion, to w: inout JSONWriter) {
        w.field("product", v.descriptor.id.description)
        w.field("version", v.version)
        w.field("registeredAt", v.registeredAt)
        w.key("descriptor")
        w.raw(v.json)
    }
}

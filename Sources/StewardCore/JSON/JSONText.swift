/// Writes a parsed value back as compact JSON (for the parts of an event stored apart from it).
public enum JSONText {
    public static func encode(_ value: JSONValue) -> String {
        var w = JSONWriter()
        write(value, to: &w)
        return w.output
    }

    public static func write(_ value: JSONValue, to w: inout JSONWriter) {
        switch value {
        case .null: w.null()
        case .bool(let b): w.value(b)
        case .int(let n): w.value(n)
        case .double(let d): w.value(d)
        case .string(let s): w.value(s)
        case .array(let items):
            w.beginArray()
            for i in items { write(i, to: &w) }
            w.endArray()
        case .object(let members):
            w.beginObject()
            for m in members { w.key(m.key); write(m.value, to: &w) }
            w.endObject()
        }
    }
}

/// A minimal streaming JSON writer for hot paths (observation payloads, history pages),
/// where building Codable values and running JSONEncoder per row would dominate the cost.
public struct JSONWriter: Sendable {
    public private(set) var output = ""
    private var needsComma = false

    public init(capacity: Int = 128) { output.reserveCapacity(capacity) }

    public mutating func beginObject() { separate(); output.append("{"); needsComma = false }
    public mutating func endObject() { output.append("}"); needsComma = true }
    public mutating func beginArray() { separate(); output.append("["); needsComma = false }
    public mutating func endArray() { output.append("]"); needsComma = true }

    public mutating func key(_ k: String) {
        separate()
        Self.appendString(k, to: &output)
        output.append(":")
        needsComma = false
    }

    public mutating func value(_ s: String) { separate(); Self.appendString(s, to: &output); needsComma = true }
    public mutating func value(_ n: Int64) { separate(); output.append(String(n)); needsComma = true }
    public mutating func value(_ d: Double) {
        separate()
        // JSON has no NaN or infinity; validation rejects them, this is a last guard.
        if d.isFinite {
            if d == d.rounded(), abs(d) < 1e15 { output.append(String(Int64(d))) } else { output.append(String(d)) }
        } else {
            output.append("null")
        }
        needsComma = true
    }
    public mutating func value(_ b: Bool) { separate(); output.append(b ? "true" : "false"); needsComma = true }
    public mutating func null() { separate(); output.append("null"); needsComma = true }
    /// Splices an already-encoded JSON value.
    public mutating func raw(_ json: String) { separate(); output.append(json); needsComma = true }

    public mutating func field(_ k: String, _ v: String) { key(k); value(v) }
    public mutating func field(_ k: String, _ v: Int64) { key(k); value(v) }
    public mutating func field(_ k: String, _ v: Int) { key(k); value(Int64(v)) }
    public mutating func field(_ k: String, _ v: Double) { key(k); value(v) }
    public mutating func field(_ k: String, _ v: Bool) { key(k); value(v) }
    public mutating func field(_ k: String, _ v: DatasetRef) {
        key(k)
        beginObject()
        field("namespace", v.namespace)
        field("name", v.name)
        endObject()
    }

    /// Adds the fields of an already-encoded JSON object (`{"a":1,"b":2}`) to the open object.
    public mutating func fields(ofObject json: String) {
        if json.utf8.count > 2 { raw(String(json.dropFirst().dropLast())) }
    }

    public mutating func field(_ k: String, _ v: [String]) {
        key(k)
        beginArray()
        for s in v { value(s) }
        endArray()
    }

    private mutating func separate() {
        if needsComma { output.append(",") }
    }

    public static func appendString(_ s: String, to out: inout String) {
        out.append("\"")
        var plain = true
        for b in s.utf8 where b < 0x20 || b == 0x22 || b == 0x5C { plain = false; break }
        if plain {
            out.append(s)
        } else {
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out.append("\\\"")
                case "\\": out.append("\\\\")
                case "\n": out.append("\\n")
                case "\r": out.append("\\r")
                case "\t": out.append("\\t")
                default:
                    if scalar.value < 0x20 {
                        let hex = String(scalar.value, radix: 16)
                        out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
        }
        out.append("\"")
    }
}

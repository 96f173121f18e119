import Foundation
import StewardCEL
import StewardCore

extension Value {
    /// The value as JSON: timestamps and durations as their CEL text ("2026-06-01T12:00:00Z",
    /// "3600s", which `PolicyInput(json:)` reads back), bytes as base64, map keys as strings.
    public var json: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        case .double(let d): return d.isFinite ? String(d) : "\"\(d)\""
        case .string(let s):
            var out = ""
            JSONWriter.appendString(s, to: &out)
            return out
        case .bytes(let b): return "\"\(Data(b).base64EncodedString())\""
        case .list(let items): return "[" + items.map(\.json).joined(separator: ", ") + "]"
        case .map(let m):
            return "{" + zip(m.keys, m.values).map { key, value in
                let name: String = if case .string(let s) = key { s } else { key.json }
                return "\(Value.string(name).json): \(value.json)"
            }.joined(separator: ", ") + "}"
        case .timestamp(let t): return "\"\(t.text)\""
        case .duration(let d): return "\"\(d.text)\""
        case .type(let t): return "\"\(t.name)\""
        }
    }
}

extension PolicyInput {
    /// The input as the JSON fixture `init(json:)` reads: what `steward policy eval` and
    /// policy tests take, and what the server shows of a product.
    public var json: String {
        "{\"now\": \(Value.timestamp(now).json), \"product\": \(product.json), \"observed\": \(observed.json)}"
    }
}

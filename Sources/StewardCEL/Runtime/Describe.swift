/// Values written as CEL literals, for error messages and evidence.
extension Value: CustomStringConvertible {
    public var description: String { debugText }

    var debugText: String {
        switch self {
        case .null: "null"
        case .bool(let b): String(b)
        case .int(let i): String(i)
        case .uint(let u): "\(u)u"
        case .double(let d): formatDouble(d)
        case .string(let s): "'\(s)'"
        case .bytes(let b): "b'\(String(decoding: b, as: UTF8.self))'"
        case .list(let l): "[" + l.map(\.debugText).joined(separator: ", ") + "]"
        case .map(let m): "{" + zip(m.keys, m.values).map { "\($0.debugText): \($1.debugText)" }.joined(separator: ", ") + "}"
        case .timestamp(let t): "timestamp('\(t.text)')"
        case .duration(let d): "duration('\(d.text)')"
        case .type(let t): t.name
        }
    }
}

/// Shortest round-trip digits (Swift's rendering), with integral values printed without ".0"
/// ("3", "-0.0045", "1e+21"), which matches cel-go on the conformance cases.
func formatDouble(_ d: Double) -> String {
    if d.isNaN { return "NaN" }
    if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
    let text = String(d)
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
}

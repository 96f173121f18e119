import Foundation

/// The strings extension's `format`: %s %d %f %e %b %o %x %X and %%, with an optional
/// precision (`%.3f`), following cel-go's rules for which types each clause takes.
func format(_ template: String, _ values: [Value]) throws(CELError) -> String {
    var out = ""
    var scalars = Substring(template).unicodeScalars[...]
    var next = 0
    while let c = scalars.popFirst() {
        guard c == "%" else { out.unicodeScalars.append(c); continue }
        if scalars.first == "%" { scalars.removeFirst(); out += "%"; continue }
        var precision: Int?
        if scalars.first == "." {
            scalars.removeFirst()
            var digits = ""
            while let d = scalars.first, d.properties.numericType == .decimal { digits.unicodeScalars.append(d); scalars.removeFirst() }
            precision = Int(digits) ?? 0
        }
        guard let verb = scalars.popFirst() else {
            throw CELError(.invalidArgument, "could not parse formatting clause: unterminated formatting clause")
        }
        guard "sdfeboxX".unicodeScalars.contains(verb) else {
            throw CELError(.invalidArgument, "could not parse formatting clause: unrecognized formatting clause \"\(verb)\"")
        }
        guard next < values.count else { throw CELError(.indexOutOfRange, "index \(next) out of range") }
        out += try clause(verb, precision: precision, values[next])
        next += 1
    }
    return out
}

private func clause(_ verb: Unicode.Scalar, precision: Int?, _ value: Value) throws(CELError) -> String {
    func fail(_ what: String) -> CELError {
        CELError(.invalidArgument, "error during formatting: \(what), was given \(value.type.name)")
    }
    switch verb {
    case "s":
        return try plainText(value)
    case "d":
        switch value {
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        case .double(let d) where !d.isFinite: return formatDouble(d)
        default: throw fail("decimal clause can only be used on integers")
        }
    case "f", "e":
        let d: Double
        switch value {
        case .double(let x): d = x
        case .int(let i): d = Double(i)
        case .uint(let u): d = Double(u)
        default: throw fail(verb == "f" ? "fixed-point clause can only be used on doubles" : "scientific clause can only be used on doubles")
        }
        if !d.isFinite { return formatDouble(d) }
        return String(format: "%.\(precision ?? 6)\(verb)", d)
    case "b":
        switch value {
        case .int(let i): return String(i, radix: 2)
        case .uint(let u): return String(u, radix: 2)
        case .bool(let b): return b ? "1" : "0"
        default: throw fail("only integers and bools can be formatted as binary")
        }
    case "o":
        switch value {
        case .int(let i): return String(i, radix: 8)
        case .uint(let u): return String(u, radix: 8)
        default: throw fail("octal clause can only be used on integers")
        }
    default:   // x, X
        let upper = verb == "X"
        let text: String
        switch value {
        case .int(let i): text = String(i, radix: 16)
        case .uint(let u): text = String(u, radix: 16)
        case .string(let s): text = s.utf8.map { hexByte($0) }.joined()
        case .bytes(let b): text = b.map(hexByte).joined()
        default: throw fail("only integers, byte buffers, and strings can be formatted as hex")
        }
        return upper ? text.uppercased() : text
    }
}

private func hexByte(_ b: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
}

/// How %s shows a value: strings bare, lists and maps recursively, map keys sorted.
private func plainText(_ value: Value) throws(CELError) -> String {
    switch value {
    case .string(let s): return s
    case .bytes(let b): return String(decoding: b, as: UTF8.self)
    case .null: return "null"
    case .bool(let b): return String(b)
    case .int(let i): return String(i)
    case .uint(let u): return String(u)
    case .double(let d): return formatDouble(d)
    case .timestamp(let t): return t.text
    case .duration(let d): return d.text
    case .type(let t): return t.name
    case .list(let items):
        var parts: [String] = []
        for item in items { parts.append(try plainText(item)) }
        return "[" + parts.joined(separator: ", ") + "]"
    case .map(let m):
        var entries: [(String, String)] = []
        for (k, v) in zip(m.keys, m.values) { entries.append((try plainText(k), try plainText(v))) }
        entries.sort { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        return "{" + entries.map { "\($0): \($1)" }.joined(separator: ", ") + "}"
    }
}

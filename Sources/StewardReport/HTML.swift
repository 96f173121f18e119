/// HTML built by string interpolation where every interpolated `String` is escaped.
/// Only another `HTML` value is spliced raw, so a page cannot forget to escape what a user or agent sent.
public struct HTML: ExpressibleByStringInterpolation, CustomStringConvertible, Sendable {
    public private(set) var text: String

    public init(stringLiteral value: String) { text = value }
    public init(stringInterpolation: StringInterpolation) { text = stringInterpolation.out }
    public init(joining parts: [HTML], separator: HTML = "") {
        text = parts.map(\.text).joined(separator: separator.text)
    }

    public var description: String { text }

    public struct StringInterpolation: StringInterpolationProtocol {
        var out = ""
        public init(literalCapacity: Int, interpolationCount: Int) { out.reserveCapacity(literalCapacity * 2) }
        public mutating func appendLiteral(_ literal: String) { out += literal }
        public mutating func appendInterpolation(_ value: String) { out += HTML.escape(value) }
        public mutating func appendInterpolation(_ value: HTML) { out += value.text }
        public mutating func appendInterpolation(_ value: [HTML]) { for v in value { out += v.text } }
        public mutating func appendInterpolation(_ value: Int) { out += String(value) }
    }

    /// Escapes the five characters that matter in text and in quoted attribute values.
    public static func escape(_ s: String) -> String {
        var needs = false
        for b in s.utf8 where b == 0x26 || b == 0x3C || b == 0x3E || b == 0x22 || b == 0x27 { needs = true; break }
        guard needs else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

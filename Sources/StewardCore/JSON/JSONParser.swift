/// A strict RFC 8259 parser over bytes. Written here rather than using JSONSerialization or
/// Codable because ingest needs what they lack: a nesting limit with a clear error (producers
/// can send facets nested a thousand deep), the byte range of each event in a batch (lineage
/// events are kept verbatim), and speed: observation batches decode several times faster than
/// through JSONDecoder, whose keyed containers dominated the ingest profile.
public struct JSONParser {
    /// Deeper documents are refused. OpenLineage events nest about 10 levels; 64 leaves room for
    /// custom facets while keeping recursion shallow.
    public static let maxDepth = 64

    public struct Failure: Error, Sendable, Equatable {
        public var message: String
        public var offset: Int
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var depth = 0
    /// Members and items of the objects and arrays being parsed, innermost last: each container
    /// is copied out once at its end, at its exact size, instead of growing its own array from
    /// empty (four reallocations for an object of eight members).
    private var memberStack: [(key: String, value: JSONValue)] = []
    private var itemStack: [JSONValue] = []

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Parses one whole document.
    public static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(Failure) -> JSONValue in try parse(buffer) }
    }

    /// Parses one whole document from memory the caller owns (a request body, without a copy).
    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(Failure) -> JSONValue {
        var p = JSONParser(buffer)
        p.skipSpace()
        guard p.i < buffer.count else { throw p.fail("the body is empty") }
        let v = try p.value()
        p.skipSpace()
        guard p.i == buffer.count else { throw p.fail("unexpected content after the JSON value") }
        return v
    }

    /// Parses a top-level array, answering each element with the byte range it came from.
    /// A top-level object is answered as one element (the single-event form).
    public static func parseElements(_ bytes: [UInt8]) throws(Failure) -> (isArray: Bool, elements: [(value: JSONValue, range: Range<Int>)]) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(Failure) -> (Bool, [(value: JSONValue, range: Range<Int>)]) in
            var p = JSONParser(buffer)
            p.skipSpace()
            guard p.i < buffer.count else { throw p.fail("the body is empty") }
            var out: [(value: JSONValue, range: Range<Int>)] = []
            if buffer[p.i] != UInt8(ascii: "[") {
                let start = p.i
                let v = try p.value()
                out.append((v, start..<p.i))
                p.skipSpace()
                guard p.i == buffer.count else { throw p.fail("unexpected content after the JSON value") }
                return (false, out)
            }
            p.i += 1
            p.skipSpace()
            if p.peek == UInt8(ascii: "]") { p.i += 1 } else {
                while true {
                    p.skipSpace()
                    let start = p.i
                    p.depth = 1
                    let v = try p.value()
                    out.append((v, start..<p.i))
                    p.skipSpace()
                    guard let c = p.peek else { throw p.fail("unterminated array") }
                    p.i += 1
                    if c == UInt8(ascii: "]") { break }
                    guard c == UInt8(ascii: ",") else { throw p.fail("expected ',' or ']' in the array") }
                }
            }
            p.skipSpace()
            guard p.i == buffer.count else { throw p.fail("unexpected content after the JSON value") }
            return (true, out)
        }
    }

    private var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    private func fail(_ message: String) -> Failure { Failure(message: "\(message) at byte \(i)", offset: i) }

    private mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    private mutating func value() throws(Failure) -> JSONValue {
        guard let c = peek else { throw fail("unexpected end of input") }
        switch c {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw fail("unexpected character '\(Unicode.Scalar(c))'")
        }
    }

    private mutating func enter() throws(Failure) {
        depth += 1
        if depth > Self.maxDepth { throw fail("nested deeper than \(Self.maxDepth) levels") }
    }

    private mutating func object() throws(Failure) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        i += 1
        skipSpace()
        if peek == UInt8(ascii: "}") { i += 1; return .object([]) }
        let base = memberStack.count
        defer { memberStack.removeSubrange(base...) }
        while true {
            skipSpace()
            guard peek == UInt8(ascii: "\"") else { throw fail("expected a quoted member name") }
            let key = try string()
            skipSpace()
            guard peek == UInt8(ascii: ":") else { throw fail("expected ':' after a member name") }
            i += 1
            skipSpace()
            let v = try value()
            memberStack.append((key, v))
            skipSpace()
            guard let c = peek else { throw fail("unterminated object") }
            i += 1
            if c == UInt8(ascii: "}") { return .object(Array(memberStack[base...])) }
            guard c == UInt8(ascii: ",") else { throw fail("expected ',' or '}' in the object") }
        }
    }

    private mutating func array() throws(Failure) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        i += 1
        skipSpace()
        if peek == UInt8(ascii: "]") { i += 1; return .array([]) }
        let base = itemStack.count
        defer { itemStack.removeSubrange(base...) }
        while true {
            skipSpace()
            let v = try value()
            itemStack.append(v)
            skipSpace()
            guard let c = peek else { throw fail("unterminated array") }
            i += 1
            if c == UInt8(ascii: "]") { return .array(Array(itemStack[base...])) }
            guard c == UInt8(ascii: ",") else { throw fail("expected ',' or ']' in the array") }
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw fail("unexpected end of input") }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw fail("invalid literal") }
        i += n
    }

    private mutating func number() throws(Failure) -> JSONValue {
        let start = i
        var integral = true
        if peek == UInt8(ascii: "-") { i += 1 }
        guard let first = peek, first >= 0x30, first <= 0x39 else { throw fail("invalid number") }
        if first == 0x30 { i += 1 } else { while let c = peek, c >= 0x30, c <= 0x39 { i += 1 } }
        if peek == UInt8(ascii: ".") {
            integral = false
            i += 1
            guard let c = peek, c >= 0x30, c <= 0x39 else { throw fail("invalid number") }
            while let c = peek, c >= 0x30, c <= 0x39 { i += 1 }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            integral = false
            i += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            guard let c = peek, c >= 0x30, c <= 0x39 else { throw fail("invalid number") }
            while let c = peek, c >= 0x30, c <= 0x39 { i += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        if integral, let n = Int64(text) { return .int(n) }
        guard let d = Double(text), d.isFinite else { throw fail("number out of range") }
        return .double(d)
    }

    private mutating func string() throws(Failure) -> String {
        i += 1
        let start = i
        // Fast path: no escapes, so the bytes between the quotes are the string.
        var ascii = true
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                let text = UnsafeBufferPointer(rebasing: bytes[start..<i])
                // ASCII is valid UTF-8 as it is: `String(validating:)` checked it again through
                // an unspecialised generic (7% of the server's CPU while ingesting JSON).
                let s = ascii ? String(decoding: text, as: UTF8.self) : String(validating: text, as: UTF8.self)
                guard let s else { throw fail("invalid UTF-8 in a string") }
                i += 1
                return s
            }
            if c >= 0x80 { ascii = false }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw fail("control character in a string") }
            i += 1
        }
        var out = Array(bytes[start..<i])
        while i < bytes.count {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "\""):
                i += 1
                guard let s = String(validating: out, as: UTF8.self) else { throw fail("invalid UTF-8 in a string") }
                return s
            case UInt8(ascii: "\\"):
                i += 1
                guard let e = peek else { throw fail("unterminated string") }
                i += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard peek == UInt8(ascii: "\\"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "u") else {
                            throw fail("unpaired surrogate in a string")
                        }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate in a string") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw fail("unpaired surrogate in a string")
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw fail("invalid escape") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw fail("invalid escape '\\\(Unicode.Scalar(e))'")
                }
            default:
                if c < 0x20 { throw fail("control character in a string") }
                out.append(c)
                i += 1
            }
        }
        throw fail("unterminated string")
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("invalid \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw fail("invalid \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }
}

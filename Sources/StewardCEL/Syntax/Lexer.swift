/// Turns CEL source into tokens. Works on UTF-8 bytes; string literals are decoded here with
/// all of CEL's escapes (octal, \x, \u, \U, raw and bytes prefixes, triple quotes).
struct Lexer {
    private let bytes: [UInt8]
    private var i = 0

    init(_ source: String) { bytes = Array(source.utf8) }

    mutating func tokenize() throws(CELError) -> [Token] {
        var tokens: [Token] = []
        while true {
            let token = try next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func peek(_ ahead: Int = 0) -> UInt8 {
        i + ahead < bytes.count ? bytes[i + ahead] : 0
    }

    private mutating func next() throws(CELError) -> Token {
        skipSpaceAndComments()
        let start = i
        guard i < bytes.count else { return Token(kind: .end, offset: i) }
        let c = bytes[i]
        if let quoted = try stringLiteral(start: start) { return quoted }
        if isIdentStart(c) {
            while i < bytes.count, isIdentPart(bytes[i]) { i += 1 }
            return Token(kind: .identifier(String(decoding: bytes[start..<i], as: UTF8.self)), offset: start)
        }
        if isDigit(c) || (c == UInt8(ascii: ".") && isDigit(peek(1))) { return try number(start: start) }
        if c == UInt8(ascii: "`") {
            i += 1
            while i < bytes.count, bytes[i] != UInt8(ascii: "`"), bytes[i] != UInt8(ascii: "\n") { i += 1 }
            guard i < bytes.count, bytes[i] == UInt8(ascii: "`"), i > start + 1 else {
                throw CELError(.syntax, "unterminated or empty quoted identifier", offset: start)
            }
            i += 1
            return Token(kind: .quotedIdentifier(String(decoding: bytes[(start + 1)..<(i - 1)], as: UTF8.self)), offset: start)
        }
        let two = String(decoding: bytes[i..<min(i + 2, bytes.count)], as: UTF8.self)
        if ["==", "!=", "<=", ">=", "&&", "||"].contains(two) {
            i += 2
            return Token(kind: .punct(two), offset: start)
        }
        if "()[]{}.,:?!-+*/%<>".utf8.contains(c) {
            i += 1
            return Token(kind: .punct(String(UnicodeScalar(c))), offset: start)
        }
        throw CELError(.syntax, "unexpected character '\(scalarAt(start))'", offset: start)
    }

    private func scalarAt(_ offset: Int) -> String {
        var end = offset + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return String(decoding: bytes[offset..<end], as: UTF8.self)
    }

    private mutating func skipSpaceAndComments() {
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0C:
                i += 1
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "/"):
                while i < bytes.count, bytes[i] != UInt8(ascii: "\n") { i += 1 }
            default:
                return
            }
        }
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x66) }
    private func isIdentStart(_ c: UInt8) -> Bool { c == UInt8(ascii: "_") || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) }
    private func isIdentPart(_ c: UInt8) -> Bool { isIdentStart(c) || isDigit(c) }

    // MARK: numbers

    private mutating func number(start: Int) throws(CELError) -> Token {
        if peek() == UInt8(ascii: "0"), peek(1) | 0x20 == UInt8(ascii: "x") {
            i += 2
            let digitsStart = i
            while isHex(peek()) { i += 1 }
            let text = String(decoding: bytes[digitsStart..<i], as: UTF8.self)
            guard let value = UInt64(text, radix: 16) else {
                throw CELError(.syntax, "invalid hexadecimal literal", offset: start)
            }
            return try integerToken(value, start: start)
        }
        var isFloat = false
        while isDigit(peek()) { i += 1 }
        if peek() == UInt8(ascii: "."), isDigit(peek(1)) {
            isFloat = true
            i += 1
            while isDigit(peek()) { i += 1 }
        }
        if peek() | 0x20 == UInt8(ascii: "e") {
            var j = i + 1
            if j < bytes.count, bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-") { j += 1 }
            if j < bytes.count, isDigit(bytes[j]) {
                isFloat = true
                i = j
                while isDigit(peek()) { i += 1 }
            }
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if isFloat {
            guard let value = Double(text) else { throw CELError(.syntax, "invalid number '\(text)'", offset: start) }
            return Token(kind: .double(value), offset: start)
        }
        guard let value = UInt64(text) else {
            throw CELError(.syntax, "integer literal '\(text)' is out of range", offset: start)
        }
        return try integerToken(value, start: start)
    }

    private mutating func integerToken(_ value: UInt64, start: Int) throws(CELError) -> Token {
        if peek() | 0x20 == UInt8(ascii: "u") {
            i += 1
            return Token(kind: .uint(value), offset: start)
        }
        return Token(kind: .int(value), offset: start)
    }

    // MARK: strings and bytes

    private mutating func stringLiteral(start: Int) throws(CELError) -> Token? {
        var j = i, raw = false, isBytes = false
        while j < bytes.count, j - i < 2 {
            let c = bytes[j] | 0x20
            if c == UInt8(ascii: "r"), !raw { raw = true } else if c == UInt8(ascii: "b"), !isBytes { isBytes = true } else { break }
            j += 1
        }
        guard j < bytes.count, bytes[j] == UInt8(ascii: "'") || bytes[j] == UInt8(ascii: "\"") else { return nil }
        let quote = bytes[j]
        let triple = j + 2 < bytes.count && bytes[j + 1] == quote && bytes[j + 2] == quote
        i = j + (triple ? 3 : 1)
        var out: [UInt8] = []
        while true {
            guard i < bytes.count else { throw CELError(.syntax, "unterminated string literal", offset: start) }
            let c = bytes[i]
            if c == quote {
                if !triple { i += 1; break }
                if peek(1) == quote, peek(2) == quote { i += 3; break }
            }
            if !triple, c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") {
                throw CELError(.syntax, "newline in a single-quoted string; use ''' for multi-line strings", offset: i)
            }
            if c == UInt8(ascii: "\\"), !raw {
                try escape(into: &out, isBytes: isBytes)
                continue
            }
            out.append(c)
            i += 1
        }
        if isBytes { return Token(kind: .bytes(out), offset: start) }
        return Token(kind: .string(String(decoding: out, as: UTF8.self)), offset: start)
    }

    private static let simpleEscapes: [UInt8: UInt8] = [
        UInt8(ascii: "a"): 7, UInt8(ascii: "b"): 8, UInt8(ascii: "f"): 12, UInt8(ascii: "n"): 10,
        UInt8(ascii: "r"): 13, UInt8(ascii: "t"): 9, UInt8(ascii: "v"): 11, UInt8(ascii: "\\"): 92,
        UInt8(ascii: "'"): 39, UInt8(ascii: "\""): 34, UInt8(ascii: "`"): 96, UInt8(ascii: "?"): 63,
    ]

    private mutating func escape(into out: inout [UInt8], isBytes: Bool) throws(CELError) {
        let at = i
        i += 1
        guard i < bytes.count else { throw CELError(.syntax, "unterminated escape", offset: at) }
        let c = bytes[i]
        i += 1
        if let byte = Lexer.simpleEscapes[c] { out.append(byte); return }
        let code: UInt32
        switch c {
        case UInt8(ascii: "x"), UInt8(ascii: "X"):
            code = try hexDigits(2, at: at)
            if isBytes { out.append(UInt8(code)); return }
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            if isBytes { throw CELError(.syntax, "\\u escapes are not allowed in bytes literals", offset: at) }
            code = try hexDigits(c == UInt8(ascii: "u") ? 4 : 8, at: at)
        case UInt8(ascii: "0")...UInt8(ascii: "3"):
            guard i + 1 < bytes.count, (0x30...0x37).contains(bytes[i]), (0x30...0x37).contains(bytes[i + 1]) else {
                throw CELError(.syntax, "octal escapes take three digits", offset: at)
            }
            code = UInt32(c - 0x30) * 64 + UInt32(bytes[i] - 0x30) * 8 + UInt32(bytes[i + 1] - 0x30)
            i += 2
            if isBytes { out.append(UInt8(code)); return }
        default:
            throw CELError(.syntax, "invalid escape sequence '\\\(UnicodeScalar(c))'", offset: at)
        }
        guard let scalar = Unicode.Scalar(code) else {
            throw CELError(.syntax, "escape names an invalid code point", offset: at)
        }
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    private mutating func hexDigits(_ count: Int, at: Int) throws(CELError) -> UInt32 {
        guard i + count <= bytes.count else { throw CELError(.syntax, "short hexadecimal escape", offset: at) }
        var value: UInt32 = 0
        for _ in 0..<count {
            let c = bytes[i]
            guard isHex(c) else { throw CELError(.syntax, "invalid hexadecimal escape", offset: at) }
            value = value * 16 + UInt32(isDigit(c) ? c - 0x30 : (c | 0x20) - 0x61 + 10)
            i += 1
        }
        return value
    }
}

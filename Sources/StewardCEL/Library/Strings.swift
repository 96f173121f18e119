import Foundation

extension FunctionLibrary {
    /// The cel-go strings extension. Indexes count Unicode code points, as in cel-go.
    static let strings: FunctionLibrary = {
        var lib = FunctionLibrary()
        lib.register("charAt") { args throws(CELError) in
            guard args.count == 2, case .string(let s) = args[0], case .int(let i) = args[1] else { throw noOverload("charAt", args) }
            let scalars = Array(s.unicodeScalars)
            guard i >= 0, i <= scalars.count else { throw CELError(.indexOutOfRange, "index out of range: \(i)") }
            return .string(i == scalars.count ? "" : String(scalars[Int(i)]))
        }
        lib.register("indexOf") { args throws(CELError) in
            try indexOf(args, last: false)
        }
        lib.register("lastIndexOf") { args throws(CELError) in
            try indexOf(args, last: true)
        }
        lib.register("lowerAscii") { args throws(CELError) in
            guard args.count == 1, case .string(let s) = args[0] else { throw noOverload("lowerAscii", args) }
            return .string(String(decoding: s.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self))
        }
        lib.register("upperAscii") { args throws(CELError) in
            guard args.count == 1, case .string(let s) = args[0] else { throw noOverload("upperAscii", args) }
            return .string(String(decoding: s.utf8.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }, as: UTF8.self))
        }
        lib.register("replace") { args throws(CELError) in
            guard args.count == 3 || args.count == 4, case .string(let s) = args[0], case .string(let old) = args[1],
                  case .string(let new) = args[2] else { throw noOverload("replace", args) }
            var limit = -1
            if args.count == 4 {
                guard case .int(let n) = args[3] else { throw noOverload("replace", args) }
                limit = Int(clamping: n)
            }
            return .string(replacing(s, old, with: new, limit: limit))
        }
        lib.register("split") { args throws(CELError) in
            guard args.count == 2 || args.count == 3, case .string(let s) = args[0], case .string(let sep) = args[1] else {
                throw noOverload("split", args)
            }
            var limit = -1
            if args.count == 3 {
                guard case .int(let n) = args[2] else { throw noOverload("split", args) }
                limit = Int(clamping: n)
            }
            return .list(split(s, sep, limit: limit).map(Value.string))
        }
        lib.register("substring") { args throws(CELError) in
            guard args.count == 2 || args.count == 3, case .string(let s) = args[0], case .int(let start) = args[1] else {
                throw noOverload("substring", args)
            }
            let scalars = Array(s.unicodeScalars)
            var end = Int64(scalars.count)
            if args.count == 3 {
                guard case .int(let e) = args[2] else { throw noOverload("substring", args) }
                end = e
            }
            guard start >= 0, start <= scalars.count else { throw CELError(.indexOutOfRange, "index out of range: \(start)") }
            guard end >= 0, end <= scalars.count else { throw CELError(.indexOutOfRange, "index out of range: \(end)") }
            guard start <= end else { throw CELError(.indexOutOfRange, "invalid substring range. start: \(start), end: \(end)") }
            var out = String.UnicodeScalarView()
            out.append(contentsOf: scalars[Int(start)..<Int(end)])
            return .string(String(out))
        }
        lib.register("trim") { args throws(CELError) in
            guard args.count == 1, case .string(let s) = args[0] else { throw noOverload("trim", args) }
            let scalars = Array(s.unicodeScalars)
            guard let first = scalars.firstIndex(where: { !isTrimmedSpace($0) }),
                  let last = scalars.lastIndex(where: { !isTrimmedSpace($0) }) else { return .string("") }
            var out = String.UnicodeScalarView()
            out.append(contentsOf: scalars[first...last])
            return .string(String(out))
        }
        lib.register("join") { args throws(CELError) in
            guard args.count == 1 || args.count == 2, case .list(let items) = args[0] else { throw noOverload("join", args) }
            var separator = ""
            if args.count == 2 {
                guard case .string(let sep) = args[1] else { throw noOverload("join", args) }
                separator = sep
            }
            var parts: [String] = []
            for item in items {
                guard case .string(let s) = item else { throw noOverload("join", args) }
                parts.append(s)
            }
            return .string(parts.joined(separator: separator))
        }
        lib.register("reverse") { args throws(CELError) in
            guard args.count == 1, case .string(let s) = args[0] else { throw noOverload("reverse", args) }
            var out = String.UnicodeScalarView()
            out.append(contentsOf: s.unicodeScalars.reversed())
            return .string(String(out))
        }
        lib.register("strings.quote") { args throws(CELError) in
            guard args.count == 1, case .string(let s) = args[0] else { throw noOverload("strings.quote", args) }
            return .string(quote(s))
        }
        lib.register("format") { args throws(CELError) in
            guard args.count == 2, case .string(let template) = args[0], case .list(let values) = args[1] else {
                throw noOverload("format", args)
            }
            return .string(try format(template, values))
        }
        return lib
    }()
}

private func indexOf(_ args: [Value], last: Bool) throws(CELError) -> Value {
    let name = last ? "lastIndexOf" : "indexOf"
    guard args.count == 2 || args.count == 3, case .string(let s) = args[0], case .string(let sub) = args[1] else {
        throw noOverload(name, args)
    }
    let hay = Array(s.unicodeScalars), needle = Array(sub.unicodeScalars)
    var from = last ? hay.count : 0
    if args.count == 3 {
        guard case .int(let i) = args[2] else { throw noOverload(name, args) }
        guard i >= 0, i <= hay.count else { throw CELError(.indexOutOfRange, "index out of range: \(i)") }
        from = Int(i)
    }
    if needle.isEmpty { return .int(Int64(from)) }
    guard needle.count <= hay.count else { return .int(-1) }
    let candidates: [Int] = last
        ? Array(stride(from: min(from, hay.count - needle.count), through: 0, by: -1))
        : Array(stride(from: from, through: hay.count - needle.count, by: 1))
    for i in candidates where hay[i..<(i + needle.count)].elementsEqual(needle) { return .int(Int64(i)) }
    return .int(-1)
}

private func replacing(_ s: String, _ old: String, with new: String, limit: Int) -> String {
    if limit == 0 { return s }
    var out = [UInt8](), remaining = limit
    let bytes = Array(s.utf8), pattern = Array(old.utf8), replacement = Array(new.utf8)
    var i = 0
    while i <= bytes.count {
        let canMatch = remaining != 0 && i + pattern.count <= bytes.count
        if canMatch, bytes[i..<(i + pattern.count)].elementsEqual(pattern) {
            out += replacement
            remaining -= 1
            if pattern.isEmpty {
                if i < bytes.count { out.append(bytes[i]) }
                i += 1
            } else {
                i += pattern.count
            }
        } else {
            if i < bytes.count { out.append(bytes[i]) }
            i += 1
        }
    }
    return String(decoding: out, as: UTF8.self)
}

private func split(_ s: String, _ separator: String, limit: Int) -> [String] {
    if limit == 0 { return [] }
    if limit == 1 { return [s] }
    if separator.isEmpty {
        let scalars = s.unicodeScalars.map { String($0) }
        guard limit > 0, scalars.count > limit else { return scalars }
        return Array(scalars.prefix(limit - 1)) + [scalars.dropFirst(limit - 1).joined()]
    }
    var parts: [String] = []
    var rest = Substring(s)
    while limit < 0 || parts.count < limit - 1, let range = rest.range(of: separator, options: .literal) {
        parts.append(String(rest[..<range.lowerBound]))
        rest = rest[range.upperBound...]
    }
    parts.append(String(rest))
    return parts
}

/// Unicode White_Space, as cel-go's trim uses (Go's unicode.IsSpace plus the same set).
private func isTrimmedSpace(_ c: Unicode.Scalar) -> Bool {
    switch c.value {
    case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
    default: false
    }
}

private func quote(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
        switch c {
        case "\u{07}": out += "\\a"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{0B}": out += "\\v"
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        default: out.unicodeScalars.append(c)
        }
    }
    return out + "\""
}

extension FunctionLibrary {
    /// size, contains, startsWith, endsWith, matches.
    static let core: FunctionLibrary = {
        var lib = FunctionLibrary()
        lib.register("size", unary: { arg throws(CELError) in
            switch arg {
            case .string(let s): return .int(Int64(s.unicodeScalars.count))
            case .bytes(let b): return .int(Int64(b.count))
            case .list(let l): return .int(Int64(l.count))
            case .map(let m): return .int(Int64(m.count))
            default: throw noOverload("size", [arg])
            }
        })
        lib.register("contains", binary: stringPredicate("contains") { $0.utf8.count >= $1.utf8.count && utf8Find($1, in: $0) != nil })
        lib.register("startsWith", binary: stringPredicate("startsWith") { $0.utf8.starts(with: $1.utf8) })
        lib.register("endsWith", binary: stringPredicate("endsWith") { $0.utf8.reversed().starts(with: $1.utf8.reversed()) })
        lib.register("matches") { args throws(CELError) in
            guard args.count == 2, case .string(let s) = args[0], case .string(let pattern) = args[1] else {
                throw noOverload("matches", args)
            }
            return .bool(try RegularExpression(pattern).matches(s))
        }
        return lib
    }()
}

private func stringPredicate(_ name: String, _ test: @escaping @Sendable (String, String) -> Bool)
    -> @Sendable (Value, Value) throws(CELError) -> Value {
    { a, b throws(CELError) in
        guard case .string(let s) = a, case .string(let t) = b else { throw noOverload(name, [a, b]) }
        return .bool(test(s, t))
    }
}

/// Byte offset of the first occurrence of `needle` in `haystack`, comparing UTF-8 bytes (CEL
/// compares code points, not Swift's canonically-equivalent Characters).
func utf8Find(_ needle: String, in haystack: String) -> Int? {
    var haystack = haystack, needle = needle
    // Native strings are already contiguous UTF-8, so this copies nothing.
    return haystack.withUTF8 { h in
        needle.withUTF8 { n -> Int? in
            if n.isEmpty { return 0 }
            guard h.count >= n.count else { return nil }
            let first = n[0]
            var i = 0
            while i <= h.count - n.count {
                if h[i] == first {
                    var j = 1
                    while j < n.count, h[i + j] == n[j] { j += 1 }
                    if j == n.count { return i }
                }
                i += 1
            }
            return nil
        }
    }
}

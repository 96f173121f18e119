extension FunctionLibrary {
    /// size, contains, startsWith, endsWith, matches.
    static let core: FunctionLibrary = {
        var lib = FunctionLibrary()
        lib.register("size") { args throws(CELError) in
            guard args.count == 1 else { throw noOverload("size", args) }
            switch args[0] {
            case .string(let s): return .int(Int64(s.unicodeScalars.count))
            case .bytes(let b): return .int(Int64(b.count))
            case .list(let l): return .int(Int64(l.count))
            case .map(let m): return .int(Int64(m.count))
            default: throw noOverload("size", args)
            }
        }
        lib.register("contains", stringPredicate("contains") { $0.utf8.count >= $1.utf8.count && utf8Find($1, in: $0) != nil })
        lib.register("startsWith", stringPredicate("startsWith") { $0.utf8.starts(with: $1.utf8) })
        lib.register("endsWith", stringPredicate("endsWith") { $0.utf8.reversed().starts(with: $1.utf8.reversed()) })
        lib.register("matches") { args throws(CELError) in
            guard args.count == 2, case .string(let s) = args[0], case .string(let pattern) = args[1] else {
                throw noOverload("matches", args)
            }
            return .bool(try RegularExpression(pattern).matches(s))
        }
        return lib
    }()
}

private func stringPredicate(_ name: String, _ test: @escaping @Sendable (String, String) -> Bool) -> FunctionImpl {
    { args throws(CELError) in
        guard args.count == 2, case .string(let s) = args[0], case .string(let t) = args[1] else {
            throw noOverload(name, args)
        }
        return .bool(test(s, t))
    }
}

/// Byte offset of the first occurrence of `needle` in `haystack` (both UTF-8), or nil.
func utf8Find(_ needle: String, in haystack: String, from start: Int = 0) -> Int? {
    let h = Array(haystack.utf8), n = Array(needle.utf8)
    if n.isEmpty { return start }
    guard h.count >= n.count, start <= h.count - n.count else { return nil }
    var i = start
    while i <= h.count - n.count {
        if h[i] == n[0], h[i..<(i + n.count)].elementsEqual(n) { return i }
        i += 1
    }
    return nil
}

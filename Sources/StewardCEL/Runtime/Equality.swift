/// CEL's heterogeneous equality and ordering.
extension Value {
    /// `==`: numbers compare by value across int, uint and double; values of different types are
    /// unequal (never an error); NaN equals nothing.
    public static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.string(let x), .string(let y)): return sameString(x, y)
        case (.bytes(let x), .bytes(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.uint(let x), .uint(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.int, .uint), (.uint, .int), (.int, .double), (.double, .int), (.uint, .double), (.double, .uint):
            return compareNumbers(a, b) == 0
        case (.list(let x), .list(let y)):
            guard x.count == y.count else { return false }
            for i in x.indices where !equal(x[i], y[i]) { return false }
            return true
        case (.map(let x), .map(let y)):
            guard x.count == y.count else { return false }
            for (i, key) in x.keys.enumerated() {
                guard let other = try? y.lookup(key) else { return false }
                if !equal(x.values[i], other) { return false }
            }
            return true
        case (.timestamp(let x), .timestamp(let y)): return x == y
        case (.duration(let x), .duration(let y)): return x == y
        case (.type(let x), .type(let y)): return x == y
        default: return false
        }
    }

    /// Ordering for `<`, `<=`, `>`, `>=`: -1, 0 or 1; nil when the values are unordered (NaN);
    /// throws when the types have no ordering.
    public static func compare(_ a: Value, _ b: Value) throws(CELError) -> Int? {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.uint(let x), .uint(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.double(let x), .double(let y)):
            if x.isNaN || y.isNaN { return nil }
            return x < y ? -1 : (x == y ? 0 : 1)
        case (.int, .uint), (.uint, .int), (.int, .double), (.double, .int), (.uint, .double), (.double, .uint):
            return compareNumbers(a, b)
        case (.string(let x), .string(let y)):
            if sameString(x, y) { return 0 }
            return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1
        case (.bytes(let x), .bytes(let y)):
            if x == y { return 0 }
            return x.lexicographicallyPrecedes(y) ? -1 : 1
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (!x ? -1 : 1)
        case (.timestamp(let x), .timestamp(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.duration(let x), .duration(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        default:
            throw CELError(.noSuchOverload, "no such overload: \(a.type) and \(b.type) cannot be ordered")
        }
    }
}

/// Exact comparison of two numbers of different CEL types (no rounding through Double when
/// comparing int with uint, and careful bounds when comparing with a double).
private func compareNumbers(_ a: Value, _ b: Value) -> Int? {
    switch (a, b) {
    case (.int(let x), .uint(let y)): return x < 0 ? -1 : (UInt64(x) < y ? -1 : (UInt64(x) == y ? 0 : 1))
    case (.uint, .int): return compareNumbers(b, a).map { -$0 }
    // Like cel-go, an int or uint meets a double as a double (so 2^63-1 >= 2^63 as doubles).
    case (.int(let x), .double(let y)): return compareDoubles(Double(x), y)
    case (.double, .int): return compareNumbers(b, a).map { -$0 }
    case (.uint(let x), .double(let y)): return compareDoubles(Double(x), y)
    case (.double, .uint): return compareNumbers(b, a).map { -$0 }
    default: return nil
    }
}

private func compareDoubles(_ x: Double, _ y: Double) -> Int? {
    if x.isNaN || y.isNaN { return nil }
    return x < y ? -1 : (x == y ? 0 : 1)
}

extension FunctionLibrary {
    /// The cel-go math extension.
    static let math: FunctionLibrary = {
        var lib = FunctionLibrary()
        lib.register("math.greatest") { args throws(CELError) in try extreme(args, name: "math.greatest", wantGreater: true) }
        lib.register("math.least") { args throws(CELError) in try extreme(args, name: "math.least", wantGreater: false) }
        let rounding: [(String, FloatingPointRoundingRule)] = [
            ("math.ceil", .up), ("math.floor", .down), ("math.round", .toNearestOrAwayFromZero), ("math.trunc", .towardZero),
        ]
        for (name, rule) in rounding {
            lib.register(name) { args throws(CELError) in
                guard args.count == 1, case .double(let d) = args[0] else { throw noOverload(name, args) }
                return .double(d.rounded(rule))
            }
        }
        lib.register("math.abs") { args throws(CELError) in
            guard args.count == 1 else { throw noOverload("math.abs", args) }
            switch args[0] {
            case .int(let i):
                guard i != .min else { throw CELError(.overflow, "integer overflow in math.abs") }
                return .int(abs(i))
            case .uint: return args[0]
            case .double(let d): return .double(abs(d))
            default: throw noOverload("math.abs", args)
            }
        }
        lib.register("math.sign") { args throws(CELError) in
            guard args.count == 1 else { throw noOverload("math.sign", args) }
            switch args[0] {
            case .int(let i): return .int(i.signum())
            case .uint(let u): return .uint(u == 0 ? 0 : 1)
            case .double(let d): return .double(d.isNaN ? d : (d > 0 ? 1 : (d < 0 ? -1 : 0)))
            default: throw noOverload("math.sign", args)
            }
        }
        let classify: [(String, @Sendable (Double) -> Bool)] = [
            ("math.isNaN", { d in d.isNaN }), ("math.isInf", { d in d.isInfinite }), ("math.isFinite", { d in d.isFinite }),
        ]
        for (name, test) in classify {
            lib.register(name) { args throws(CELError) in
                guard args.count == 1, case .double(let d) = args[0] else { throw noOverload(name, args) }
                return .bool(test(d))
            }
        }
        let bitwise: [(String, @Sendable (Int64, Int64) -> Int64, @Sendable (UInt64, UInt64) -> UInt64)] = [
            ("math.bitAnd", { a, b in a & b }, { a, b in a & b }),
            ("math.bitOr", { a, b in a | b }, { a, b in a | b }),
            ("math.bitXor", { a, b in a ^ b }, { a, b in a ^ b }),
        ]
        for (name, ints, uints) in bitwise {
            lib.register(name) { args throws(CELError) in
                guard args.count == 2 else { throw noOverload(name, args) }
                switch (args[0], args[1]) {
                case (.int(let a), .int(let b)): return .int(ints(a, b))
                case (.uint(let a), .uint(let b)): return .uint(uints(a, b))
                default: throw noOverload(name, args)
                }
            }
        }
        lib.register("math.bitNot") { args throws(CELError) in
            switch (args.count, args.first) {
            case (1, .int(let i)): return .int(~i)
            case (1, .uint(let u)): return .uint(~u)
            default: throw noOverload("math.bitNot", args)
            }
        }
        for (name, left) in [("math.bitShiftLeft", true), ("math.bitShiftRight", false)] {
            lib.register(name) { args throws(CELError) in
                guard args.count == 2, case .int(let shift) = args[1] else { throw noOverload(name, args) }
                guard shift >= 0 else { throw CELError(.invalidArgument, "\(name)() negative offset: \(shift)") }
                // Shifts are logical (on the bits), so a right shift of a negative int fills with zeros.
                func shifted(_ bits: UInt64) -> UInt64 { shift >= 64 ? 0 : (left ? bits << shift : bits >> shift) }
                switch args[0] {
                case .int(let i): return .int(Int64(bitPattern: shifted(UInt64(bitPattern: i))))
                case .uint(let u): return .uint(shifted(u))
                default: throw noOverload(name, args)
                }
            }
        }
        return lib
    }()
}

/// math.greatest / math.least over numeric arguments or one list of them; the winner keeps its type.
private func extreme(_ args: [Value], name: String, wantGreater: Bool) throws(CELError) -> Value {
    var candidates = args
    if args.count == 1, case .list(let items) = args[0] { candidates = items }
    guard var best = candidates.first else {
        throw CELError(.invalidArgument, "\(name)() takes at least one argument")
    }
    for candidate in candidates {
        switch candidate {
        case .int, .uint, .double: break
        default: throw noOverload(name, args)
        }
        if case .double(let d) = candidate, d.isNaN { return candidate }
        if let order = try Value.compare(candidate, best), wantGreater ? order > 0 : order < 0 { best = candidate }
    }
    return best
}

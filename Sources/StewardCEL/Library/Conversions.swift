extension FunctionLibrary {
    /// int, uint, double, string, bytes, bool, dyn, type.
    static let conversions: FunctionLibrary = {
        var lib = FunctionLibrary()
        lib.register("int") { args throws(CELError) in
            guard args.count == 1 else { throw noOverload("int", args) }
            switch args[0] {
            case .int: return args[0]
            case .uint(let u):
                guard u <= UInt64(Int64.max) else { throw CELError(.overflow, "int() range error: \(u) does not fit in int") }
                return .int(Int64(u))
            case .double(let d):
                // Both ends are exclusive: 2^63 rounds to a double that int cannot hold.
                guard d.isFinite, d > -9.223372036854775808e18, d < 9.223372036854775808e18 else {
                    throw CELError(.overflow, "int() range error: \(formatDouble(d)) does not fit in int")
                }
                return .int(Int64(d.rounded(.towardZero)))
            case .string(let s):
                guard let i = Int64(s) else { throw CELError(.invalidArgument, "cannot convert '\(s)' to int") }
                return .int(i)
            case .timestamp(let t): return .int(t.seconds)
            default: throw noOverload("int", args)
            }
        }
        lib.register("uint") { args throws(CELError) in
            guard args.count == 1 else { throw noOverload("uint", args) }
            switch args[0] {
            case .uint: return args[0]
            case .int(let i):
                guard i >= 0 else { throw CELError(.overflow, "uint() range error: \(i) is negative") }
                return .uint(UInt64(i))
            case .double(let d):
                guard d.isFinite, d > -1, d < 1.8446744073709551616e19 else {
                    throw CELError(.overflow, "uint() range error: \(formatDouble(d)) does not fit in uint")
                }
                return .uint(UInt64(d.rounded(.towardZero)))
            case .string(let s):
                guard let u = UInt64(s) else { throw CELError(.invalidArgument, "cannot convert '\(s)' to uint") }
                return .uint(u)
            default: throw noOverload("uint", args)
            }
        }
        lib.register("double") { args throws(CELError) in
            guard args.count == 1 else { throw noOverload("double", args) }
            switch args[0] {
            case .double: return args[0]
            case .int(let i): return .double(Double(i))
            case .uint(let u): return .double(Double(u))
            case .string(let s):
                guard let d = parseDouble(s) else { throw CELError(.invalidArgument, "cannot convert '\(s)' to double") }
                return .double(d)
            default: throw noOverload("double", args)
            }
        }
        lib.register("string") { args throws(CELError) in
            guard args.count == 1 else { throw noOverload("string", args) }
            switch args[0] {
            case .string: return args[0]
            case .int(let i): return .string(String(i))
            case .uint(let u): return .string(String(u))
            case .double(let d): return .string(formatDouble(d))
            case .bool(let b): return .string(String(b))
            case .bytes(let b):
                guard let s = String(validating: b, as: UTF8.self) else {
                    throw CELError(.invalidArgument, "string() of bytes that are not valid UTF-8 (invalid UTF-8)")
                }
                return .string(s)
            case .timestamp(let t): return .string(t.text)
            case .duration(let d): return .string(d.text)
            case .type(let t): return .string(t.name)
            default: throw noOverload("string", args)
            }
        }
        lib.register("bytes") { args throws(CELError) in
            guard args.count == 1 else { throw noOverload("bytes", args) }
            switch args[0] {
            case .bytes: return args[0]
            case .string(let s): return .bytes(Array(s.utf8))
            default: throw noOverload("bytes", args)
            }
        }
        lib.register("bool") { args throws(CELError) in
            guard args.count == 1 else { throw noOverload("bool", args) }
            switch args[0] {
            case .bool: return args[0]
            case .string(let s):
                switch s {
                case "1", "t", "T", "true", "TRUE", "True": return .bool(true)
                case "0", "f", "F", "false", "FALSE", "False": return .bool(false)
                default: throw CELError(.invalidArgument, "Type conversion error: cannot convert '\(s)' to bool")
                }
            default: throw noOverload("bool", args)
            }
        }
        lib.register("dyn") { args throws(CELError) in
            guard args.count == 1 else { throw noOverload("dyn", args) }
            return args[0]
        }
        lib.register("type") { args throws(CELError) in
            guard args.count == 1 else { throw noOverload("type", args) }
            return .type(args[0].type)
        }
        return lib
    }()
}

/// Decimal and exponent forms plus "NaN", "Infinity" and "-Infinity", as cel-go accepts.
func parseDouble(_ s: String) -> Double? {
    switch s {
    case "NaN": return .nan
    case "Infinity", "+Infinity", "inf", "+inf", "Inf", "+Inf": return .infinity
    case "-Infinity", "-inf", "-Inf": return -.infinity
    default:
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }) else { return nil }
        return Double(s)
    }
}

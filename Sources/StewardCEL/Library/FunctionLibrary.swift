/// A function as the interpreter calls it: receiver-style calls (`s.size()`) pass the receiver
/// as the first argument. Each implementation checks its own overloads and throws
/// `noSuchOverload` for argument types it does not take.
public typealias FunctionImpl = @Sendable ([Value]) throws(CELError) -> Value

/// The functions an environment offers, by name. Namespaced functions use their full name
/// (`math.greatest`, `strings.quote`).
public struct FunctionLibrary: Sendable {
    public private(set) var functions: [String: FunctionImpl] = [:]
    /// Hot one- and two-argument functions also kept in a form that needs no argument array,
    /// which saves an allocation per call.
    private(set) var unary: [String: @Sendable (Value) throws(CELError) -> Value] = [:]
    private(set) var binary: [String: @Sendable (Value, Value) throws(CELError) -> Value] = [:]

    public init() {}

    public mutating func register(_ name: String, _ impl: @escaping FunctionImpl) {
        functions[name] = impl
        unary[name] = nil
        binary[name] = nil
    }

    mutating func register(_ name: String, unary impl: @escaping @Sendable (Value) throws(CELError) -> Value) {
        register(name) { args throws(CELError) in
            guard args.count == 1 else { throw noOverload(name, args) }
            return try impl(args[0])
        }
        unary[name] = impl
    }

    mutating func register(_ name: String, binary impl: @escaping @Sendable (Value, Value) throws(CELError) -> Value) {
        register(name) { args throws(CELError) in
            guard args.count == 2 else { throw noOverload(name, args) }
            return try impl(args[0], args[1])
        }
        binary[name] = impl
    }

    public mutating func merge(_ other: FunctionLibrary) {
        functions.merge(other.functions) { _, new in new }
        unary.merge(other.unary) { _, new in new }
        binary.merge(other.binary) { _, new in new }
    }

    /// The standard library plus the strings and math extensions.
    public static let standard: FunctionLibrary = {
        var library = FunctionLibrary()
        library.merge(.core)
        library.merge(.conversions)
        library.merge(.time)
        library.merge(.strings)
        library.merge(.math)
        return library
    }()
}

func noOverload(_ name: String, _ args: [Value]) -> CELError {
    CELError(.noSuchOverload, "no such overload: \(name)(\(args.map { $0.type.name }.joined(separator: ", ")))")
}

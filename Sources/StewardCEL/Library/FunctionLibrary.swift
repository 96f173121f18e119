/// A function as the interpreter calls it: receiver-style calls (`s.size()`) pass the receiver
/// as the first argument. Each implementation checks its own overloads and throws
/// `noSuchOverload` for argument types it does not take.
public typealias FunctionImpl = @Sendable ([Value]) throws(CELError) -> Value

/// The functions an environment offers, by name. Namespaced functions use their full name
/// (`math.greatest`, `strings.quote`).
public struct FunctionLibrary: Sendable {
    public private(set) var functions: [String: FunctionImpl] = [:]

    public init() {}

    public mutating func register(_ name: String, _ impl: @escaping FunctionImpl) {
        functions[name] = impl
    }

    public mutating func merge(_ other: FunctionLibrary) {
        functions.merge(other.functions) { _, new in new }
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

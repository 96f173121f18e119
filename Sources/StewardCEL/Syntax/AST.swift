/// The parsed expression tree. Macros (`has`, `all`, `exists`, `exists_one`, `map`, `filter`)
/// are expanded by the parser into `.has` and `.comprehension`, so later stages never see them
/// as calls.
public struct Expr: Sendable {
    public let offset: Int
    public let kind: Kind

    public indirect enum Kind: Sendable {
        case literal(Value)
        /// `name`, or `.name` when `rooted` (resolved from the root namespace only).
        case ident(String, rooted: Bool)
        case select(Expr, field: String)
        /// `has(operand.field)`.
        case has(Expr, field: String)
        /// A function or operator call; operators use names such as `_+_`, `_&&_`, `!_`, `_[_]`.
        case call(function: String, target: Expr?, args: [Expr])
        case list([Expr])
        case map([(key: Expr, value: Expr)])
        case message(type: String, fields: [(name: String, value: Expr)])
        case comprehension(Comprehension)
    }

    init(_ offset: Int, _ kind: Kind) {
        self.offset = offset
        self.kind = kind
    }
}

/// A macro over a list or a map. With one variable it binds list elements or map keys; with
/// two (`all(i, v, ...)`, `transformList`, `transformMap`) it binds index and element, or key
/// and value.
public struct Comprehension: Sendable {
    public enum Macro: String, Sendable {
        case all, exists, existsOne = "exists_one", map, filter, transformList, transformMap
    }
    public let macro: Macro
    public let range: Expr
    public let variable: String
    public let variable2: String?
    /// The predicate (all, exists, exists_one, filter) or the transform (map).
    public let body: Expr
    /// The filter of the three-argument `map(x, filter, transform)`.
    public let filter: Expr?
}

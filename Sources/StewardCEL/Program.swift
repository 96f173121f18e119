/// What expressions may use: functions, declared variables, and the evaluation cost limit.
public struct Environment: Sendable {
    public var library: FunctionLibrary
    /// Variable names an expression may use. With nil, any name is accepted and an unbound one
    /// is an evaluation error (how the cel-spec conformance tests run); with a set, unknown
    /// names and functions are compile errors.
    public var variables: Set<String>?
    /// Work units one evaluation may spend: one per comprehension element and per list element
    /// built, one per 64 bytes of string built or matched.
    public var costLimit: Int

    public init(library: FunctionLibrary = .standard, variables: Set<String>? = nil, costLimit: Int = 10_000_000) {
        self.library = library
        self.variables = variables
        self.costLimit = costLimit
    }

    /// Parses and plans `source`. Throws the first problem; `build` lists them all.
    public func compile(_ source: String) throws(CELError) -> Program {
        let (program, problems) = build(source)
        if let first = problems.first { throw first }
        return program!
    }

    /// Every problem in `source` (a syntax error stops at the first).
    public func diagnose(_ source: String) -> [CELError] {
        build(source).problems
    }

    /// The program, or nil, with every problem found while parsing and planning.
    public func build(_ source: String) -> (program: Program?, problems: [CELError]) {
        let expr: Expr
        do { expr = try Parser.parse(source) } catch { return (nil, [error]) }
        var planner = Planner(library: library, declared: variables)
        let root = planner.plan(expr)
        guard planner.problems.isEmpty else { return (nil, planner.problems) }
        return (Program(source: source, ast: expr, root: root, slots: planner.slotCount, costLimit: costLimit,
                        variables: planner.slots.map { Activation.names(for: $0) }), [])
    }
}

/// A compiled expression, evaluated any number of times, from any thread.
// The node tree is built once by the planner and never mutated afterwards; each evaluation has
// its own Frame. That is what makes sharing it across threads safe.
public final class Program: @unchecked Sendable {
    public let source: String
    public let ast: Expr
    private let root: Node
    private let slots: Int
    private let costLimit: Int
    /// The declared variables in slot order; nil when the environment declares none.
    private let variables: [String]?

    init(source: String, ast: Expr, root: Node, slots: Int, costLimit: Int, variables: [String]?) {
        self.variables = variables
        self.source = source
        self.ast = ast
        self.root = root
        self.slots = slots
        self.costLimit = costLimit
    }

    public func evaluate(_ variables: [String: Value] = [:]) throws(CELError) -> Value {
        let frame: Frame
        if let declared = self.variables {
            frame = Frame(bound: declared.map { variables[$0] }, localCount: slots, budget: costLimit)
        } else {
            frame = Frame(variables: variables, localCount: slots, budget: costLimit)
        }
        return try root.evalLocated(frame)
    }

    /// Evaluates with variables bound by slot: for many evaluations over the same variables
    /// (a policy's match, rules and evidence), without a hash lookup per reference.
    /// The activation must come from this program's environment.
    public func evaluate(_ activation: Activation) throws(CELError) -> Value {
        try root.evalLocated(Frame(bound: activation.values, localCount: slots, budget: costLimit))
    }
}

/// Values of an environment's declared variables, by slot (names in sorted order).
public struct Activation: Sendable {
    private let slots: [String: Int]
    public private(set) var values: [Value?]

    public init(_ environment: Environment) {
        slots = Activation.slots(for: environment.variables ?? [])
        values = Array(repeating: nil, count: slots.count)
    }

    /// Binds a declared variable; binding an undeclared name does nothing.
    public subscript(name: String) -> Value? {
        get { slots[name].flatMap { values[$0] } }
        set { if let slot = slots[name] { values[slot] = newValue } }
    }

    /// The slot of a declared variable, so hot loops bind it without hashing its name each time.
    public func slot(_ name: String) -> Int? { slots[name] }

    public subscript(slot slot: Int) -> Value? {
        get { values[slot] }
        set { values[slot] = newValue }
    }

    static func names(for slots: [String: Int]) -> [String] {
        slots.sorted { $0.value < $1.value }.map(\.key)
    }

    static func slots(for declared: Set<String>) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: declared.sorted().enumerated().map { ($1, $0) })
    }
}

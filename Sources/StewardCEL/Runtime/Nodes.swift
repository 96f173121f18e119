// The node kinds the planner builds. Errors propagate by throwing; only the logical operators,
// the conditional and the all/exists macros catch them, which is how CEL makes `&&` and `||`
// commutative over errors.

final class LiteralNode: Node {
    let value: Value
    init(_ value: Value, offset: Int) { self.value = value; super.init(offset: offset) }
    override func eval(_ frame: Frame) throws(CELError) -> Value { value }
}

final class LocalNode: Node {
    let slot: Int
    init(slot: Int, offset: Int) { self.slot = slot; super.init(offset: offset) }
    override func eval(_ frame: Frame) throws(CELError) -> Value { frame.locals[slot] }
}

/// A variable, possibly written with dots (`a.b.c`): the longest declared name wins, and the
/// rest of the path is field selection, as cel-spec's name resolution says.
final class VariableNode: Node {
    /// Candidate (name, its slot when declared, remaining fields), longest name first.
    let candidates: [(name: String, slot: Int?, path: [String])]
    let typeDenotation: CELType?
    let displayName: String

    init(candidates: [(String, Int?, [String])], typeDenotation: CELType?, displayName: String, offset: Int) {
        self.candidates = candidates.map { (name: $0.0, slot: $0.1, path: $0.2) }
        self.typeDenotation = typeDenotation
        self.displayName = displayName
        super.init(offset: offset)
    }

    override func eval(_ frame: Frame) throws(CELError) -> Value {
        for candidate in candidates {
            if var value = frame.value(candidate.name, slot: candidate.slot) {
                for field in candidate.path { value = try select(value, field) }
                return value
            }
        }
        if let typeDenotation { return .type(typeDenotation) }
        throw CELError(.undeclared, "undeclared reference to '\(displayName)' (in container '')")
    }
}

func select(_ value: Value, _ field: String) throws(CELError) -> Value {
    guard case .map(let map) = value else {
        throw CELError(.noSuchField, "no such field '\(field)' on a value of type \(value.type)")
    }
    guard let found = map[field] else { throw CELError(.noSuchKey, "no such key: '\(field)'") }
    return found
}

final class SelectNode: Node {
    let operand: Node
    let field: String
    init(_ operand: Node, field: String, offset: Int) { self.operand = operand; self.field = field; super.init(offset: offset) }
    override func eval(_ frame: Frame) throws(CELError) -> Value {
        let value = try operand.eval(frame)
        do { return try select(value, field) } catch { throw error.at(offset) }
    }
}

final class HasNode: Node {
    let operand: Node
    let field: String
    init(_ operand: Node, field: String, offset: Int) { self.operand = operand; self.field = field; super.init(offset: offset) }
    override func eval(_ frame: Frame) throws(CELError) -> Value {
        let value = try operand.eval(frame)
        guard case .map(let map) = value else {
            throw CELError(.noSuchField, "has() needs a map or message, not \(value.type)", offset: offset)
        }
        return .bool(map[field] != nil)
    }
}

final class IndexNode: Node {
    let operand: Node, index: Node
    init(_ operand: Node, _ index: Node, offset: Int) { self.operand = operand; self.index = index; super.init(offset: offset) }
    override func eval(_ frame: Frame) throws(CELError) -> Value {
        let container = try operand.eval(frame)
        let key = try index.eval(frame)
        do { return try subscriptValue(container, key) } catch { throw error.at(offset) }
    }
}

func subscriptValue(_ container: Value, _ key: Value) throws(CELError) -> Value {
    switch container {
    case .list(let items):
        let i: Int64
        switch key {
        case .int(let v): i = v
        case .uint(let v): i = v > UInt64(Int64.max) ? -1 : Int64(v)
        case .double(let d) where d.rounded(.towardZero) == d && abs(d) < 9e18: i = Int64(d)
        default: throw CELError(.noSuchOverload, "no such overload: list index of type \(key.type)")
        }
        guard i >= 0, i < items.count else { throw CELError(.indexOutOfRange, "index out of range: \(i) (list size \(items.count))") }
        return items[Int(i)]
    case .map(let map):
        guard let found = try map.lookup(key) else { throw CELError(.noSuchKey, "no such key: \(key.debugText)") }
        return found
    default:
        throw CELError(.noSuchOverload, "no such overload: cannot index a value of type \(container.type)")
    }
}

final class ListNode: Node {
    let items: [Node]
    init(_ items: [Node], offset: Int) { self.items = items; super.init(offset: offset) }
    override func eval(_ frame: Frame) throws(CELError) -> Value {
        var out: [Value] = []
        out.reserveCapacity(items.count)
        for item in items { out.append(try item.eval(frame)) }
        return .list(out)
    }
}

final class MapNode: Node {
    let entries: [(Node, Node)]
    init(_ entries: [(Node, Node)], offset: Int) { self.entries = entries; super.init(offset: offset) }
    override func eval(_ frame: Frame) throws(CELError) -> Value {
        var map = MapValue()
        for (k, v) in entries {
            let key = try k.eval(frame)
            do { try map.insert(key, try v.eval(frame)) } catch { throw error.at(k.offset) }
        }
        return .map(map)
    }
}

/// A call to a library function with its arguments evaluated first (strict).
final class CallNode: Node {
    let name: String
    let impl: FunctionImpl?
    let args: [Node]
    init(name: String, impl: FunctionImpl?, args: [Node], offset: Int) {
        self.name = name; self.impl = impl; self.args = args
        super.init(offset: offset)
    }
    override func eval(_ frame: Frame) throws(CELError) -> Value {
        var values: [Value] = []
        values.reserveCapacity(args.count)
        for arg in args { values.append(try arg.eval(frame)) }
        guard let impl else { throw CELError(.undeclared, "unbound function '\(name)'", offset: offset) }
        do { return try impl(values) } catch { throw error.at(offset) }
    }
}

/// Calls of one- and two-argument functions that need no argument array.
final class UnaryCallNode: Node {
    let impl: @Sendable (Value) throws(CELError) -> Value
    let arg: Node
    init(impl: @escaping @Sendable (Value) throws(CELError) -> Value, arg: Node, offset: Int) {
        self.impl = impl; self.arg = arg
        super.init(offset: offset)
    }
    override func eval(_ frame: Frame) throws(CELError) -> Value {
        let value = try arg.eval(frame)
        do { return try impl(value) } catch { throw error.at(offset) }
    }
}

final class BinaryCallNode: Node {
    let impl: @Sendable (Value, Value) throws(CELError) -> Value
    let first: Node, second: Node
    init(impl: @escaping @Sendable (Value, Value) throws(CELError) -> Value, first: Node, second: Node, offset: Int) {
        self.impl = impl; self.first = first; self.second = second
        super.init(offset: offset)
    }
    override func eval(_ frame: Frame) throws(CELError) -> Value {
        let a = try first.eval(frame)
        let b = try second.eval(frame)
        do { return try impl(a, b) } catch { throw error.at(offset) }
    }
}

/// `s.matches('literal pattern')`: the pattern is compiled once, at plan time.
final class MatchesNode: Node {
    let subject: Node
    let regex: RegularExpression
    init(_ subject: Node, regex: RegularExpression, offset: Int) { self.subject = subject; self.regex = regex; super.init(offset: offset) }
    override func eval(_ frame: Frame) throws(CELError) -> Value {
        guard case .string(let s) = try subject.eval(frame) else {
            throw CELError(.noSuchOverload, "no such overload: matches() takes a string", offset: offset)
        }
        try frame.charge(s.utf8.count / 64)
        return .bool(regex.matches(s))
    }
}

// MARK: logic

/// `a && b && ...` (decisive value false) or `a || b || ...` (decisive value true): the first
/// decisive operand wins even over an error in another; otherwise the first error is thrown.
final class LogicalNode: Node {
    let operands: [Node]
    let decisive: Bool
    init(_ operands: [Node], decisive: Bool, offset: Int) {
        self.operands = operands; self.decisive = decisive
        super.init(offset: offset)
    }
    override func eval(_ frame: Frame) throws(CELError) -> Value {
        var firstError: CELError?
        for operand in operands {
            do throws(CELError) {
                guard case .bool(let b) = try operand.eval(frame) else {
                    throw CELError(.noSuchOverload, "no such overload: '\(decisive ? "||" : "&&")' needs bool operands", offset: operand.offset)
                }
                if b == decisive { return .bool(decisive) }
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
        return .bool(!decisive)
    }
}

final class NotNode: Node {
    let operand: Node
    init(_ operand: Node, offset: Int) { self.operand = operand; super.init(offset: offset) }
    override func eval(_ frame: Frame) throws(CELError) -> Value {
        guard case .bool(let b) = try operand.eval(frame) else {
            throw CELError(.noSuchOverload, "no such overload: '!' needs a bool", offset: offset)
        }
        return .bool(!b)
    }
}

final class ConditionalNode: Node {
    let condition: Node, whenTrue: Node, whenFalse: Node
    init(_ c: Node, _ t: Node, _ f: Node, offset: Int) { condition = c; whenTrue = t; whenFalse = f; super.init(offset: offset) }
    override func eval(_ frame: Frame) throws(CELError) -> Value {
        switch try condition.eval(frame) {
        case .bool(true): return try whenTrue.eval(frame)
        case .bool(false): return try whenFalse.eval(frame)
        default: throw CELError(.noSuchOverload, "no such overload: the condition of '?:' must be a bool", offset: condition.offset)
        }
    }
}

import Foundation

/// The binary operators, each a switch on the operand types with checked integer arithmetic.
final class BinaryNode: Node {
    enum Op: String { case eq = "_==_", ne = "_!=_", lt = "_<_", le = "_<=_", gt = "_>_", ge = "_>=_"
        case add = "_+_", sub = "_-_", mul = "_*_", div = "_/_", mod = "_%_", member = "@in" }
    let op: Op
    let left: Node, right: Node

    init(_ op: Op, _ left: Node, _ right: Node, offset: Int) {
        self.op = op; self.left = left; self.right = right
        super.init(offset: offset)
    }

    override func eval(_ frame: Frame) throws(CELError) -> Value {
        let a = try left.eval(frame)
        let b = try right.eval(frame)
        do { return try apply(op, a, b, frame) } catch { throw error.at(offset) }
    }
}

func apply(_ op: BinaryNode.Op, _ a: Value, _ b: Value, _ frame: Frame) throws(CELError) -> Value {
    switch op {
    case .eq: return .bool(Value.equal(a, b))
    case .ne: return .bool(!Value.equal(a, b))
    case .lt: return .bool((try Value.compare(a, b)).map { $0 < 0 } ?? false)
    case .le: return .bool((try Value.compare(a, b)).map { $0 <= 0 } ?? false)
    case .gt: return .bool((try Value.compare(a, b)).map { $0 > 0 } ?? false)
    case .ge: return .bool((try Value.compare(a, b)).map { $0 >= 0 } ?? false)
    case .add: return try add(a, b, frame)
    case .sub: return try subtract(a, b)
    case .mul: return try multiply(a, b)
    case .div: return try divide(a, b)
    case .mod: return try remainder(a, b)
    case .member: return .bool(try member(a, of: b))
    }
}

private func overload(_ symbol: String, _ a: Value, _ b: Value) -> CELError {
    CELError(.noSuchOverload, "no such overload: \(a.type) \(symbol) \(b.type)")
}

/// The result of a `...ReportingOverflow` operation, or CEL's overflow error.
@inline(__always)
private func checked<T>(_ result: (partialValue: T, overflow: Bool)) throws(CELError) -> T {
    if result.overflow { throw CELError(.overflow, "integer overflow") }
    return result.partialValue
}

private func add(_ a: Value, _ b: Value, _ frame: Frame) throws(CELError) -> Value {
    switch (a, b) {
    case (.int(let x), .int(let y)):
        return .int(try checked(x.addingReportingOverflow(y)))
    case (.uint(let x), .uint(let y)):
        return .uint(try checked(x.addingReportingOverflow(y)))
    case (.double(let x), .double(let y)): return .double(x + y)
    case (.string(let x), .string(let y)):
        try frame.charge((x.utf8.count + y.utf8.count) / 64)
        return .string(x + y)
    case (.bytes(let x), .bytes(let y)):
        try frame.charge((x.count + y.count) / 64)
        return .bytes(x + y)
    case (.list(let x), .list(let y)):
        try frame.charge(x.count + y.count)
        return .list(x + y)
    case (.timestamp(let t), .duration(let d)), (.duration(let d), .timestamp(let t)): return .timestamp(try t.adding(d))
    case (.duration(let x), .duration(let y)): return .duration(try x + y)
    default: throw overload("+", a, b)
    }
}

private func subtract(_ a: Value, _ b: Value) throws(CELError) -> Value {
    switch (a, b) {
    case (.int(let x), .int(let y)):
        return .int(try checked(x.subtractingReportingOverflow(y)))
    case (.uint(let x), .uint(let y)):
        return .uint(try checked(x.subtractingReportingOverflow(y)))
    case (.double(let x), .double(let y)): return .double(x - y)
    case (.timestamp(let x), .timestamp(let y)): return .duration(try x.difference(y))
    case (.timestamp(let t), .duration(let d)): return .timestamp(try t.adding(try d.negated()))
    case (.duration(let x), .duration(let y)): return .duration(try x + (try y.negated()))
    default: throw overload("-", a, b)
    }
}

private func multiply(_ a: Value, _ b: Value) throws(CELError) -> Value {
    switch (a, b) {
    case (.int(let x), .int(let y)):
        return .int(try checked(x.multipliedReportingOverflow(by: y)))
    case (.uint(let x), .uint(let y)):
        return .uint(try checked(x.multipliedReportingOverflow(by: y)))
    case (.double(let x), .double(let y)): return .double(x * y)
    default: throw overload("*", a, b)
    }
}

private func divide(_ a: Value, _ b: Value) throws(CELError) -> Value {
    switch (a, b) {
    case (.int(let x), .int(let y)):
        if y == 0 { throw CELError(.divideByZero, "division by zero") }
        return .int(try checked(x.dividedReportingOverflow(by: y)))
    case (.uint(let x), .uint(let y)):
        if y == 0 { throw CELError(.divideByZero, "division by zero") }
        return .uint(x / y)
    case (.double(let x), .double(let y)): return .double(x / y)
    default: throw overload("/", a, b)
    }
}

private func remainder(_ a: Value, _ b: Value) throws(CELError) -> Value {
    switch (a, b) {
    case (.int(let x), .int(let y)):
        if y == 0 { throw CELError(.divideByZero, "modulus by zero") }
        return .int(try checked(x.remainderReportingOverflow(dividingBy: y)))
    case (.uint(let x), .uint(let y)):
        if y == 0 { throw CELError(.divideByZero, "modulus by zero") }
        return .uint(x % y)
    default: throw overload("%", a, b)
    }
}

private func member(_ a: Value, of b: Value) throws(CELError) -> Bool {
    switch b {
    case .list(let items):
        if case .string(var needle) = a {
            // The common policy case (a name in a list of names): the needle's bytes are fetched
            // once, a string never equals a value of another type, and lengths (O(1) for native
            // strings) rule out most items before any bytes are compared.
            return needle.withUTF8 { n in
                for item in items {
                    guard case .string(var s) = item, s.utf8.count == n.count else { continue }
                    if n.count == 0 || s.withUTF8({ memcmp($0.baseAddress!, n.baseAddress!, n.count) == 0 }) { return true }
                }
                return false
            }
        }
        for item in items where Value.equal(a, item) { return true }
        return false
    case .map(let map):
        // A key of a type no map can hold is simply absent.
        return (try? map.lookup(a)) != nil
    default:
        throw overload("in", a, b)
    }
}

final class NegateNode: Node {
    let operand: Node
    init(_ operand: Node, offset: Int) { self.operand = operand; super.init(offset: offset) }
    override func eval(_ frame: Frame) throws(CELError) -> Value {
        switch try operand.eval(frame) {
        case .int(let i):
            if i == .min { throw CELError(.overflow, "integer overflow", offset: offset) }
            return .int(-i)
        case .double(let d): return .double(-d)
        case .duration(let d): return .duration(try d.negated())
        case let other: throw CELError(.noSuchOverload, "no such overload: -\(other.type)", offset: offset)
        }
    }
}

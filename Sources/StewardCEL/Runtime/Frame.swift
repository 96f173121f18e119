/// The per-evaluation state: the caller's variables, comprehension variables by slot, and the
/// remaining cost budget. One frame per `Program.evaluate` call, so programs are shareable.
final class Frame {
    /// Variables by name (environments without declarations) or by slot (declared ones).
    let variables: [String: Value]
    let bound: [Value?]
    /// Comprehension variables. A raw buffer, not an Array property, because writing an array
    /// stored in a class pays a dynamic exclusivity check on every element of every loop.
    let locals: UnsafeMutablePointer<Value>
    private let localCount: Int
    var budget: Int

    init(variables: [String: Value] = [:], bound: [Value?] = [], localCount: Int, budget: Int) {
        self.variables = variables
        self.bound = bound
        self.localCount = localCount
        self.budget = budget
        if localCount == 0 {
            // Nothing writes slots in an expression without comprehensions; skip the allocation.
            locals = Frame.noLocals
        } else {
            locals = .allocate(capacity: localCount)
            locals.initialize(repeating: .null, count: localCount)
        }
    }

    deinit {
        guard localCount > 0 else { return }
        locals.deinitialize(count: localCount)
        locals.deallocate()
    }

    private nonisolated(unsafe) static let noLocals: UnsafeMutablePointer<Value> = {
        let p = UnsafeMutablePointer<Value>.allocate(capacity: 1)
        p.initialize(to: .null)
        return p
    }()

    @inline(__always)
    func value(_ name: String, slot: Int?) -> Value? {
        if let slot { return bound[slot] }
        return variables[name]
    }

    /// Charges `units` of work; comprehensions charge per element, builders per element built.
    @inline(__always)
    func charge(_ units: Int) throws(CELError) {
        budget -= units
        if budget < 0 {
            throw CELError(.costExceeded, "evaluation exceeded its cost limit; simplify the expression or the data it iterates")
        }
    }
}

/// A compiled expression node. Subclasses override `eval`.
class Node {
    let offset: Int
    init(offset: Int) { self.offset = offset }
    func eval(_ frame: Frame) throws(CELError) -> Value { fatalError("abstract") }

    /// Evaluates and attaches this node's source offset to an error that has none yet.
    @inline(__always)
    final func evalLocated(_ frame: Frame) throws(CELError) -> Value {
        do { return try eval(frame) } catch { throw error.at(offset) }
    }
}

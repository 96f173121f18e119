/// The macros: a loop over a list or a map with its variables in frame slots. With one
/// variable it is bound to list elements or map keys; with two, to index and element or to key
/// and value.
final class ComprehensionNode: Node {
    let macro: Comprehension.Macro
    let range: Node
    let slot: Int
    let twoVariables: Bool
    let body: Node
    let filter: Node?

    init(_ macro: Comprehension.Macro, range: Node, slot: Int, twoVariables: Bool, body: Node, filter: Node?, offset: Int) {
        self.macro = macro; self.range = range; self.slot = slot; self.twoVariables = twoVariables
        self.body = body; self.filter = filter
        super.init(offset: offset)
    }

    override func eval(_ frame: Frame) throws(CELError) -> Value {
        let firsts: [Value], seconds: [Value]
        switch try range.eval(frame) {
        case .list(let items):
            firsts = twoVariables ? items.indices.map { .int(Int64($0)) } : items
            seconds = items
        case .map(let map):
            firsts = map.keys
            seconds = map.values
        case let other:
            throw CELError(.noSuchOverload, "no such overload: \(macro.rawValue)() needs a list or map, not \(other.type)", offset: offset)
        }
        try frame.charge(firsts.count)
        let saved = (frame.locals[slot], twoVariables ? frame.locals[slot + 1] : .null)
        defer {
            frame.locals[slot] = saved.0
            if twoVariables { frame.locals[slot + 1] = saved.1 }
        }
        func bind(_ i: Int) {
            frame.locals[slot] = firsts[i]
            if twoVariables { frame.locals[slot + 1] = seconds[i] }
        }
        func test(_ node: Node) throws(CELError) -> Bool {
            guard case .bool(let b) = try node.eval(frame) else {
                throw CELError(.noSuchOverload, "no such overload: the condition of \(macro.rawValue)() must be a bool", offset: node.offset)
            }
            return b
        }
        switch macro {
        case .all, .exists:
            // Like a chain of && (all) or || (exists): a decisive result wins over errors.
            let decisive = macro == .exists
            var firstError: CELError?
            for i in firsts.indices {
                bind(i)
                do throws(CELError) {
                    if try test(body) == decisive { return .bool(decisive) }
                } catch {
                    if firstError == nil { firstError = error }
                }
            }
            if let firstError { throw firstError }
            return .bool(!decisive)
        case .existsOne:
            var count = 0
            for i in firsts.indices {
                bind(i)
                if try test(body) { count += 1 }
            }
            return .bool(count == 1)
        case .filter:
            var out: [Value] = []
            out.reserveCapacity(firsts.count)
            for i in firsts.indices {
                bind(i)
                if try test(body) { out.append(firsts[i]) }
            }
            return .list(out)
        case .map, .transformList:
            var out: [Value] = []
            out.reserveCapacity(firsts.count)
            for i in firsts.indices {
                bind(i)
                if let filter, !(try test(filter)) { continue }
                out.append(try body.eval(frame))
            }
            return .list(out)
        case .transformMap:
            var out = MapValue()
            for i in firsts.indices {
                bind(i)
                if let filter, !(try test(filter)) { continue }
                try out.insert(firsts[i], try body.eval(frame))
            }
            return .map(out)
        }
    }
}

/// A compiled RE2-style regular expression, matched by a Pike VM (Thompson NFA simulation):
/// time is linear in the input for every pattern, so `matches` cannot be made to hang.
public struct RegularExpression: Sendable {
    private enum Instruction: Sendable {
        case scalar(ScalarSet)
        case split(Int, Int)
        case jump(Int)
        case assert(RegexAssertion)
        case match
    }

    private let program: [Instruction]
    /// When the pattern is plain text, a substring search is all `matches` needs.
    private let literal: String?
    static let maxProgramSize = 10_000

    public init(_ pattern: String) throws(CELError) {
        var parser = RegexParser(pattern)
        let tree = try parser.parse()
        var program: [Instruction] = []
        try Self.emit(tree, into: &program)
        program.append(.match)
        self.program = program
        let meta = "\\.+*?()|[]{}^$"
        literal = pattern.unicodeScalars.contains(where: { meta.unicodeScalars.contains($0) }) ? nil : pattern
    }

    private static func emit(_ node: RegexNode, into p: inout [Instruction]) throws(CELError) {
        guard p.count < maxProgramSize else {
            throw CELError(.invalidArgument, "invalid regular expression: pattern too large")
        }
        switch node {
        case .empty: break
        case .scalars(let set): p.append(.scalar(set))
        case .assertion(let a): p.append(.assert(a))
        case .concat(let items): for item in items { try emit(item, into: &p) }
        case .alternate(let branches):
            var jumps: [Int] = []
            for (index, branch) in branches.enumerated() {
                if index < branches.count - 1 {
                    let split = p.count
                    p.append(.split(split + 1, 0))
                    try emit(branch, into: &p)
                    jumps.append(p.count)
                    p.append(.jump(0))
                    p[split] = .split(split + 1, p.count)
                } else {
                    try emit(branch, into: &p)
                }
            }
            for j in jumps { p[j] = .jump(p.count) }
        case .repeatNode(let inner, let min, let max):
            for _ in 0..<min { try emit(inner, into: &p) }
            if let max {
                // Optional copies: each may be skipped to the end.
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(p.count)
                    p.append(.split(p.count + 1, 0))
                    try emit(inner, into: &p)
                }
                for s in splits { p[s] = .split(s + 1, p.count) }
            } else {
                let loop = p.count
                p.append(.split(loop + 1, 0))
                try emit(inner, into: &p)
                p.append(.jump(loop))
                p[loop] = .split(loop + 1, p.count)
            }
        }
    }

    /// True if the pattern matches anywhere in `text` (RE2's partial match, as CEL's `matches`).
    public func matches(_ text: String) -> Bool {
        if let literal { return literal.isEmpty || utf8Find(literal, in: text) != nil }
        let n = program.count
        var current = ThreadList(capacity: n), next = ThreadList(capacity: n)
        var previous: UInt32? = nil
        var iterator = text.unicodeScalars.makeIterator()
        var scalar = iterator.next()
        while true {
            // Unanchored search: a new thread starts at every position.
            add(0, to: &current, previous: previous, current: scalar?.value)
            if current.contains(match: program) { return true }
            guard let c = scalar else { return false }
            for pc in current.items {
                if case .scalar(let set) = program[pc], set.contains(c.value) {
                    add(pc + 1, to: &next, previous: c.value, current: nil, deferAssertions: true)
                }
            }
            previous = c.value
            scalar = iterator.next()
            // Assertions need the scalar after the position, so resolve them now.
            current.clear()
            for pc in next.items { add(pc, to: &current, previous: previous, current: scalar?.value) }
            next.clear()
            if current.contains(match: program) { return true }
        }
    }

    private func add(_ pc: Int, to list: inout ThreadList, previous: UInt32?, current: UInt32?, deferAssertions: Bool = false) {
        if deferAssertions {
            list.insert(pc)
            return
        }
        var stack = [pc]
        while let pc = stack.popLast() {
            guard list.insert(pc) else { continue }
            switch program[pc] {
            case .jump(let target): stack.append(target)
            case .split(let a, let b): stack.append(b); stack.append(a)
            case .assert(let a) where Self.holds(a, previous: previous, current: current): stack.append(pc + 1)
            default: break
            }
        }
    }

    private static func holds(_ a: RegexAssertion, previous: UInt32?, current: UInt32?) -> Bool {
        func isWord(_ c: UInt32?) -> Bool { c.map { ScalarSet.word.contains($0) } ?? false }
        switch a {
        case .textStart: return previous == nil
        case .textEnd: return current == nil
        case .lineStart: return previous == nil || previous == 10
        case .lineEnd: return current == nil || current == 10
        case .wordBoundary: return isWord(previous) != isWord(current)
        case .notWordBoundary: return isWord(previous) == isWord(current)
        }
    }

    /// A sparse set of program counters: O(1) insert and clear, insertion order kept.
    private struct ThreadList {
        var items: [Int] = []
        var seen: [Bool]

        init(capacity: Int) {
            seen = Array(repeating: false, count: capacity)
            items.reserveCapacity(capacity)
        }

        @discardableResult
        mutating func insert(_ pc: Int) -> Bool {
            if seen[pc] { return false }
            seen[pc] = true
            items.append(pc)
            return true
        }

        mutating func clear() {
            for pc in items { seen[pc] = false }
            items.removeAll(keepingCapacity: true)
        }

        func contains(match program: [Instruction]) -> Bool {
            items.contains { if case .match = program[$0] { true } else { false } }
        }
    }
}

/// Turns a parsed expression into nodes: resolves names (comprehension variables to slots,
/// dotted names to variable candidates), picks a node per operator, and compiles constant
/// regular expressions once.
struct Planner {
    let library: FunctionLibrary
    /// Declared variables; when set, a name outside it is a compile error instead of an
    /// evaluation error.
    let declared: Set<String>?
    /// Declared variables' positions in an `Activation` (sorted names), so a reference is an index, not a hash lookup.
    let slots: [String: Int]?
    private var scopes: [(name: String, slot: Int)] = []
    private(set) var slotCount = 0
    private(set) var problems: [CELError] = []

    init(library: FunctionLibrary, declared: Set<String>?) {
        self.library = library
        self.declared = declared
        self.slots = declared.map { Activation.slots(for: $0) }
    }

    mutating func plan(_ expr: Expr) -> Node {
        switch expr.kind {
        case .literal(let value):
            return LiteralNode(value, offset: expr.offset)
        case .ident(let name, let rooted):
            if !rooted, let slot = local(name) { return LocalNode(slot: slot, offset: expr.offset) }
            return variable(name, path: [], offset: expr.offset)
        case .select(let operand, let field):
            if let (root, path) = qualifiedName(operand), local(root) == nil {
                return variable(root, path: path + [field], offset: expr.offset)
            }
            return SelectNode(plan(operand), field: field, offset: expr.offset)
        case .has(let operand, let field):
            return HasNode(plan(operand), field: field, offset: expr.offset)
        case .list(let items):
            let nodes = items.map { plan($0) }
            // A list of literals is itself a literal: build it once, not per evaluation.
            if let constants = Self.constants(nodes) { return LiteralNode(.list(constants), offset: expr.offset) }
            return ListNode(nodes, offset: expr.offset)
        case .map(let entries):
            let keys = entries.map { plan($0.key) }, values = entries.map { plan($0.value) }
            if let k = Self.constants(keys), let v = Self.constants(values) {
                var map = MapValue()
                do {
                    for (key, value) in zip(k, v) { try map.insert(key, value) }
                    return LiteralNode(.map(map), offset: expr.offset)
                } catch {
                    // A bad constant map (repeated key) still fails at evaluation, as CEL says.
                }
            }
            return MapNode(Array(zip(keys, values)), offset: expr.offset)
        case .message(let type, _):
            problems.append(CELError(.unsupported, "message construction '\(type){...}' needs protobuf types, which Steward does not use", offset: expr.offset))
            return LiteralNode(.null, offset: expr.offset)
        case .comprehension(let c):
            let range = plan(c.range)
            let slot = slotCount
            scopes.append((c.variable, slot))
            if let second = c.variable2 { scopes.append((second, slot + 1)) }
            slotCount += c.variable2 == nil ? 1 : 2
            let body = plan(c.body)
            let filter = c.filter.map { plan($0) }
            scopes.removeLast(c.variable2 == nil ? 1 : 2)
            return ComprehensionNode(c.macro, range: range, slot: slot, twoVariables: c.variable2 != nil,
                                     body: body, filter: filter, offset: expr.offset)
        case .call(let function, let target, let args):
            return call(function, target: target, args: args, offset: expr.offset)
        }
    }

    private static func constants(_ nodes: [Node]) -> [Value]? {
        var values: [Value] = []
        for node in nodes {
            guard let literal = node as? LiteralNode else { return nil }
            values.append(literal.value)
        }
        return values
    }

    private func local(_ name: String) -> Int? {
        scopes.last { $0.name == name }?.slot
    }

    /// `a.b.c` as ("a", ["b", "c"]) when the chain is only identifiers and selections.
    private func qualifiedName(_ expr: Expr) -> (String, [String])? {
        switch expr.kind {
        case .ident(let name, let rooted): return (rooted ? "." + name : name, [])
        case .select(let operand, let field):
            guard let (root, path) = qualifiedName(operand) else { return nil }
            return (root, path + [field])
        default: return nil
        }
    }

    private mutating func variable(_ root: String, path: [String], offset: Int) -> Node {
        let bare = root.hasPrefix(".") ? String(root.dropFirst()) : root
        var candidates: [(String, [String])] = []
        let parts = [bare] + path
        for length in stride(from: parts.count, through: 1, by: -1) {
            candidates.append((parts[..<length].joined(separator: "."), Array(parts[length...])))
        }
        if let declared {
            candidates = candidates.filter { declared.contains($0.0) }
            if candidates.isEmpty, CELType.builtins[bare] == nil || !path.isEmpty {
                problems.append(CELError(.undeclared, "undeclared reference to '\(bare)'", offset: offset))
            }
        }
        let denotation = path.isEmpty ? CELType.builtins[bare] : nil
        return VariableNode(candidates: candidates.map { ($0.0, slots?[$0.0], $0.1) }, typeDenotation: denotation,
                            displayName: parts.joined(separator: "."), offset: offset)
    }

    private mutating func call(_ function: String, target: Expr?, args: [Expr], offset: Int) -> Node {
        let unary: [String: (Node) -> Node] = [
            "!_": { NotNode($0, offset: offset) },
            "-_": { NegateNode($0, offset: offset) },
        ]
        if target == nil, args.count == 1, let make = unary[function] { return make(plan(args[0])) }
        if target == nil {
            switch function {
            case "_&&_": return LogicalNode(args.map { plan($0) }, decisive: false, offset: offset)
            case "_||_": return LogicalNode(args.map { plan($0) }, decisive: true, offset: offset)
            case "_?_:_": return ConditionalNode(plan(args[0]), plan(args[1]), plan(args[2]), offset: offset)
            case "_[_]": return IndexNode(plan(args[0]), plan(args[1]), offset: offset)
            default: break
            }
            if args.count == 2, let op = BinaryNode.Op(rawValue: function) {
                return BinaryNode(op, plan(args[0]), plan(args[1]), offset: offset)
            }
        }
        // A namespaced function (`math.greatest(...)`) is written like a method call on an
        // identifier; it is one if the dotted name is a function and not a variable in scope.
        if let target, let (root, path) = qualifiedName(target), local(root) == nil {
            let name = ([root] + path + [function]).joined(separator: ".")
            if let impl = library.functions[name] {
                return CallNode(name: name, impl: impl, args: args.map { plan($0) }, offset: offset)
            }
        }
        let receiver = target.map { plan($0) }
        let argNodes = args.map { plan($0) }
        let name = function.hasPrefix(".") ? String(function.dropFirst()) : function
        if name == "matches", let receiver, args.count == 1, case .literal(.string(let pattern)) = args[0].kind {
            do {
                return MatchesNode(receiver, regex: try RegularExpression(pattern), offset: offset)
            } catch {
                problems.append(error.at(args[0].offset))
            }
        }
        let all = (receiver.map { [$0] } ?? []) + argNodes
        if all.count == 1, let impl = library.unary[name] { return UnaryCallNode(impl: impl, arg: all[0], offset: offset) }
        if all.count == 2, let impl = library.binary[name] {
            return BinaryCallNode(impl: impl, first: all[0], second: all[1], offset: offset)
        }
        let impl = library.functions[name]
        if impl == nil, declared != nil {
            problems.append(CELError(.undeclared, "unknown function '\(name)'", offset: offset))
        }
        return CallNode(name: name, impl: impl, args: all, offset: offset)
    }
}

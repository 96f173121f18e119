/// Recursive-descent parser for the CEL grammar. Long `&&`/`||` chains and operator sequences are
/// parsed by loops, and nesting is bounded (`maxDepth`) so no input can exhaust the stack.
public struct Parser {
    public static let maxDepth = 250
    public static let maxSourceBytes = 100_000

    private static let reserved: Set<String> = [
        "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop",
        "package", "namespace", "return", "var", "void", "while", "in",
    ]

    private var tokens: [Token] = []
    private var position = 0
    private var depth = 0

    public static func parse(_ source: String) throws(CELError) -> Expr {
        guard source.utf8.count <= maxSourceBytes else {
            throw CELError(.syntax, "expression is longer than \(maxSourceBytes) bytes", offset: 0)
        }
        var lexer = Lexer(source)
        var parser = Parser()
        parser.tokens = try lexer.tokenize()
        let expr = try parser.expression()
        if case .end = parser.current.kind { return expr }
        throw CELError(.syntax, "unexpected \(parser.describe(parser.current)) after the expression", offset: parser.current.offset)
    }

    private var current: Token { tokens[position] }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .identifier(let name): return "'\(name)'"
        case .quotedIdentifier(let name): return "`\(name)`"
        case .punct(let p): return "'\(p)'"
        case .end: return "end of input"
        default: return "literal"
        }
    }

    private func isPunct(_ p: String) -> Bool {
        if case .punct(let q) = current.kind { return p == q }
        return false
    }

    private mutating func accept(_ p: String) -> Bool {
        guard isPunct(p) else { return false }
        position += 1
        return true
    }

    private mutating func expect(_ p: String) throws(CELError) {
        guard accept(p) else {
            throw CELError(.syntax, "expected '\(p)' but found \(describe(current))", offset: current.offset)
        }
    }

    private mutating func nest() throws(CELError) {
        depth += 1
        if depth > Parser.maxDepth {
            throw CELError(.syntax, "expression nests deeper than \(Parser.maxDepth) levels", offset: current.offset)
        }
    }

    // MARK: operators, lowest precedence first

    private mutating func expression() throws(CELError) -> Expr {
        try nest()
        defer { depth -= 1 }
        let condition = try logical("||", next: { p throws(CELError) in try p.logical("&&", next: { q throws(CELError) in try q.relation() }) })
        guard isPunct("?") else { return condition }
        let at = current.offset
        position += 1
        let whenTrue = try logical("||", next: { p throws(CELError) in try p.logical("&&", next: { q throws(CELError) in try q.relation() }) })
        try expect(":")
        let whenFalse = try expression()
        return Expr(at, .call(function: "_?_:_", target: nil, args: [condition, whenTrue, whenFalse]))
    }

    /// `a || b || c` becomes one n-ary call, so long chains cost no recursion depth.
    private mutating func logical(_ op: String, next: (inout Parser) throws(CELError) -> Expr) throws(CELError) -> Expr {
        let first = try next(&self)
        guard isPunct(op) else { return first }
        var operands = [first]
        let at = current.offset
        while accept(op) { operands.append(try next(&self)) }
        return Expr(at, .call(function: "_\(op)_", target: nil, args: operands))
    }

    private mutating func relation() throws(CELError) -> Expr {
        var left = try addition()
        while true {
            let at = current.offset
            let function: String
            switch current.kind {
            case .punct(let p) where ["<", "<=", ">", ">=", "==", "!="].contains(p): function = "_\(p)_"
            case .identifier("in"): function = "@in"
            default: return left
            }
            position += 1
            left = Expr(at, .call(function: function, target: nil, args: [left, try addition()]))
        }
    }

    private mutating func addition() throws(CELError) -> Expr {
        var left = try multiplication()
        while isPunct("+") || isPunct("-") {
            let at = current.offset
            guard case .punct(let p) = current.kind else { break }
            position += 1
            left = Expr(at, .call(function: "_\(p)_", target: nil, args: [left, try multiplication()]))
        }
        return left
    }

    private mutating func multiplication() throws(CELError) -> Expr {
        var left = try unary()
        while isPunct("*") || isPunct("/") || isPunct("%") {
            let at = current.offset
            guard case .punct(let p) = current.kind else { break }
            position += 1
            left = Expr(at, .call(function: "_\(p)_", target: nil, args: [left, try unary()]))
        }
        return left
    }

    private mutating func unary() throws(CELError) -> Expr {
        if isPunct("!") {
            var offsets: [Int] = []
            while isPunct("!") { offsets.append(current.offset); position += 1 }
            var operand = try member()
            for at in offsets.reversed() { operand = Expr(at, .call(function: "!_", target: nil, args: [operand])) }
            return operand
        }
        if isPunct("-") {
            var offsets: [Int] = []
            while isPunct("-") { offsets.append(current.offset); position += 1 }
            // A minus directly before an integer literal is part of the literal, which is how
            // -9223372036854775808 can be written at all.
            if case .int(let magnitude) = current.kind {
                let at = offsets.removeLast()
                guard magnitude <= UInt64(Int64.max) + 1 else {
                    throw CELError(.syntax, "integer literal is out of range", offset: at)
                }
                position += 1
                var operand = try postfix(Expr(at, .literal(.int(magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)))))
                for at in offsets.reversed() { operand = Expr(at, .call(function: "-_", target: nil, args: [operand])) }
                return operand
            }
            var operand = try member()
            for at in offsets.reversed() { operand = Expr(at, .call(function: "-_", target: nil, args: [operand])) }
            return operand
        }
        return try member()
    }

    // MARK: member access and primaries

    private mutating func member() throws(CELError) -> Expr {
        try postfix(try primary())
    }

    private mutating func postfix(_ start: Expr) throws(CELError) -> Expr {
        var expr = start
        while true {
            let at = current.offset
            if accept(".") {
                if isPunct("?") { throw CELError(.syntax, "optional field selection '.?' is not supported", offset: at) }
                let name: String
                switch current.kind {
                case .identifier(let n): name = n
                case .quotedIdentifier(let n): name = n
                default: throw CELError(.syntax, "expected a field name after '.' but found \(describe(current))", offset: current.offset)
                }
                let quoted: Bool
                if case .quotedIdentifier = current.kind { quoted = true } else { quoted = false }
                position += 1
                if !quoted, isPunct("(") {
                    position += 1
                    let args = try arguments(closing: ")")
                    expr = try macroOrCall(name, target: expr, args: args, at: at)
                } else {
                    expr = Expr(at, .select(expr, field: name))
                }
            } else if accept("[") {
                if isPunct("?") { throw CELError(.syntax, "optional index '[?' is not supported", offset: at) }
                try nest()
                let index = try expression()
                depth -= 1
                try expect("]")
                expr = Expr(at, .call(function: "_[_]", target: nil, args: [expr, index]))
            } else {
                return expr
            }
        }
    }

    private mutating func arguments(closing: String) throws(CELError) -> [Expr] {
        var args: [Expr] = []
        if accept(closing) { return args }
        repeat {
            if isPunct(closing) { break }   // trailing comma
            args.append(try expression())
        } while accept(",")
        try expect(closing)
        return args
    }

    private mutating func primary() throws(CELError) -> Expr {
        let token = current
        let at = token.offset
        switch token.kind {
        case .int(let magnitude):
            position += 1
            guard magnitude <= UInt64(Int64.max) else { throw CELError(.syntax, "integer literal is out of range", offset: at) }
            return Expr(at, .literal(.int(Int64(magnitude))))
        case .uint(let v): position += 1; return Expr(at, .literal(.uint(v)))
        case .double(let v): position += 1; return Expr(at, .literal(.double(v)))
        case .string(let v): position += 1; return Expr(at, .literal(.string(v)))
        case .bytes(let v): position += 1; return Expr(at, .literal(.bytes(v)))
        case .identifier(let name):
            position += 1
            return try identifier(name, rooted: false, at: at)
        case .punct("."):
            position += 1
            guard case .identifier(let name) = current.kind else {
                throw CELError(.syntax, "expected an identifier after a leading '.'", offset: current.offset)
            }
            position += 1
            return try identifier(name, rooted: true, at: at)
        case .punct("("):
            position += 1
            let inner = try expression()
            try expect(")")
            return inner
        case .punct("["):
            position += 1
            try nest()
            defer { depth -= 1 }
            return Expr(at, .list(try arguments(closing: "]")))
        case .punct("{"):
            position += 1
            try nest()
            defer { depth -= 1 }
            return Expr(at, .map(try mapEntries()))
        default:
            throw CELError(.syntax, "unexpected \(describe(token))", offset: at)
        }
    }

    private mutating func identifier(_ name: String, rooted: Bool, at: Int) throws(CELError) -> Expr {
        switch name {
        case "true" where !rooted: return Expr(at, .literal(.bool(true)))
        case "false" where !rooted: return Expr(at, .literal(.bool(false)))
        case "null" where !rooted: return Expr(at, .literal(.null))
        default: break
        }
        if Parser.reserved.contains(name) {
            throw CELError(.syntax, "'\(name)' is a reserved word and cannot be used as an identifier", offset: at)
        }
        if accept("(") {
            let args = try arguments(closing: ")")
            return try macroOrCall(rooted ? "." + name : name, target: nil, args: args, at: at)
        }
        if isPunct("{"), let typeName = messageTypeName(Expr(at, .ident(name, rooted: rooted))) {
            return try message(typeName, at: at)
        }
        return Expr(at, .ident(name, rooted: rooted))
    }

    private func messageTypeName(_ expr: Expr) -> String? {
        switch expr.kind {
        case .ident(let name, let rooted): return rooted ? "." + name : name
        default: return nil
        }
    }

    private mutating func message(_ type: String, at: Int) throws(CELError) -> Expr {
        try expect("{")
        var fields: [(name: String, value: Expr)] = []
        while !isPunct("}") {
            guard case .identifier(let field) = current.kind else {
                throw CELError(.syntax, "expected a field name in '\(type){...}'", offset: current.offset)
            }
            position += 1
            try expect(":")
            fields.append((field, try expression()))
            if !accept(",") { break }
        }
        try expect("}")
        return Expr(at, .message(type: type, fields: fields))
    }

    private mutating func mapEntries() throws(CELError) -> [(key: Expr, value: Expr)] {
        var entries: [(key: Expr, value: Expr)] = []
        while !isPunct("}") {
            if isPunct("?") { throw CELError(.syntax, "optional map entries '?key' are not supported", offset: current.offset) }
            let key = try expression()
            try expect(":")
            entries.append((key, try expression()))
            if !accept(",") { break }
        }
        try expect("}")
        return entries
    }

    // MARK: macros

    /// How many of a macro's arguments are variable names, for a given argument count; nil if
    /// the call is not that macro (then it is an ordinary function call).
    private static func macroShape(_ macro: Comprehension.Macro, argumentCount n: Int) -> (variables: Int, Void)? {
        switch (macro, n) {
        case (.all, 2), (.exists, 2), (.existsOne, 2), (.filter, 2), (.map, 2), (.map, 3): return (1, ())
        case (.all, 3), (.exists, 3), (.existsOne, 3), (.transformList, 3), (.transformList, 4),
             (.transformMap, 3), (.transformMap, 4): return (2, ())
        default: return nil
        }
    }

    private func macroOrCall(_ name: String, target: Expr?, args: [Expr], at: Int) throws(CELError) -> Expr {
        if target == nil, name == "has", args.count == 1 {
            guard case .select(let operand, let field) = args[0].kind else {
                throw CELError(.syntax, "has() takes a field selection such as has(product.owner)", offset: args[0].offset)
            }
            return Expr(at, .has(operand, field: field))
        }
        if let target, let macro = Comprehension.Macro(rawValue: name == "existsOne" ? "exists_one" : name),
           let shape = Parser.macroShape(macro, argumentCount: args.count) {
            var names: [String] = []
            for arg in args.prefix(shape.variables) {
                guard case .ident(let variable, false) = arg.kind else {
                    throw CELError(.syntax, "\(name)() needs a variable name as argument \(names.count + 1)", offset: arg.offset)
                }
                names.append(variable)
            }
            let rest = Array(args.dropFirst(shape.variables))
            return Expr(at, .comprehension(Comprehension(
                macro: macro, range: target, variable: names[0], variable2: names.count > 1 ? names[1] : nil,
                body: rest.last!, filter: rest.count == 2 ? rest[0] : nil)))
        }
        return Expr(at, .call(function: name, target: target, args: args))
    }
}

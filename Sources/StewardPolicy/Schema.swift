import StewardCEL

/// The shape of the variables a policy sees, so unknown fields and obvious type errors are
/// reported when a policy is loaded rather than when it first runs. Documented for authors in
/// policies/VARIABLES.md.
public indirect enum Schema: Sendable {
    case string, int, double, bool, timestamp, duration
    case list(Schema)
    case object([String: Schema])
    case dyn

    static let column: Schema = .object(["name": .string, "type": .string, "tags": .list(.string)])
    static let dataset: Schema = .object(["namespace": .string, "name": .string, "columns": .list(column)])
    static let product: Schema = .object([
        "domain": .string, "name": .string, "title": .string, "description": .string, "owner": .string,
        "oncall": .string, "tier": .string, "classification": .string, "datasets": .list(dataset),
        "slo": .object(["maxStaleness": .duration, "minQualityPassRate": .double]),
        "retention": .duration, "consumers": .list(.string),
    ])
    static let observed: Schema = .object([
        "lastUpdatedAt": .timestamp, "staleness": .duration,
        "qualityPassRate": .double,
        "qualityChecks": .list(.object(["dataset": .string, "check": .string, "status": .string])),
        "usage": .list(.object(["consumer": .string, "reads": .int, "lastReadAt": .timestamp])),
        "grants": .list(.object(["dataset": .string, "grantee": .string, "privileges": .list(.string), "lastUsedAt": .timestamp])),
        "pii": .list(.object(["dataset": .string, "column": .string, "detector": .string, "matchRatio": .double])),
        "oldestRecordAt": .timestamp, "oldestRecordAge": .duration,
        "rowCount": .int,
        "schemaDrift": .list(.object(["dataset": .string, "column": .string, "change": .string,
                                      "declaredType": .string, "observedType": .string])),
        "propagatedTags": .list(.object(["dataset": .string, "column": .string, "tag": .string, "from": .string])),
    ])

    /// The variables of a policy with the given target and parameters.
    static func variables(target: PolicyDocument.Target, params: [String: Schema]) -> [String: Schema] {
        var vars: [String: Schema] = ["product": product, "observed": observed, "now": .timestamp, "params": .object(params)]
        if target != .product { vars["dataset"] = dataset }
        if target == .column { vars["column"] = column }
        return vars
    }

    var name: String {
        switch self {
        case .string: "string"
        case .int: "int"
        case .double: "double"
        case .bool: "bool"
        case .timestamp: "timestamp"
        case .duration: "duration"
        case .list: "list"
        case .object: "map"
        case .dyn: "dyn"
        }
    }
}

/// Walks a parsed expression with the schema: unknown fields, and operators whose operand
/// types can never match, become diagnostics (code, message, source offset).
struct SchemaChecker {
    let variables: [String: Schema]
    private var locals: [String: Schema] = [:]
    private(set) var problems: [(PolicyDiagnostic.Code, String, Int)] = []

    init(variables: [String: Schema]) { self.variables = variables }

    /// Returns the inferred result type, `.dyn` when unknown.
    @discardableResult
    mutating func check(_ expr: Expr) -> Schema {
        switch expr.kind {
        case .literal(let v):
            switch v {
            case .string: return .string
            case .int: return .int
            case .double: return .double
            case .bool: return .bool
            default: return .dyn
            }
        case .ident(let name, _):
            return locals[name] ?? variables[name] ?? .dyn
        case .select(let operand, let field):
            return member(of: check(operand), field, offset: expr.offset)
        case .has(let operand, let field):
            let base = check(operand)
            if case .object(let fields) = base, fields[field] == nil {
                problems.append((.unknownField, "unknown field '\(field)'; known fields: \(fields.keys.sorted().joined(separator: ", "))", expr.offset))
            }
            return .bool
        case .list(let items):
            items.forEach { check($0) }
            return .list(.dyn)
        case .map(let entries):
            entries.forEach { check($0.key); check($0.value) }
            return .dyn
        case .message:
            return .dyn
        case .comprehension(let c):
            let range = check(c.range)
            let saved = locals
            if case .list(let element) = range {
                if let second = c.variable2 { locals[c.variable] = .int; locals[second] = element } else { locals[c.variable] = element }
            } else {
                locals[c.variable] = .dyn
                if let second = c.variable2 { locals[second] = .dyn }
            }
            if let filter = c.filter { check(filter) }
            let body = check(c.body)
            locals = saved
            switch c.macro {
            case .all, .exists, .existsOne: return .bool
            case .filter: return range
            case .map, .transformList: return .list(body)
            case .transformMap: return .dyn
            }
        case .call(let function, let target, let args):
            let receiver = target.map { check($0) }
            let types = args.map { check($0) }
            return call(function, receiver: receiver, args: types, offset: expr.offset)
        }
    }

    private mutating func member(of base: Schema, _ name: String, offset: Int) -> Schema {
        guard case .object(let fields) = base else {
            if case .dyn = base { return .dyn }
            problems.append((.typeError, "'\(name)' selected from a \(base.name), which has no fields", offset))
            return .dyn
        }
        guard let found = fields[name] else {
            let known = fields.keys.sorted().joined(separator: ", ")
            problems.append((.unknownField, "unknown field '\(name)'" + (known.isEmpty ? "" : "; known fields: \(known)"), offset))
            return .dyn
        }
        return found
    }

    private mutating func call(_ function: String, receiver: Schema?, args: [Schema], offset: Int) -> Schema {
        func known(_ s: Schema) -> Bool { if case .dyn = s { false } else { true } }
        func same(_ a: Schema, _ b: Schema) -> Bool { a.name == b.name }
        let numeric: Set<String> = ["int", "double"]
        switch function {
        case "_&&_", "_||_", "!_", "@in", "_==_", "_!=_": return .bool
        case "_<_", "_<=_", "_>_", "_>=_":
            if args.count == 2, known(args[0]), known(args[1]), !same(args[0], args[1]),
               !(numeric.contains(args[0].name) && numeric.contains(args[1].name)) {
                problems.append((.typeError, "cannot compare \(args[0].name) with \(args[1].name)", offset))
            }
            return .bool
        case "_+_", "_-_", "_*_", "_/_", "_%_":
            guard args.count == 2, known(args[0]), known(args[1]) else { return .dyn }
            let (a, b) = (args[0], args[1])
            let timeMix = Set([a.name, b.name]).isSubset(of: ["timestamp", "duration"])
            if !same(a, b), !timeMix {
                problems.append((.typeError, "no operator \(function.dropFirst().dropLast()) for \(a.name) and \(b.name)", offset))
                return .dyn
            }
            if [a.name, b.name].contains("bool") || (function != "_+_" && ["string", "list"].contains(a.name)) {
                problems.append((.typeError, "no operator \(function.dropFirst().dropLast()) for \(a.name)", offset))
            }
            if a.name == "timestamp", b.name == "timestamp" { return .duration }
            if same(a, b) { return a }
            return .timestamp   // timestamp ± duration
        case "_?_:_": return args.count == 3 && same(args[1], args[2]) ? args[1] : .dyn
        case "size", "int", "indexOf", "lastIndexOf": return .int
        case "contains", "startsWith", "endsWith", "matches", "bool": return .bool
        case "string", "lowerAscii", "upperAscii", "replace", "trim", "substring", "charAt", "join", "format": return .string
        case "double": return .double
        case "duration": return .duration
        case "timestamp": return .timestamp
        default: return .dyn
        }
    }
}

import StewardCEL

/// A policy ready to evaluate: its CEL compiled once, parameters resolved, and (for a council
/// policy a domain tightened) the domain's extra rules and stricter values applied.
public final class CompiledPolicy: Sendable {
    public let document: PolicyDocument
    /// The domain this effective policy is for, when a domain tightened it or owns it.
    public let domain: String?
    public let severity: PolicyDocument.Severity
    public let params: Value
    let match: Program
    /// The council rule first, then any rules tightening domains AND onto it.
    let rules: [Program]
    let message: [MessagePart]
    /// Programs for the values a rule looks at (`product.classification`, `params.max`), so a
    /// finding can show its evidence.
    let evidence: [(name: String, program: Program)]
    /// The variables of this policy's environment, unbound; copied and bound per target.
    let activation: Activation
    /// Slots of the variables bound per target (nil when the environment lacks one).
    let slots: (product: Int?, observed: Int?, now: Int?, params: Int?, dataset: Int?, column: Int?)

    enum MessagePart: Sendable {
        case text(String)
        case expression(Program)
    }

    init(document: PolicyDocument, domain: String?, severity: PolicyDocument.Severity, params: Value, match: Program,
         rules: [Program], message: [MessagePart], evidence: [(name: String, program: Program)], activation: Activation) {
        self.document = document; self.domain = domain; self.severity = severity; self.params = params
        self.match = match; self.rules = rules; self.message = message; self.evidence = evidence; self.activation = activation
        slots = (activation.slot("product"), activation.slot("observed"), activation.slot("now"), activation.slot("params"),
                 activation.slot("dataset"), activation.slot("column"))
    }
}

extension CompiledPolicy {
    /// Names in `expr` rooted at a policy variable, outside comprehension scopes.
    static func evidenceNames(_ expr: Expr, roots: Set<String>) -> [String] {
        var names: [String] = []
        func path(_ e: Expr) -> String? {
            switch e.kind {
            case .ident(let n, _): return roots.contains(n) ? n : nil
            case .select(let operand, let field): return path(operand).map { "\($0).\(field)" }
            default: return nil
            }
        }
        func walk(_ e: Expr, shadowed: Set<String>) {
            if let p = path(e), !shadowed.contains(String(p.prefix { $0 != "." })), p.contains(".") {
                if !names.contains(p) { names.append(p) }
                return
            }
            switch e.kind {
            case .select(let operand, _), .has(let operand, _): walk(operand, shadowed: shadowed)
            case .call(_, let target, let args):
                if let target { walk(target, shadowed: shadowed) }
                args.forEach { walk($0, shadowed: shadowed) }
            case .list(let items): items.forEach { walk($0, shadowed: shadowed) }
            case .map(let entries): entries.forEach { walk($0.key, shadowed: shadowed); walk($0.value, shadowed: shadowed) }
            case .comprehension(let c):
                // The range is evidence; the body talks about elements, which the range shows.
                walk(c.range, shadowed: shadowed)
            default: break
            }
        }
        walk(expr, shadowed: [])
        return names
    }
}

import StewardCEL
import StewardYAML
import Yams

/// Reads a policy YAML file into a `PolicyDocument`, collecting every problem with its line.
struct PolicyReader {
    let file: String
    let text: String
    private(set) var problems: [PolicyDiagnostic] = []

    static let fields: Set<String> = ["id", "title", "description", "severity", "owner", "target", "match", "rule",
                                      "message", "params", "remediation", "extends"]

    init(file: String, text: String) { self.file = file; self.text = text }

    mutating func read() -> PolicyDocument? {
        let root: Node
        do {
            guard let node = try YAMLDocument.compose(text) else { return fail(1, 1, "the file is empty") }
            root = node
        } catch let error as YAMLError {
            switch error {
            case .anchorOrAlias(let line, let column): return fail(line, column, error.message)
            }
        } catch {
            return fail(1, 1, "not valid YAML: \(error)")
        }
        guard let mapping = root.mapping else { return fail(root, "a policy is a YAML mapping of fields") }
        var values: [String: Node] = [:]
        var lines: [String: (line: Int, column: Int, block: Bool)] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            guard Self.fields.contains(name) else {
                problems.append(diagnostic(.invalidDocument, key, "unknown field '\(name)'; a policy has \(Self.fields.sorted().joined(separator: ", "))"))
                continue
            }
            values[name] = value
            let block = value.scalar.map { $0.style == .literal || $0.style == .folded } ?? false
            lines[name] = (value.mark?.line ?? 1, value.mark?.column ?? 1, block)
        }
        func string(_ name: String, required: Bool = true) -> String? {
            guard let node = values[name] else {
                if required { problems.append(PolicyDiagnostic(.invalidDocument, file: file, line: 1, column: 1, "missing required field '\(name)'")) }
                return nil
            }
            guard let s = node.string else {
                problems.append(diagnostic(.invalidDocument, node, "'\(name)' must be a string"))
                return nil
            }
            return s
        }
        let extends = string("extends", required: false)
        let tightening = extends != nil
        let id = string("id")
        let owner = string("owner")
        let title = string("title", required: !tightening) ?? ""
        let rule = string("rule", required: !tightening) ?? "true"
        var severity = PolicyDocument.Severity.medium
        if let s = string("severity", required: !tightening) {
            if let parsed = PolicyDocument.Severity(rawValue: s) { severity = parsed } else {
                problems.append(diagnostic(.invalidDocument, values["severity"]!, "severity must be one of critical, high, medium, low"))
            }
        }
        var target = PolicyDocument.Target.product
        if let t = string("target", required: false) {
            if let parsed = PolicyDocument.Target(rawValue: t) { target = parsed } else {
                problems.append(diagnostic(.invalidDocument, values["target"]!, "target must be product, dataset or column"))
            }
        }
        if tightening, let node = values["match"] {
            problems.append(diagnostic(.loosening, node, "a policy that extends '\(extends!)' inherits its match and may not change it (a narrower match would exempt targets)"))
        }
        var params: [String: PolicyDocument.Parameter] = [:]
        var overrides: [String: Value] = [:]
        if let node = values["params"] {
            if tightening { overrides = readOverrides(node) } else { params = readParameters(node) }
        }
        guard let id, let owner else { return nil }
        var document = PolicyDocument(
            id: id, title: title, description: string("description", required: false), severity: severity, owner: owner,
            target: target, match: string("match", required: false) ?? "true", rule: rule,
            message: string("message", required: false), remediation: string("remediation", required: false),
            params: params, extends: extends, overrides: overrides, version: contentVersion(text), file: file)
        document.lines = lines
        document.text = text
        return document
    }

    private mutating func readParameters(_ node: Node) -> [String: PolicyDocument.Parameter] {
        guard let mapping = node.mapping else {
            problems.append(diagnostic(.invalidDocument, node, "params must map each parameter name to {type, direction, default}"))
            return [:]
        }
        var out: [String: PolicyDocument.Parameter] = [:]
        for (key, spec) in mapping {
            guard let name = key.string else { continue }
            guard let fields = spec.mapping,
                  let kind = fields["type"]?.string.flatMap(PolicyDocument.Parameter.Kind.init(rawValue:)),
                  let direction = fields["direction"]?.string.flatMap(PolicyDocument.Parameter.Direction.init(rawValue:)),
                  let defaultNode = fields["default"] else {
                problems.append(diagnostic(.invalidDocument, spec, "parameter '\(name)' needs type (int, double, string, bool, duration, list), direction (max, min, subset, fixed) and default"))
                continue
            }
            guard let value = convert(defaultNode, kind: kind, name: name) else { continue }
            out[name] = .init(name: name, kind: kind, direction: direction, value: value, description: fields["description"]?.string)
        }
        return out
    }

    private mutating func readOverrides(_ node: Node) -> [String: Value] {
        guard let mapping = node.mapping else {
            problems.append(diagnostic(.invalidDocument, node, "params of an extending policy map parameter names to values"))
            return [:]
        }
        var out: [String: Value] = [:]
        for (key, value) in mapping {
            guard let name = key.string, let converted = convert(value, kind: nil, name: name) else { continue }
            out[name] = converted
        }
        return out
    }

    /// YAML to a CEL value; with a kind, checked against it. Durations are ISO 8601 ("P30D").
    mutating func convert(_ node: Node, kind: PolicyDocument.Parameter.Kind?, name: String) -> Value? {
        if let items = node.sequence {
            guard kind == nil || kind == .list else {
                problems.append(diagnostic(.invalidDocument, node, "parameter '\(name)' is a \(kind!.rawValue), not a list"))
                return nil
            }
            var values: [Value] = []
            for item in items { if let v = convert(item, kind: nil, name: name) { values.append(v) } }
            return .list(values)
        }
        guard let scalar = node.scalar else {
            problems.append(diagnostic(.invalidDocument, node, "parameter '\(name)' must be a scalar or a list"))
            return nil
        }
        let text = scalar.string
        var duration: CELDuration?
        if kind == nil || kind == .duration {
            do { duration = try celDuration(parsing: text) } catch .durationOutOfRange {
                problems.append(diagnostic(.invalidDocument, node, "parameter '\(name)': '\(text)' is longer than 292 years, the longest CEL duration"))
                return nil
            } catch {}
        }
        switch kind {
        case .int?: if let i = Int64(text) { return .int(i) }
        case .double?: if let d = Double(text) { return .double(d) }
        case .bool?: if let b = Bool(text) { return .bool(b) }
        case .string?: return .string(text)
        case .duration?:
            if let duration { return .duration(duration) }
        case .list?: break
        case nil:
            if let i = Int64(text) { return .int(i) }
            if let d = Double(text) { return .double(d) }
            if let b = Bool(text), scalar.style == .plain { return .bool(b) }
            if let duration { return .duration(duration) }
            return .string(text)
        }
        problems.append(diagnostic(.invalidDocument, node, "parameter '\(name)': '\(text)' is not a valid \(kind!.rawValue)" +
                                   (kind == .duration ? " (use ISO 8601, such as P30D or PT1H)" : "")))
        return nil
    }

    private mutating func fail(_ line: Int, _ column: Int, _ message: String) -> PolicyDocument? {
        problems.append(PolicyDiagnostic(.invalidDocument, file: file, line: line, column: column, message))
        return nil
    }

    private mutating func fail(_ node: Node, _ message: String) -> PolicyDocument? {
        problems.append(diagnostic(.invalidDocument, node, message))
        return nil
    }

    func diagnostic(_ code: PolicyDiagnostic.Code, _ node: Node, _ message: String) -> PolicyDiagnostic {
        let line = node.mark?.line ?? 1, column = node.mark?.column ?? 1
        return PolicyDiagnostic(code, file: file, line: line, column: column, message, caret: caret(line: line, column: column))
    }

    func caret(line: Int, column: Int) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return nil }
        return " | \(lines[line - 1])\n | \(String(repeating: " ", count: max(0, column - 1)))^"
    }
}

extension PolicyDocument {
    /// The `id` and `owner` a policy text declares, without checking anything else: enough to
    /// route a submission and to know which file a stored policy replaces.
    public static func identity(of text: String) -> (id: String?, owner: String?) {
        guard let mapping = (try? YAMLDocument.compose(text))??.mapping else { return (nil, nil) }
        return (mapping["id"]?.string, mapping["owner"]?.string)
    }
}

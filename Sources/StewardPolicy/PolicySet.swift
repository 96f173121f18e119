import Foundation
import StewardCEL

/// All policies in force: council policies for every domain, and domain policies (new ones, and
/// ones that tighten a council policy). Loading checks every file and every federation rule;
/// a broken policy is reported and left out, and never stops the others.
public struct PolicySet: Sendable {
    public private(set) var policies: [CompiledPolicy] = []
    public private(set) var diagnostics: [PolicyDiagnostic] = []
    /// `applicable(to:)` answers, computed once: domains with policies of their own, and the rest.
    private var byDomain: [String: [CompiledPolicy]] = [:]
    private var everyDomain: [CompiledPolicy] = []

    public init() {}

    /// Loads every `*.yaml` under `directory` except test files (`*.test.yaml`).
    public static func load(directory: String) throws -> PolicySet {
        PolicySet(files: try files(in: directory))
    }

    /// The policy files under `directory` (not `*.test.yaml`) as (path, text), sorted by path.
    public static func files(in directory: String) throws -> [(name: String, text: String)] {
        var files: [(name: String, text: String)] = []
        let root = URL(fileURLWithPath: directory)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw PolicyDiagnostic(.invalidDocument, file: directory, line: 1, column: 1, "no such directory")
        }
        for case let url as URL in walker where url.pathExtension == "yaml" && !url.lastPathComponent.hasSuffix(".test.yaml") {
            let relative = String(url.path.dropFirst(root.path.count).drop { $0 == "/" })
            files.append((directory.hasSuffix("/") ? directory + relative : directory + "/" + relative,
                          try String(contentsOf: url, encoding: .utf8)))
        }
        return files.sorted { $0.name < $1.name }
    }

    /// Builds the set from (file name, YAML text) pairs.
    public init(files: [(name: String, text: String)]) {
        var documents: [PolicyDocument] = []
        for (name, text) in files {
            var reader = PolicyReader(file: name, text: text)
            let document = reader.read()
            diagnostics += reader.problems
            if let document, reader.problems.isEmpty { documents.append(document) }
        }
        var seen: [String: String] = [:]
        documents = documents.filter { doc in
            if let other = seen[doc.id] {
                diagnostics.append(PolicyDiagnostic(.duplicate, file: doc.file, line: 1, column: 1, "policy id '\(doc.id)' is already used by \(other)"))
                return false
            }
            seen[doc.id] = doc.file
            return true
        }
        let globals = Dictionary(uniqueKeysWithValues: documents.filter(\.isCouncil).map { ($0.id, $0) })
        let extensions = Dictionary(grouping: documents.filter { $0.extends != nil }, by: { $0.extends! })
        // Council policies, once as-is and once per domain that tightens them.
        for global in globals.values.sorted(by: { $0.id < $1.id }) {
            if let base = compile(global, domain: nil, tightenings: []) { policies.append(base) }
            for (domain, docs) in Dictionary(grouping: extensions[global.id] ?? [], by: \.owner).sorted(by: { $0.key < $1.key }) {
                let valid = docs.filter { checkTightening($0, of: global) }
                if !valid.isEmpty, let tightened = compile(global, domain: domain, tightenings: valid) { policies.append(tightened) }
            }
        }
        for doc in documents where doc.extends != nil && globals[doc.extends!] == nil {
            diagnostics.append(diagnostic(.unknownGlobal, doc, field: "extends", "extends '\(doc.extends!)', which is not a council policy"))
        }
        for doc in documents where !doc.isCouncil && doc.extends == nil {
            if let own = compile(doc, domain: doc.owner, tightenings: []) { policies.append(own) }
        }
        everyDomain = policies.filter { $0.domain == nil }
        for domain in Set(policies.compactMap(\.domain)) {
            let tightened = Set(policies.filter { $0.domain == domain && $0.document.isCouncil }.map(\.document.id))
            byDomain[domain] = policies.filter { p in
                if p.document.isCouncil { return p.domain == domain || (p.domain == nil && !tightened.contains(p.document.id)) }
                return p.domain == domain
            }
        }
    }

    /// Policies that apply to products of `domain`: council ones (the domain's tightened
    /// version when there is one) and the domain's own.
    public func applicable(to domain: String) -> [CompiledPolicy] {
        byDomain[domain] ?? everyDomain
    }

    // MARK: federation

    /// A domain may raise severity, set stricter parameters and add a rule; anything that
    /// would loosen the council policy is rejected, naming the policy and parameter.
    private mutating func checkTightening(_ doc: PolicyDocument, of global: PolicyDocument) -> Bool {
        var ok = true
        func reject(_ field: String, _ message: String) {
            diagnostics.append(diagnostic(.loosening, doc, field: field, "\(message) (council policy '\(global.id)')"))
            ok = false
        }
        if doc.isCouncil { reject("owner", "a council policy cannot extend another; change '\(global.id)' itself") }
        if doc.lines["severity"] != nil, doc.severity < global.severity {
            reject("severity", "severity \(doc.severity.rawValue) is lower than \(global.severity.rawValue); a domain may only raise it")
        }
        if doc.lines["target"] != nil, doc.target != global.target {
            reject("target", "target may not change from \(global.target.rawValue)")
        }
        for (name, value) in doc.overrides.sorted(by: { $0.key < $1.key }) {
            guard let param = global.params[name] else {
                reject("params", "parameter '\(name)' does not exist; it has \(global.params.keys.sorted().joined(separator: ", "))")
                continue
            }
            if let problem = Self.loosens(param, to: value) { reject("params", "parameter '\(name)': \(problem)") }
        }
        return ok
    }

    /// Why `value` would loosen `param`, or nil if it is as strict or stricter.
    static func loosens(_ param: PolicyDocument.Parameter, to value: Value) -> String? {
        guard value.type == param.value.type || (param.kind == .double && value.type == .int) else {
            return "\(value.debugDescription) is a \(value.type), but the parameter is a \(param.kind.rawValue)"
        }
        switch param.direction {
        case .fixed:
            return Value.equal(value, param.value) ? nil : "it is fixed at \(param.value.debugDescription) and may not change"
        case .max:
            let order = (try? Value.compare(value, param.value)) ?? nil
            return order.map { $0 <= 0 } == true ? nil : "\(value.debugDescription) is above the council maximum \(param.value.debugDescription); a domain may only lower it"
        case .min:
            let order = (try? Value.compare(value, param.value)) ?? nil
            return order.map { $0 >= 0 } == true ? nil : "\(value.debugDescription) is below the council minimum \(param.value.debugDescription); a domain may only raise it"
        case .subset:
            guard case .list(let allowed) = param.value, case .list(let proposed) = value else { return "an allowed set must be a list" }
            let added = proposed.filter { p in !allowed.contains { Value.equal($0, p) } }
            return added.isEmpty ? nil : "adds \(added.map(\.debugDescription).joined(separator: ", ")) to the allowed set; a domain may only remove members"
        }
    }

    // MARK: compiling

    private mutating func compile(_ doc: PolicyDocument, domain: String?, tightenings: [PolicyDocument]) -> CompiledPolicy? {
        var params = doc.params.mapValues(\.value)
        for t in tightenings { params.merge(t.overrides) { _, new in new } }
        var paramMap = MapValue()
        for (k, v) in params.sorted(by: { $0.key < $1.key }) { try? paramMap.insert(.string(k), v) }
        let schemas = doc.params.mapValues { p -> Schema in
            switch p.kind {
            case .int: .int
            case .double: .double
            case .string: .string
            case .bool: .bool
            case .duration: .duration
            case .list: .list(.dyn)
            }
        }
        let variables = Schema.variables(target: doc.target, params: schemas)
        let environment = Environment(variables: Set(variables.keys))
        var failed = false
        func program(_ source: String, field: String, in owner: PolicyDocument, boolean: Bool) -> Program? {
            let (compiled, problems) = environment.build(source)
            for p in problems { diagnostics.append(locate(owner, field: field, source: source, offset: p.offset ?? 0, .celError, p.message)) }
            guard let compiled else { failed = true; return nil }
            var checker = SchemaChecker(variables: variables)
            let type = checker.check(compiled.ast)
            for (code, message, offset) in checker.problems { diagnostics.append(locate(owner, field: field, source: source, offset: offset, code, message)) }
            if boolean, type.name != "bool", type.name != "dyn" {
                diagnostics.append(locate(owner, field: field, source: source, offset: 0, .typeError,
                                          "\(field) must be a boolean expression, but this one gives a \(type.name)"))
                failed = true
            }
            guard checker.problems.isEmpty else { failed = true; return nil }
            return compiled
        }
        let match = program(doc.match, field: "match", in: doc, boolean: true)
        var rules = [program(doc.rule, field: "rule", in: doc, boolean: true)]
        for t in tightenings where t.lines["rule"] != nil { rules.append(program(t.rule, field: "rule", in: t, boolean: true)) }
        var parts: [CompiledPolicy.MessagePart] = []
        var rest = Substring(doc.message ?? doc.title)
        while let open = rest.range(of: "{{") {
            parts.append(.text(String(rest[..<open.lowerBound])))
            guard let close = rest[open.upperBound...].range(of: "}}") else { rest = rest[open.lowerBound...]; break }
            if let p = program(String(rest[open.upperBound..<close.lowerBound]), field: "message", in: doc, boolean: false) {
                parts.append(.expression(p))
            }
            rest = rest[close.upperBound...]
        }
        parts.append(.text(String(rest)))
        guard !failed, let match else { return nil }
        let roots = Set(variables.keys)
        var evidence: [(String, Program)] = []
        let compiledRules = rules.compactMap { $0 }
        for rule in compiledRules {
            for name in CompiledPolicy.evidenceNames(rule.ast, roots: roots) where !evidence.contains(where: { $0.0 == name }) {
                if let p = try? environment.compile(name) { evidence.append((name, p)) }
            }
        }
        let severity = ([doc.severity] + tightenings.filter { $0.lines["severity"] != nil }.map(\.severity)).max()!
        return CompiledPolicy(document: doc, domain: domain, severity: severity, params: .map(paramMap), match: match,
                              rules: compiledRules, message: parts, evidence: evidence, activation: Activation(environment))
    }

    /// Maps an offset inside a CEL field to the file's line and column.
    private func locate(_ doc: PolicyDocument, field: String, source: String, offset: Int, _ code: PolicyDiagnostic.Code, _ message: String) -> PolicyDiagnostic {
        let position = SourcePosition(of: offset, in: source)
        guard let start = doc.lines[field] else {
            return PolicyDiagnostic(code, file: doc.file, line: 1, column: 1, "\(field): \(message)")
        }
        let caretText = " | \(position.lineText)\n | \(String(repeating: " ", count: position.column - 1))^"
        if start.block {
            // A block scalar starts on the next line; its lines keep their indentation in the file.
            let fileLine = start.line + position.line
            let indent = Self.indent(ofLine: fileLine, in: doc)
            return PolicyDiagnostic(code, file: doc.file, line: fileLine, column: indent + position.column, "\(field): \(message)", caret: caretText)
        }
        return PolicyDiagnostic(code, file: doc.file, line: start.line, column: start.column + position.column - 1, "\(field): \(message)", caret: caretText)
    }

    private static func indent(ofLine line: Int, in doc: PolicyDocument) -> Int {
        let lines = doc.text.split(separator: "\n", omittingEmptySubsequences: false)
        guard line - 1 < lines.count, line >= 1 else { return 2 }
        return lines[line - 1].prefix { $0 == " " }.count
    }

    private func diagnostic(_ code: PolicyDiagnostic.Code, _ doc: PolicyDocument, field: String, _ message: String) -> PolicyDiagnostic {
        let at = doc.lines[field] ?? (1, 1, false)
        return PolicyDiagnostic(code, file: doc.file, line: at.line, column: at.column, "\(doc.id): \(message)")
    }
}

extension Value {
    /// CEL literal text, with whole days of a duration written as ISO 8601 (P180D), the way
    /// policy files write them.
    var debugDescription: String {
        switch self {
        case .duration(let d) where d.nanos == 0 && d.seconds != 0 && d.seconds % 86_400 == 0: "P\(d.seconds / 86_400)D"
        case .list(let items): "[" + items.map(\.debugDescription).joined(separator: ", ") + "]"
        default: description
        }
    }
}

import StewardCore

/// The subset of JSON Schema (draft 2020-12) that the OpenLineage schemas use: type, properties,
/// required, additionalProperties, items, allOf, anyOf, oneOf, not, enum, const, minimum,
/// dependentRequired and $ref across documents. Annotations (description, example, format,
/// deprecated) are ignored, as the draft's default says for `format`; the few formats Steward
/// relies on (eventTime, runId) are checked where the event is read.
///
/// Schemas compile once into a graph of nodes; recursive $refs become cycles in the graph.
public final class JSONSchema: @unchecked Sendable {
    // Set only while compiling; read-only afterwards (hence @unchecked Sendable).
    var types: [String]?
    var properties: [(String, JSONSchema)] = []
    var required: [String] = []
    var additionalAllowed = true
    var additional: JSONSchema?
    var items: JSONSchema?
    var allOf: [JSONSchema] = []
    var anyOf: [JSONSchema] = []
    var oneOf: [JSONSchema] = []
    var not: JSONSchema?
    var enumValues: [JSONValue]?
    var constValue: JSONValue?
    var minimum: Double?
    var dependentRequired: [(String, [String])] = []
    var ref: JSONSchema?

    init() {}

    public struct Problem: Sendable, Equatable {
        /// JSON Pointer-like path, e.g. `run.facets.parent.run.runId`.
        public var path: String
        public var message: String
    }

    /// Validates `value`, answering at most `limit` problems (empty when valid).
    public func validate(_ value: JSONValue, at path: String = "", limit: Int = 20) -> [Problem] {
        var problems: [Problem] = []
        check(value, path, &problems, limit)
        return problems
    }

    func check(_ v: JSONValue, _ path: String, _ out: inout [Problem], _ limit: Int) {
        if out.count >= limit { return }
        if let ref { ref.check(v, path, &out, limit) }
        if let types, !types.contains(where: { Self.matches(v, $0) }) {
            out.append(Problem(path: path, message: "must be \(types.joined(separator: " or ")), not \(v.typeName)"))
            return
        }
        if let enumValues, !enumValues.contains(v) {
            let allowed = enumValues.compactMap(\.string).joined(separator: ", ")
            out.append(Problem(path: path, message: "must be one of \(allowed)"))
        }
        if let constValue, constValue != v { out.append(Problem(path: path, message: "must equal the constant value")) }
        if let minimum, let d = v.double, d < minimum { out.append(Problem(path: path, message: "must be at least \(minimum)")) }
        if case .object(let members) = v { checkObject(members, path, &out, limit) }
        if case .array(let elements) = v, let items {
            for (index, e) in elements.enumerated() { items.check(e, Self.join(path, String(index)), &out, limit) }
        }
        for s in allOf { s.check(v, path, &out, limit) }
        if !anyOf.isEmpty { checkAlternatives(anyOf, v, path, &out, limit, exactlyOne: false) }
        if !oneOf.isEmpty { checkAlternatives(oneOf, v, path, &out, limit, exactlyOne: true) }
        if let not, not.validate(v, at: path, limit: 1).isEmpty {
            out.append(Problem(path: path, message: "must not have this form (\(not.describeRequired))"))
        }
    }

    private func checkObject(_ members: [(key: String, value: JSONValue)], _ path: String, _ out: inout [Problem], _ limit: Int) {
        for name in required where !members.contains(where: { $0.key == name }) {
            out.append(Problem(path: Self.join(path, name), message: "is required"))
        }
        for (name, needs) in dependentRequired where members.contains(where: { $0.key == name }) {
            for n in needs where !members.contains(where: { $0.key == n }) {
                out.append(Problem(path: Self.join(path, n), message: "is required when \(name) is present"))
            }
        }
        if properties.isEmpty && additional == nil && additionalAllowed { return }
        for m in members {
            if let (_, s) = properties.first(where: { $0.0 == m.key }) {
                s.check(m.value, Self.join(path, m.key), &out, limit)
            } else if let additional {
                additional.check(m.value, Self.join(path, m.key), &out, limit)
            } else if !additionalAllowed {
                out.append(Problem(path: Self.join(path, m.key), message: "is not allowed here"))
            }
        }
    }

    private func checkAlternatives(_ options: [JSONSchema], _ v: JSONValue, _ path: String, _ out: inout [Problem], _ limit: Int,
                                   exactlyOne: Bool) {
        // One option (how OpenLineage wraps facet maps): its problems are the clearest answer.
        if options.count == 1 { options[0].check(v, path, &out, limit); return }
        var best: [Problem]?
        var matched = 0
        for o in options {
            let p = o.validate(v, at: path, limit: limit)
            if p.isEmpty { matched += 1 } else if best == nil || p.count < best!.count { best = p }
        }
        if matched == 0 { out += best ?? [] }
        if exactlyOne && matched > 1 { out.append(Problem(path: path, message: "matches more than one allowed form")) }
    }

    var describeRequired: String {
        required.isEmpty ? "a forbidden combination" : "it may not carry " + required.joined(separator: " and ")
    }

    static func matches(_ v: JSONValue, _ type: String) -> Bool {
        switch (type, v) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null): true
        case ("number", .int), ("number", .double), ("integer", .int): true
        case ("integer", .double(let d)): d == d.rounded()
        default: false
        }
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }
}

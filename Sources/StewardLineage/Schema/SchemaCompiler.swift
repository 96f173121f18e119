import StewardCore

/// Compiles JSON Schema documents that `$ref` each other by absolute `$id` URL (as every
/// OpenLineage facet schema refers to the core schema) or by local `#/$defs/...` pointer.
struct SchemaCompiler {
    private var documents: [String: JSONValue] = [:]
    private var compiled: [String: JSONSchema] = [:]

    enum Failure: Error, CustomStringConvertible {
        case unresolved(String)
        var description: String { if case .unresolved(let r) = self { "unresolved $ref \(r)" } else { "" } }
    }

    /// Adds a document under its `$id`; answers that id.
    @discardableResult
    mutating func add(_ document: JSONValue) -> String {
        let id = document["$id"]?.string ?? ""
        documents[id] = document
        return id
    }

    mutating func document(_ id: String) -> JSONValue? { documents[id] }

    /// The node for `pointer` (`#/$defs/Name` or `#`) inside document `id`.
    mutating func schema(_ id: String, _ pointer: String) throws(Failure) -> JSONSchema {
        let key = id + pointer
        if let done = compiled[key] { return done }
        guard var target = documents[id] else { throw .unresolved(key) }
        for part in pointer.dropFirst().split(separator: "/") {
            guard let next = target[String(part)] else { throw .unresolved(key) }
            target = next
        }
        let node = JSONSchema()
        compiled[key] = node // before filling, so recursive refs find it
        try fill(node, from: target, in: id)
        return node
    }

    private mutating func compile(_ value: JSONValue, in id: String) throws(Failure) -> JSONSchema {
        let node = JSONSchema()
        try fill(node, from: value, in: id)
        return node
    }

    private mutating func fill(_ n: JSONSchema, from s: JSONValue, in id: String) throws(Failure) {
        if case .bool(let b) = s { n.not = b ? nil : JSONSchema(); return }
        if let ref = s["$ref"]?.string {
            let (doc, pointer) = Self.split(ref, base: id)
            n.ref = try schema(doc, pointer)
        }
        switch s["type"] {
        case .string(let t)?: n.types = [t]
        case .array(let ts)?: n.types = ts.compactMap(\.string)
        default: break
        }
        for (name, sub) in s["properties"]?.members ?? [] { n.properties.append((name, try compile(sub, in: id))) }
        n.required = s["required"]?.array?.compactMap(\.string) ?? []
        switch s["additionalProperties"] {
        case .bool(let b)?: n.additionalAllowed = b
        case let sub?: n.additional = try compile(sub, in: id)
        case nil: break
        }
        if let items = s["items"] { n.items = try compile(items, in: id) }
        for sub in s["allOf"]?.array ?? [] { n.allOf.append(try compile(sub, in: id)) }
        for sub in s["anyOf"]?.array ?? [] { n.anyOf.append(try compile(sub, in: id)) }
        for sub in s["oneOf"]?.array ?? [] { n.oneOf.append(try compile(sub, in: id)) }
        if let not = s["not"] { n.not = try compile(not, in: id) }
        n.enumValues = s["enum"]?.array
        n.constValue = s["const"]
        n.minimum = s["minimum"]?.double
        for (name, needs) in s["dependentRequired"]?.members ?? [] {
            n.dependentRequired.append((name, needs.array?.compactMap(\.string) ?? []))
        }
    }

    /// `https://x/y.json#/$defs/A` → (`https://x/y.json`, `#/$defs/A`); `#/$defs/A` stays in `base`.
    static func split(_ ref: String, base: String) -> (String, String) {
        guard let hash = ref.firstIndex(of: "#") else { return (ref, "#") }
        let doc = ref[..<hash].isEmpty ? base : String(ref[..<hash])
        return (doc, String(ref[hash...]))
    }
}

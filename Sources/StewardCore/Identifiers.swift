/// Validated identifiers. Bare strings do not cross module boundaries: a value of these
/// types has passed `validate`, so the store and the HTML layer never see a malformed name.

/// A problem with one field of an input, by JSON-path-like location.
public struct FieldProblem: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Index of the element in a batch, when the input is a list.
    public var index: Int?
    public var field: String
    public var message: String

    public init(index: Int? = nil, field: String, message: String) {
        self.index = index
        self.field = field
        self.message = message
    }

    public var description: String {
        if let index { return "[\(index)] \(field): \(message)" }
        return "\(field): \(message)"
    }
}

/// Names of domains and products: lowercase ASCII letters, digits, '-', '_' and '.',
/// starting with a letter or digit, at most 63 characters. Safe in URLs, file names and SQL identifiers.
public enum NameRule {
    public static func problem(_ value: String) -> String? {
        if value.isEmpty { return "must not be empty" }
        if value.utf8.count > 63 { return "must be at most 63 characters" }
        var first = true
        for byte in value.utf8 {
            let isAlnum = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            let isPunct = byte == 0x2D || byte == 0x5F || byte == 0x2E
            if !(isAlnum || (!first && isPunct)) {
                return "must be lowercase letters, digits, '-', '_' or '.', starting with a letter or digit"
            }
            first = false
        }
        return nil
    }
}

public struct DomainName: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public let rawValue: String

    public init(_ rawValue: String) throws(CoreError) {
        if let problem = NameRule.problem(rawValue) {
            throw CoreError.invalidName(kind: "domain", problem: problem)
        }
        self.rawValue = rawValue
    }

    /// For values read back from the store, which only ever holds validated names.
    public init(trusted rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        try self.init(raw)
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// A data product: `domain/name`.
public struct ProductID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let domain: DomainName
    public let name: String

    public init(domain: DomainName, name: String) throws(CoreError) {
        if let problem = NameRule.problem(name) {
            throw CoreError.invalidName(kind: "product", problem: problem)
        }
        self.domain = domain
        self.name = name
    }

    public init(trustedDomain domain: String, name: String) {
        self.domain = DomainName(trusted: domain)
        self.name = name
    }

    /// Parses `domain/name`.
    public init(path: String) throws(CoreError) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw CoreError.invalidName(kind: "product", problem: "must be written domain/name")
        }
        try self.init(domain: DomainName(String(parts[0])), name: String(parts[1]))
    }

    public var description: String { "\(domain.rawValue)/\(name)" }
    public static func < (a: Self, b: Self) -> Bool { a.description < b.description }
}

/// An OpenLineage-style dataset reference: a namespace (usually a connection URI) and a name.
public struct DatasetRef: Hashable, Sendable, Codable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(namespace):\(name)" }
}

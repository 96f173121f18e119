import StewardCEL

/// One policy file. A council policy (`owner: council`) applies to every domain; a domain policy
/// applies to that domain's products, and may `extends` a council policy to tighten it.
public struct PolicyDocument: Sendable {
    public enum Severity: String, Sendable, CaseIterable, Comparable {
        case low, medium, high, critical
        var rank: Int { Severity.allCases.firstIndex(of: self)! }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }
    public enum Target: String, Sendable { case product, dataset, column }

    /// A parameter and the direction in which a domain may change it.
    public struct Parameter: Sendable {
        public enum Kind: String, Sendable { case int, double, string, bool, duration, list }
        public enum Direction: String, Sendable {
            /// An upper bound: a domain may only lower it.
            case max
            /// A lower bound: a domain may only raise it.
            case min
            /// An allowed set: a domain may only remove members.
            case subset
            /// A domain may not change it.
            case fixed
        }
        public let name: String
        public let kind: Kind
        public let direction: Direction
        public var value: Value
        public var description: String?
    }

    public var id: String
    public var title: String
    public var description: String?
    public var severity: Severity
    /// "council" or a domain name.
    public var owner: String
    public var target: Target
    public var match: String
    public var rule: String
    public var message: String?
    public var remediation: String?
    public var params: [String: Parameter]
    /// For a domain policy that tightens a council policy: the council policy's id.
    public var extends: String?
    /// Parameter values a tightening policy sets, before they are checked against the global ones.
    public var overrides: [String: Value] = [:]
    /// Content hash, recorded with every finding so a finding names the exact policy text.
    public var version: String
    public var file: String
    /// The file's text, for diagnostics.
    var text: String = ""
    /// Lines of the fields, for diagnostics.
    var lines: [String: (line: Int, column: Int, block: Bool)] = [:]

    public var isCouncil: Bool { owner == "council" }
}

/// 64-bit FNV-1a, as hex: a stable, dependency-free content version.
func contentVersion(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}

import StewardCEL

/// The result of one policy on one target at one time. Findings are kept as history.
public struct Finding: Sendable, Equatable {
    public enum Result: String, Sendable, Codable { case pass, fail, waived, error }
    public var policy: String
    public var policyVersion: String
    public var owner: String
    public var severity: PolicyDocument.Severity
    /// "domain/product", "domain/product/dataset" or "domain/product/dataset/column".
    public var target: String
    public var result: Result
    public var message: String
    public var remediation: String?
    /// The values the rule looked at, rendered as CEL literals.
    public var evidence: [String: String]
}

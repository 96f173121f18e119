import StewardCEL

/// The result of one policy on one target at one time. Findings are kept as history.
///
/// Message and evidence cost more than the result (they render values as text), so an
/// evaluation may leave them for later: `detailed()` renders them when a finding is kept.
public struct Finding: Sendable {
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
    /// What `detailed()` needs: set when the evaluation left message and evidence out.
    var pending: PendingDetails?

    public var hasDetails: Bool { pending == nil }

    /// The finding with its message and evidence.
    public func detailed() -> Finding {
        guard let pending else { return self }
        var f = self
        pending.policy.fillDetails(&f, pending.variables)
        f.pending = nil
        return f
    }
}

struct PendingDetails: Sendable {
    let policy: CompiledPolicy
    let variables: Activation
}

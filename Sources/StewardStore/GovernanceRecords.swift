import StewardCore

/// A policy file submitted through the API (council or domain), kept with every earlier version.
/// Policies in the server's policy directory are not stored; these come on top of them.
public struct PolicyRecord: Sendable, Equatable {
    public var id: String
    /// "council" or a domain name.
    public var owner: String
    /// The YAML text as submitted; empty for a deletion.
    public var text: String
    public var submittedBy: String
    public var submittedAt: Timestamp
    public var deleted: Bool

    public init(id: String, owner: String, text: String, submittedBy: String, submittedAt: Timestamp, deleted: Bool = false) {
        self.id = id; self.owner = owner; self.text = text; self.submittedBy = submittedBy
        self.submittedAt = submittedAt; self.deleted = deleted
    }
}

/// A time-boxed exception granted by the council. Revoking keeps the record (history).
public struct WaiverRecord: Sendable, Equatable {
    public var id: String
    public var policy: String
    /// "domain/product", optionally "/dataset" and "/column": the waiver covers the target and all below it.
    public var target: String
    public var reason: String
    /// The person who approved it, as the council wrote it.
    public var approver: String
    /// The token that granted it.
    public var grantedBy: String
    public var createdAt: Timestamp
    public var expiresAt: Timestamp
    public var revokedAt: Timestamp?
    public var revokedBy: String?

    public init(id: String, policy: String, target: String, reason: String, approver: String, grantedBy: String,
                createdAt: Timestamp, expiresAt: Timestamp, revokedAt: Timestamp? = nil, revokedBy: String? = nil) {
        self.id = id; self.policy = policy; self.target = target; self.reason = reason; self.approver = approver
        self.grantedBy = grantedBy; self.createdAt = createdAt; self.expiresAt = expiresAt
        self.revokedAt = revokedAt; self.revokedBy = revokedBy
    }

    public func isActive(at time: Timestamp) -> Bool { revokedAt == nil && time < expiresAt }

    /// The product the target names ("domain/product" prefix).
    public var product: ProductID? {
        let parts = target.split(separator: "/", maxSplits: 2)
        guard parts.count >= 2 else { return nil }
        return try? ProductID(domain: DomainName(String(parts[0])), name: String(parts[1]))
    }
}

/// One policy's result on one target over a period: a new record starts when the result, the
/// policy version or the severity changes, and the previous one ends then. Message and evidence
/// are those of the evaluation that started the period.
public struct FindingRecord: Sendable {
    public var product: ProductID
    public var policy: String
    public var policyVersion: String
    /// "council" or the domain whose policy (or tightening) produced it.
    public var owner: String
    public var severity: String
    public var target: String
    /// pass, fail, waived or error.
    public var result: String
    public var message: String
    public var remediation: String?
    /// JSON object of the values the rule looked at.
    public var evidence: String
    public var since: Timestamp
    public var until: Timestamp?
    /// Renders message and evidence when the evaluation left them out; the store calls it (through
    /// `detailed()`) only for findings that start a period, so an unchanged finding costs no text.
    public var details: (@Sendable () -> (message: String, evidence: String))?

    public init(product: ProductID, policy: String, policyVersion: String, owner: String, severity: String, target: String,
                result: String, message: String, remediation: String?, evidence: String, since: Timestamp, until: Timestamp? = nil,
                details: (@Sendable () -> (message: String, evidence: String))? = nil) {
        self.product = product; self.policy = policy; self.policyVersion = policyVersion; self.owner = owner
        self.severity = severity; self.target = target; self.result = result; self.message = message
        self.remediation = remediation; self.evidence = evidence; self.since = since; self.until = until
        self.details = details
    }

    /// The record with message and evidence rendered.
    public func detailed() -> FindingRecord {
        guard let details else { return self }
        var f = self
        (f.message, f.evidence) = details()
        f.details = nil
        return f
    }

    /// Same state: a re-evaluation giving this does not start a new period.
    public func sameState(as other: FindingRecord) -> Bool {
        result == other.result && policyVersion == other.policyVersion && severity == other.severity
    }
}

/// Which findings to read: those in force at `asOf` (now if nil), narrowed by domain, product or policy.
public struct FindingQuery: Sendable {
    public var domain: DomainName?
    public var product: ProductID?
    public var policy: String?
    public var asOf: Timestamp?

    public init(domain: DomainName? = nil, product: ProductID? = nil, policy: String? = nil, asOf: Timestamp? = nil) {
        self.domain = domain; self.product = product; self.policy = policy; self.asOf = asOf
    }
}

/// How a product's findings change when a new evaluation replaces the current ones: the
/// periods that end, and the findings that start a period. Both backends use it.
public struct FindingDiff: Sendable {
    public struct Current: Sendable {
        public var id: Int64
        public var policy: String
        public var target: String
        public var result: String
        public var version: String
        public var severity: String
        public init(id: Int64, policy: String, target: String, result: String, version: String, severity: String) {
            self.id = id; self.policy = policy; self.target = target; self.result = result; self.version = version; self.severity = severity
        }
    }

    public private(set) var ended: [Int64] = []
    public private(set) var started: [FindingRecord] = []
    /// True when the new findings match the open periods: nothing to write.
    public var isEmpty: Bool { ended.isEmpty && started.isEmpty }

    public init(current: [Current], new: [FindingRecord]) {
        var open: [String: Current] = [:]
        for c in current {
            // A duplicate open period (not written by this code) is closed rather than kept.
            if let older = open.updateValue(c, forKey: c.policy + "\u{0}" + c.target) { ended.append(older.id) }
        }
        var seen = Set<String>()
        for f in new {
            let key = f.policy + "\u{0}" + f.target
            guard seen.insert(key).inserted else { continue }
            if let c = open.removeValue(forKey: key) {
                if c.result == f.result && c.version == f.policyVersion && c.severity == f.severity { continue }
                ended.append(c.id)
            }
            started.append(f.detailed())
        }
        ended += open.values.map(\.id)
    }
}

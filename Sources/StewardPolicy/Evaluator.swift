import StewardCEL

extension PolicySet {
    /// Evaluates every applicable policy on the product and, per its target, on each dataset or
    /// column. A rule that errors is an `error` finding, never a pass. With `details: false`
    /// messages and evidence are rendered only when `Finding.detailed()` asks for them.
    public func evaluate(_ input: PolicyInput, waivers: [Waiver] = [], details: Bool = true) -> [Finding] {
        guard case .map(let product) = input.product, case .string(let domain)? = product["domain"],
              case .string(let name)? = product["name"] else { return [] }
        var findings: [Finding] = []
        for policy in applicable(to: domain) {
            var base = policy.activation
            let slots = policy.slots
            if let s = slots.product { base[slot: s] = input.product }
            if let s = slots.observed { base[slot: s] = input.observed }
            if let s = slots.now { base[slot: s] = .timestamp(input.now) }
            if let s = slots.params { base[slot: s] = policy.params }
            // The target's name is built only for targets the policy's match selects.
            func record(_ target: @autoclosure () -> String) {
                if let finding = policy.evaluate(base, target: target, at: input.now, waivers: waivers, details: details) { findings.append(finding) }
            }
            switch policy.document.target {
            case .product:
                record("\(domain)/\(name)")
            case .dataset, .column:
                guard case .list(let datasets)? = product["datasets"] else { continue }
                for dataset in datasets {
                    guard case .map(let d) = dataset, case .string(let datasetName)? = d["name"] else { continue }
                    if let s = slots.dataset { base[slot: s] = dataset }
                    if policy.document.target == .dataset {
                        record("\(domain)/\(name)/\(datasetName)")
                        continue
                    }
                    guard case .list(let columns)? = d["columns"] else { continue }
                    for column in columns {
                        guard case .map(let c) = column, case .string(let columnName)? = c["name"] else { continue }
                        if let s = slots.column { base[slot: s] = column }
                        record("\(domain)/\(name)/\(datasetName)/\(columnName)")
                    }
                }
            }
        }
        return findings
    }
}

extension CompiledPolicy {
    /// The finding on one target, or nil when the policy's match excludes the target.
    func evaluate(_ variables: Activation, target name: () -> String, at now: CELTimestamp, waivers: [Waiver], details: Bool) -> Finding? {
        // A match that errors is reported as an error finding, never silently skipped.
        var matchError: CELError?
        do throws(CELError) {
            guard case .bool(true) = try match.evaluate(variables) else { return nil }
        } catch {
            matchError = error
        }
        let target = name()
        var finding = Finding(policy: document.id, policyVersion: document.version, owner: domain ?? document.owner,
                              severity: severity, target: target, result: .pass, message: "", remediation: document.remediation,
                              evidence: [:], pending: nil)
        do throws(CELError) {
            if let matchError { throw matchError }
            for rule in rules {
                switch try rule.evaluate(variables) {
                case .bool(true): continue
                case .bool(false): finding.result = .fail
                case let other: throw CELError(.typeMismatch, "the rule gave \(other.type), not a bool")
                }
                break
            }
        } catch {
            finding.result = .error
            finding.message = "evaluation error: \(error.message)"
        }
        if finding.result == .fail, waivers.contains(where: { $0.covers(policy: document.id, target: target, at: now) }) {
            finding.result = .waived
        }
        if details { fillDetails(&finding, variables) } else { finding.pending = PendingDetails(policy: self, variables: variables) }
        return finding
    }

    /// Evidence for every finding; the message template for violations ("passes" otherwise, and
    /// an error finding keeps its error).
    func fillDetails(_ finding: inout Finding, _ variables: Activation) {
        for (name, program) in evidence {
            finding.evidence[name] = (try? program.evaluate(variables))?.debugDescription ?? "(error)"
        }
        switch finding.result {
        case .fail, .waived: finding.message = render(variables)
        case .pass: finding.message = "passes"
        case .error: break
        }
    }

    private func render(_ variables: Activation) -> String {
        message.map { part -> String in
            switch part {
            case .text(let t): return t
            case .expression(let p):
                switch try? p.evaluate(variables) {
                case .string(let s)?: return s
                case let v?: return v.debugDescription
                case nil: return "?"
                }
            }
        }.joined()
    }
}

/// A time-boxed exception the council granted: a failing finding of `policy` on `target`
/// (or anything under it) counts as waived until `expires`, then counts again by itself.
public struct Waiver: Sendable, Equatable {
    public var id: String
    public var policy: String
    public var target: String
    public var reason: String
    public var approver: String
    public var expires: CELTimestamp
    public var revoked: Bool

    public init(id: String, policy: String, target: String, reason: String, approver: String, expires: CELTimestamp, revoked: Bool = false) {
        self.id = id; self.policy = policy; self.target = target; self.reason = reason
        self.approver = approver; self.expires = expires; self.revoked = revoked
    }

    public func covers(policy: String, target: String, at time: CELTimestamp) -> Bool {
        !revoked && self.policy == policy && time < expires && (target == self.target || target.hasPrefix(self.target + "/"))
    }
}

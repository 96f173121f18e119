import Foundation
import Testing
@testable import StewardCEL
import StewardCore
@testable import StewardPolicy

let councilRetention = (name: "policies/retention.yaml", text: """
id: retention
title: PII retention is bounded
severity: high
owner: council
target: product
rule: has(product.retention) && product.retention <= params.maxRetention && product.classification in params.allowed
params:
  maxRetention: {type: duration, direction: max, default: P365D}
  minReviewers: {type: int, direction: min, default: 2}
  allowed: {type: list, direction: subset, default: [confidential, restricted]}
  region: {type: string, direction: fixed, default: eu}
""")

func domainPolicy(_ body: String) -> (name: String, text: String) {
    ("policies/domains/payments/p.yaml", "id: payments-retention\nowner: payments\nextends: retention\n" + body)
}

@Suite struct FederationTests {
    @Test(arguments: [
        ("severity: medium", "severity medium is lower than high"),
        ("params:\n  maxRetention: P400D", "parameter 'maxRetention'"),
        ("params:\n  minReviewers: 1", "parameter 'minReviewers'"),
        ("params:\n  allowed: [confidential, restricted, internal]", "adds 'internal'"),
        ("params:\n  region: us", "fixed"),
        ("params:\n  nosuch: 1", "parameter 'nosuch' does not exist"),
        ("match: product.tier == 'gold'", "may not change"),
        ("target: dataset", "target may not change"),
        ("enabled: false", "unknown field 'enabled'"),
    ])
    func everyKindOfLooseningIsRejected(body: String, expected: String) {
        let set = PolicySet(files: [councilRetention, domainPolicy(body)])
        #expect(set.diagnostics.contains { $0.message.contains(expected) }, "\(set.diagnostics)")
        // The council policy itself still applies to payments, untouched.
        let forPayments = set.applicable(to: "payments")
        #expect(forPayments.count == 1)
        #expect(forPayments.first?.domain == nil)
    }

    @Test func looseningDiagnosticsNameTheGlobalPolicyAndParameter() {
        let set = PolicySet(files: [councilRetention, domainPolicy("params:\n  maxRetention: P400D")])
        let message = set.diagnostics.first?.description ?? ""
        #expect(message.contains("council policy 'retention'"))
        #expect(message.contains("maxRetention"))
        #expect(message.hasPrefix("policies/domains/payments/p.yaml:"))
    }

    @Test(arguments: [
        "severity: critical",
        "params:\n  maxRetention: P180D",
        "params:\n  minReviewers: 3",
        "params:\n  allowed: [restricted]",
        "params:\n  region: eu",
        "rule: product.owner != ''",
    ])
    func everyKindOfTighteningIsAccepted(body: String) throws {
        let set = PolicySet(files: [councilRetention, domainPolicy(body)])
        #expect(set.diagnostics.isEmpty, "\(set.diagnostics)")
        let tightened = try #require(set.applicable(to: "payments").first)
        #expect(tightened.domain == "payments")
        #expect(set.applicable(to: "logistics").first?.domain == nil)
    }

    @Test func aTightenedPolicyIsStricterInEffect() throws {
        let set = PolicySet(files: [councilRetention, domainPolicy("severity: critical\nparams:\n  maxRetention: P180D\nrule: product.owner != ''")])
        func input(domain: String, retention: String, owner: String) throws -> PolicyInput {
            try PolicyInput(json: ["now": "2026-01-01T00:00:00Z", "product": [
                "domain": domain, "name": "p", "owner": owner, "tier": "gold", "classification": "restricted", "retention": retention,
            ]])
        }
        let payments = set.evaluate(try input(domain: "payments", retention: "P300D", owner: "team"))
        #expect(payments.map(\.result) == [.fail])
        #expect(payments.first?.severity == .critical)
        #expect(payments.first?.evidence["params.maxRetention"] == "P180D")
        #expect(set.evaluate(try input(domain: "payments", retention: "P100D", owner: "")).map(\.result) == [.fail])
        #expect(set.evaluate(try input(domain: "payments", retention: "P100D", owner: "team")).map(\.result) == [.pass])
        #expect(set.evaluate(try input(domain: "logistics", retention: "P300D", owner: "")).map(\.result) == [.pass])
    }
}

@Suite struct BrokenPolicyTests {
    static func policy(_ id: String, rule: String) -> (name: String, text: String) {
        ("policies/\(id).yaml", "id: \(id)\ntitle: t\nseverity: low\nowner: council\nrule: \(rule)\n")
    }

    @Test(arguments: [
        ("product.owner == ", "policy_cel_error"),
        ("prodcut.owner != ''", "undeclared reference to 'prodcut'"),
        ("product.ownr != ''", "unknown field 'ownr'"),
        ("product.tier + 1 == 2", "no operator + for string and int"),
        ("size(product.datasets)", "must be a boolean expression"),
        ("product.datasets.exists(d, d.colums.size() > 0)", "unknown field 'colums'"),
    ])
    func aBrokenPolicyIsRejectedAndTheOthersStillLoad(rule: String, expected: String) {
        let set = PolicySet(files: [Self.policy("broken", rule: rule), Self.policy("fine", rule: "product.owner != ''")])
        #expect(set.diagnostics.contains { $0.description.contains(expected) }, "\(set.diagnostics)")
        #expect(set.policies.map(\.document.id) == ["fine"])
    }

    /// Descriptors' and policies' durations stop where CEL's do, so every one reaches policies.
    @Test func theDurationCapIsCELs() throws {
        #expect(ISODuration.maxSeconds == Double(CELDuration.maxSeconds))
        #expect(try celDuration(parsing: "P292Y").seconds == 292 * 365 * 86_400)
    }

    /// A fraction of a second reaches policies as written, not truncated to whole seconds.
    @Test func fractionalDurationsKeepTheirFraction() throws {
        #expect(try celDuration(parsing: "PT0.5S") == CELDuration(seconds: 0, nanos: 500_000_000))
        #expect(try celDuration(parsing: "PT1.25S") == CELDuration(seconds: 1, nanos: 250_000_000))
        #expect(try celDuration(parsing: "PT1.5H") == CELDuration(seconds: 5400))
    }

    /// A duration parameter beyond CEL's range is a diagnostic on its line, not a trap.
    @Test func anOutOfRangeDurationParameterIsADiagnostic() {
        let set = PolicySet(files: [councilRetention, domainPolicy("params:\n  maxRetention: P3999999999999999999990D\n")])
        #expect(set.diagnostics.contains { $0.line == 5 && $0.message == "parameter 'maxRetention': 'P3999999999999999999990D' is longer than 292 years, the longest CEL duration" }, "\(set.diagnostics)")
    }

    @Test func diagnosticsPointIntoTheFileWithACaret() throws {
        let set = PolicySet(files: [Self.policy("typo", rule: "product.owner != '' && product.ownr != ''")])
        let d = try #require(set.diagnostics.first)
        #expect(d.file == "policies/typo.yaml")
        #expect(d.line == 5)
        #expect(d.column == 37)   // the "." of ".ownr"
        #expect(d.description.contains("^"))
    }

    @Test func aRuleThatErrorsIsAnErrorFindingNeverAPass() throws {
        let set = PolicySet(files: [Self.policy("divides", rule: "1 / size(product.consumers) == 1")])
        let findings = set.evaluate(try PolicyInput(json: ["product": ["domain": "d", "name": "p", "owner": "o"]]))
        #expect(findings.map(\.result) == [.error])
        #expect(findings.first?.message.contains("division by zero") == true)
    }

    @Test func aRuleThatExhaustsItsBudgetEndsAsAnErrorFinding() throws {
        let rule = "product.consumers.all(a, product.consumers.all(b, product.consumers.all(c, product.consumers.all(d, true))))"
        let set = PolicySet(files: [Self.policy("heavy", rule: rule)])
        let consumers = (0..<200).map { "c\($0)" }
        let findings = set.evaluate(try PolicyInput(json: ["product": ["domain": "d", "name": "p", "owner": "o", "consumers": consumers]]))
        #expect(findings.map(\.result) == [.error])
    }
}

@Suite struct DefaultPolicySetTests {
    static var policiesDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../policies").standardizedFileURL.path
    }

    @Test func theDefaultPoliciesLoadCleanlyAndPassTheirTests() throws {
        let set = try PolicySet.load(directory: Self.policiesDirectory)
        #expect(set.diagnostics.isEmpty, "\(set.diagnostics)")
        #expect(set.policies.count >= 11)
        let report = try PolicyTestRunner.run(directory: Self.policiesDirectory, policies: set)
        for line in report.lines where line.hasPrefix("FAIL") || line.hasPrefix(" ") { Issue.record("\(line)") }
        #expect(report.failed == 0)
        #expect(report.passed >= 5)
    }

    @Test func waiversTurnFailuresIntoWaivedUntilTheyExpire() throws {
        let set = try PolicySet.load(directory: Self.policiesDirectory)
        let product: [String: Any] = ["domain": "d", "name": "p", "owner": "", "oncall": "", "tier": "bronze", "classification": "internal"]
        let waiver = Waiver(id: "w1", policy: "ownership-declared", target: "d/p", reason: "team forming", approver: "council",
                            expires: try CELTimestamp(parsing: "2026-02-01T00:00:00Z"))
        let before = set.evaluate(try PolicyInput(json: ["now": "2026-01-15T00:00:00Z", "product": product]), waivers: [waiver])
        #expect(before.first { $0.policy == "ownership-declared" }?.result == .waived)
        let after = set.evaluate(try PolicyInput(json: ["now": "2026-02-02T00:00:00Z", "product": product]), waivers: [waiver])
        #expect(after.first { $0.policy == "ownership-declared" }?.result == .fail)
    }
}

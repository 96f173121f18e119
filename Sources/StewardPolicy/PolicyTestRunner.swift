import Foundation
import Yams

/// Runs policy tests written as data (`*.test.yaml`): each case gives an input and the findings
/// it expects; the runner prints PASS or FAIL per case, in the spirit of `opa test`.
///
///     cases:
///       - name: gold product without a staleness SLO fails
///         input: {product: {...}, observed: {...}, now: "2026-01-01T00:00:00Z"}
///         expect:
///           - {policy: slo-gold-declares-staleness, result: fail}
///           - {policy: ownership-declared, result: pass, target: payments/orders}
public struct PolicyTestRunner {
    public struct Report: Sendable {
        public var lines: [String] = []
        public var passed = 0
        public var failed = 0
    }

    public static func run(directory: String, policies: PolicySet) throws -> Report {
        var report = Report()
        let root = URL(fileURLWithPath: directory)
        let files = (FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? [])
            .filter { $0.lastPathComponent.hasSuffix(".test.yaml") }
            .sorted { $0.path < $1.path }
        for url in files {
            let name = String(url.path.dropFirst(root.path.count).drop { $0 == "/" })
            let text = try String(contentsOf: url, encoding: .utf8)
            guard let doc = try Yams.load(yaml: text) as? [String: Any], let cases = doc["cases"] as? [[String: Any]] else {
                report.failed += 1
                report.lines.append("FAIL \(name): a test file is a mapping with a 'cases' list")
                continue
            }
            for testCase in cases {
                let title = testCase["name"] as? String ?? "(unnamed)"
                let problems = check(testCase, policies: policies)
                if problems.isEmpty {
                    report.passed += 1
                    report.lines.append("PASS \(name): \(title)")
                } else {
                    report.failed += 1
                    report.lines.append("FAIL \(name): \(title)")
                    report.lines += problems.map { "     \($0)" }
                }
            }
        }
        return report
    }

    static func check(_ testCase: [String: Any], policies: PolicySet) -> [String] {
        let input: PolicyInput
        do { input = try PolicyInput(json: testCase["input"] ?? [:]) } catch { return ["bad input: \(error.message)"] }
        let findings = policies.evaluate(input)
        var problems: [String] = []
        for expectation in testCase["expect"] as? [[String: Any]] ?? [] {
            let policy = expectation["policy"] as? String ?? ""
            let result = expectation["result"] as? String ?? ""
            let target = expectation["target"] as? String
            let matching = findings.filter { $0.policy == policy && (target == nil || $0.target == target) }
            if matching.isEmpty {
                problems.append("expected \(policy) \(result)\(target.map { " on \($0)" } ?? ""), but the policy did not apply")
            } else if let wrong = matching.first(where: { $0.result.rawValue != result }) {
                problems.append("expected \(policy) \(result) on \(wrong.target), got \(wrong.result.rawValue): \(wrong.message)")
            }
        }
        return problems
    }
}

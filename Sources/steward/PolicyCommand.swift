import ArgumentParser
import Foundation
import StewardCEL
import StewardPolicy

struct Policy: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check, test and try out CEL policies.",
        discussion: """
        Policies are YAML files (see policies/README.md and policies/VARIABLES.md).
          steward policy lint policies          every problem, as file:line:col with a caret
          steward policy test policies          run the *.test.yaml cases: PASS/FAIL lines, exit 1 on a failure
          steward policy eval --input FIXTURE.json policies
          steward policy eval --expr "size(x) > 1" --input values.json
        """,
        subcommands: [Lint.self, Test.self, Eval.self])

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Report every problem in a policy directory; exit 1 if there is any.")
        @Argument(help: "Directory of policy YAML files.") var directory = "policies"

        func run() throws {
            let set = try loadPolicies(directory)
            for diagnostic in set.diagnostics { print(diagnostic) }
            print("\(set.policies.count) policies compiled, \(set.diagnostics.count) problems")
            if !set.diagnostics.isEmpty { throw ExitCode(1) }
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the policy tests (*.test.yaml) in a directory.")
        @Argument(help: "Directory of policies and their tests.") var directory = "policies"

        func run() throws {
            let set = try loadPolicies(directory)
            for diagnostic in set.diagnostics { print(diagnostic) }
            let report = try PolicyTestRunner.run(directory: directory, policies: set)
            for line in report.lines { print(line) }
            print("\(report.passed) passed, \(report.failed) failed")
            if report.failed > 0 || !set.diagnostics.isEmpty { throw ExitCode(1) }
        }
    }

    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate policies against a fixture, or one CEL expression against JSON values.",
            discussion: """
            With --expr, the JSON file's top-level keys are the variables and the result is printed as JSON.
            Without it, the input is a policy fixture {"product": ..., "observed": ..., "now": ...} and every
            applicable policy's finding is printed.
            """)
        @Option(help: "A CEL expression to evaluate instead of the policies.") var expr: String?
        @Option(help: "JSON file: the variables (with --expr) or a policy fixture.") var input: String
        @Argument(help: "Directory of policy YAML files (without --expr).") var directory = "policies"

        func run() throws {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: input)) } catch {
                throw CommandFailure("cannot read \(input); pass a JSON file with --input")
            }
            let json: Any
            do { json = try JSONSerialization.jsonObject(with: data) } catch {
                throw CommandFailure("\(input) is not valid JSON")
            }
            if let expr {
                guard let object = json as? [String: Any] else { throw CommandFailure("\(input) must hold a JSON object; its keys become variables") }
                var variables: [String: Value] = [:]
                for (key, value) in object { variables[key] = try PolicyInput.dynamic(value, path: key) }
                switch evaluate(expr, variables) {
                case .success(let value): print(jsonText(value))
                case .failure(let error): throw CommandFailure(error.render(in: expr, file: "--expr"))
                }
                return
            }
            let set = try loadPolicies(directory)
            for diagnostic in set.diagnostics { print(diagnostic) }
            let fixture: PolicyInput
            do { fixture = try PolicyInput(json: json) } catch { throw CommandFailure("\(input): \(error.message)") }
            for finding in set.evaluate(fixture) {
                let evidence = finding.evidence.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: " ")
                print("\(finding.result.rawValue.uppercased().padding(toLength: 6, withPad: " ", startingAt: 0)) \(finding.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(finding.policy) \(finding.target): \(finding.message)" + (evidence.isEmpty ? "" : "\n       evidence: \(evidence)"))
            }
        }
    }
}

private func evaluate(_ expr: String, _ variables: [String: Value]) -> Result<Value, CELError> {
    Result { () throws(CELError) in
        try Environment(variables: Set(variables.keys)).compile(expr).evaluate(variables)
    }
}

private func loadPolicies(_ directory: String) throws -> PolicySet {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw CommandFailure("\(directory) is not a directory; pass the directory that holds the policy YAML files")
    }
    return try PolicySet.load(directory: directory)
}

/// A CEL value as JSON (timestamps and durations as strings; bytes as base64).
func jsonText(_ value: Value) -> String {
    switch value {
    case .null: return "null"
    case .bool(let b): return String(b)
    case .int(let i): return String(i)
    case .uint(let u): return String(u)
    case .double(let d): return d.isFinite ? String(d) : "\"\(d)\""
    case .string(let s):
        let data = (try? JSONSerialization.data(withJSONObject: [s], options: [.fragmentsAllowed])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    case .bytes(let b): return "\"\(Data(b).base64EncodedString())\""
    case .list(let items): return "[" + items.map(jsonText).joined(separator: ", ") + "]"
    case .map(let m): return "{" + zip(m.keys, m.values).map { "\(jsonText(.string(keyText($0)))): \(jsonText($1))" }.joined(separator: ", ") + "}"
    case .timestamp(let t): return "\"\(t.text)\""
    case .duration(let d): return "\"\(d.text)\""
    case .type(let t): return "\"\(t.name)\""
    }
}

private func keyText(_ key: Value) -> String {
    if case .string(let s) = key { return s }
    return jsonText(key)
}

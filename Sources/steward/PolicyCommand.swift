import ArgumentParser
import Foundation
import StewardAgent
import StewardCEL
import StewardPolicy

struct Policy: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check, test and try out CEL policies.",
        discussion: """
        Policies are YAML files (see policies/README.md and policies/VARIABLES.md).

          steward policy lint policies    every problem, as file:line:col, with a caret
          steward policy test policies    the *.test.yaml cases; exit 1 if one fails
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

    struct Eval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate policies against a fixture, a descriptor or a running server's product, or one CEL expression against JSON values.",
            discussion: """
            With --expr, the JSON file's top-level keys are the variables and the result is printed as JSON.
            Without it, every applicable policy in DIR is evaluated and its finding printed, against:
              --input FILE.json          a fixture {"product": ..., "observed": ..., "now": ...}, or a bare product descriptor
              --server URL --product D/N what a running server knows of that product now (token: --token or $STEWARD_TOKEN)
            """)
        @Option(help: "A CEL expression to evaluate instead of the policies.") var expr: String?
        @Option(help: "JSON file: the variables (with --expr), a policy fixture or a product descriptor.") var input: String?
        @Option(help: "A running steward to read the product from, e.g. http://127.0.0.1:8080.") var server: String?
        @Option(help: "With --server: the product, as domain/name.") var product: String?
        @Option(help: "With --server: a token that may read the product (default $STEWARD_TOKEN).") var token: String?
        @Argument(help: "Directory of policy YAML files (without --expr).") var directory = "policies"

        func run() async throws {
            let data: Data
            if let server {
                guard let product else { throw CommandFailure("--server needs --product domain/name") }
                guard let token = token ?? ProcessInfo.processInfo.environment["STEWARD_TOKEN"] else {
                    throw CommandFailure("--server needs a token: --token or $STEWARD_TOKEN")
                }
                let client = Pusher(baseURL: server, token: token, agentID: "steward-policy-eval")
                let (status, body): (Int, String)
                do { (status, body) = try await client.send("GET", "/api/v1/products/\(product)/policy-input") } catch {
                    throw CommandFailure("cannot reach \(server): \(error)")
                }
                guard status == 200 else { throw CommandFailure("\(server) answered \(status): \(body)") }
                data = Data(body.utf8)
            } else {
                guard let input else { throw CommandFailure("pass --input FILE.json, or --server URL --product domain/name") }
                do { data = try Data(contentsOf: URL(fileURLWithPath: input)) } catch {
                    throw CommandFailure("cannot read \(input); pass a JSON file with --input")
                }
            }
            let source = input ?? "the server's answer"
            var json: Any
            do { json = try JSONSerialization.jsonObject(with: data) } catch {
                throw CommandFailure("\(source) is not valid JSON")
            }
            if let expr {
                guard let object = json as? [String: Any] else { throw CommandFailure("\(source) must hold a JSON object; its keys become variables") }
                var variables: [String: Value] = [:]
                for (key, value) in object { variables[key] = try PolicyInput.dynamic(value, path: key) }
                switch evaluate(expr, variables) {
                case .success(let value): print(value.json)
                case .failure(let error): throw CommandFailure(error.render(in: expr, file: "--expr"))
                }
                return
            }
            // A bare descriptor is a fixture with nothing observed yet.
            if let object = json as? [String: Any], object["product"] == nil, object["datasets"] != nil { json = ["product": object] }
            let set = try loadPolicies(directory)
            for diagnostic in set.diagnostics { print(diagnostic) }
            let fixture: PolicyInput
            do { fixture = try PolicyInput(json: json) } catch { throw CommandFailure("\(source): \(error.message)") }
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

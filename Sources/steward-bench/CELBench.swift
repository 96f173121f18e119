import ArgumentParser
import Foundation
import StewardCEL
import StewardCore
import StewardPolicy

struct CEL: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "CEL evaluation: cel-go's reference expressions, filter/map scaling, a whole-mesh policy sweep, and the PyPI CEL engines side by side.")

    @Option(help: "A Python with cel-expr-python, common-expression-language and cel-python installed (see benchmarks/README.md); omit to time Steward only.")
    var python: String?
    @Option(help: "Seconds of timing per expression and engine.") var budget = 0.5

    func run() throws {
        let workloads = Workload.all
        var steward: [String: Double] = [:]
        print("Steward (StewardCEL), median ns per evaluation, each expression compiled once:")
        for w in workloads {
            let program = try Environment().compile(w.expr)
            let variables = w.variables.mapValues(Workload.value)
            _ = try program.evaluate(variables)
            let ns = medianNanoseconds(budget: budget) { _ = try? program.evaluate(variables) }
            steward[w.name] = ns
            let perElement = w.elements.map { String(format: "  (%.1f ns/element)", ns / Double($0)) } ?? ""
            print("  " + w.name.padding(toLength: 62, withPad: " ", startingAt: 0) + String(format: "%10.0f ns", ns) + perElement)
        }
        try sweep()
        try policySweep()
        if let python { try compare(with: python, workloads: workloads, steward: steward) }
    }

    /// 10,000 products by 50 policies on one core: every rule evaluated against every product.
    func sweep() throws {
        let programs = try MeshSweep.rules.map { try Environment(variables: ["product", "params"]).compile($0.rule) }
        let products = (0..<10_000).map(MeshSweep.product)
        var failures = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for product in products {
            for (index, program) in programs.enumerated() {
                let result = try? program.evaluate(["product": product, "params": MeshSweep.rules[index].params])
                if case .bool(false) = result { failures += 1 }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(String(format: "Whole-mesh sweep: %d products x %d policies = %d evaluations in %.3f s on one core (%.0f ns each), %d violations",
                     products.count, programs.count, products.count * programs.count, seconds,
                     seconds * 1e9 / Double(products.count * programs.count), failures))
    }

    /// 10,000 products through `PolicySet.evaluate` with 50 policies, on one core.
    func policySweep() throws {
        let set = try PolicySweep.policies(directory: "policies", count: 50)
        let now = Timestamp.now
        var start = DispatchTime.now().uptimeNanoseconds
        let inputs = (0..<10_000).map { PolicySweep.input($0, now: now) }
        let building = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(String(format: "Policy-engine sweep, %d products x %d policies (%d load problems); building the inputs took %.3f s:",
                     inputs.count, set.policies.count, set.diagnostics.count, building))
        // The server's timer sweep renders messages and evidence only for findings whose state
        // changed; the second line renders them for every finding.
        for details in [false, true] {
            var findings = 0, failing = 0
            start = DispatchTime.now().uptimeNanoseconds
            for input in inputs {
                let result = set.evaluate(input, details: details)
                findings += result.count
                failing += result.count { $0.result != .pass }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            print(String(format: "  %@: %d findings (%d not passing) in %.3f s on one core (%.0f ns per finding)",
                         details ? "with every message and evidence" : "results (details when a state changes)",
                         findings, failing, seconds, seconds * 1e9 / Double(max(findings, 1))))
        }
    }

    func compare(with python: String, workloads: [Workload], steward: [String: Double]) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../benchmarks/cel_python.py").standardizedFileURL.path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, String(budget)]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let json = try JSONSerialization.data(withJSONObject: workloads.map { ["name": $0.name, "expr": $0.expr, "variables": $0.variables] })
        input.fileHandleForWriting.write(json)
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var table: [String: [String: String]] = [:]
        var engines: [String] = []
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard let row = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let engine = row["engine"] as? String, let name = row["name"] as? String else { continue }
            if !engines.contains(engine) { engines.append(engine) }
            if let ns = row["ns_per_eval"] as? Double, let ours = steward[name] {
                table[name, default: [:]][engine] = String(format: "%.0f ns (%.1fx)", ns, ns / ours)
            } else {
                table[name, default: [:]][engine] = "error: \(row["error"] as? String ?? "?")".prefix(40).description
            }
        }
        print("\nSide by side (same run, same expressions and data); (Nx) = that engine's time / Steward's:")
        print("| workload | Steward | " + engines.joined(separator: " | ") + " |")
        print("|---|---:|" + engines.map { _ in "---:" }.joined(separator: "|") + "|")
        for w in workloads {
            let cells = engines.map { table[w.name]?[$0] ?? "-" }
            print("| `\(w.name)` | \(String(format: "%.0f ns", steward[w.name] ?? 0)) | " + cells.joined(separator: " | ") + " |")
        }
    }
}

/// Median over 7 batches of the mean time per call.
func medianNanoseconds(budget: Double, _ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    let one = max(Double(DispatchTime.now().uptimeNanoseconds - start), 20)
    let perBatch = max(1, Int(budget * 1e9 / 7 / one))
    var means: [Double] = []
    for _ in 0..<7 {
        let t0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<perBatch { body() }
        means.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / Double(perBatch))
    }
    return means.sorted().percentile(0.5)
}

struct Workload {
    let name: String
    let expr: String
    let variables: [String: Any]
    let elements: Int?

    static let listValue = ["abc", "cde", "efg", "ghi"]

    /// cel-go's test/bench/bench.go expressions, then the macro scaling workloads.
    static var all: [Workload] {
        let reference = [
            "string_value == 'value'", "string_value != 'value'", "'value' in list_value", "!('value' in list_value)",
            "x in ['a', 'b', 'c', 'd']", "!(x in ['a', 'b', 'c', 'd'])", "x in list_value", "!(x in list_value)",
            "list_value.exists(e, e.contains('cd'))", "list_value.exists(e, e.startsWith('cd'))",
            "list_value.exists(e, e.matches('cd*'))", "list_value.filter(e, e.matches('^cd+')) == ['cde']",
            "'formatted list: %s, size: %d'.format([['abc', 'cde'], 2])",
        ].map { Workload(name: $0, expr: $0, variables: ["string_value": "value", "list_value": listValue, "x": "c"], elements: nil) }
        var macros: [Workload] = []
        for n in [1_000, 10_000, 100_000] {
            let list = Array(0..<n)
            macros.append(Workload(name: "l.filter(e, e % 2 == 0) over \(n)", expr: "l.filter(e, e % 2 == 0)", variables: ["l": list], elements: n))
            macros.append(Workload(name: "l.map(e, e * 2) over \(n)", expr: "l.map(e, e * 2)", variables: ["l": list], elements: n))
        }
        return reference + macros
    }

    static func value(_ any: Any) -> Value {
        switch any {
        case let s as String: .string(s)
        case let i as Int: .int(Int64(i))
        case let l as [String]: .list(l.map(Value.string))
        case let l as [Int]: .list(l.map { .int(Int64($0)) })
        default: .null
        }
    }
}

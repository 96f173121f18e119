import Foundation
import Testing
@testable import StewardCEL

/// Runs the cel-spec conformance corpus (see Conformance/README.md) and prints the pass count.
@Suite struct ConformanceTests {
    static let files = ["basic", "comparisons", "conversions", "fields", "fp_math", "integer_math", "lists", "logic",
                        "macros", "macros2", "namespace", "parse", "plumbing", "string", "timestamps"]
    static let extensionFiles = ["string_ext": "ext:string", "math_ext": "ext:math"]

    struct Outcome {
        var passed = 0
        var failures: [String: String] = [:]   // id -> what happened
    }

    @Test func coreAndExtensionTestsPassExceptTheListedOnes() throws {
        let known = try Self.knownFailures()
        var core = Outcome(), ext = Outcome()
        for file in Self.files { try Self.run(file, allowed: [], into: &core) }
        for (file, requirement) in Self.extensionFiles.sorted(by: { $0.key < $1.key }) {
            try Self.run(file, allowed: [requirement], into: &ext)
        }
        for (name, outcome) in [("core", core), ("strings+math extensions", ext)] {
            let total = outcome.passed + outcome.failures.count
            print("CEL conformance (\(name)): \(outcome.passed) of \(total) passed, \(outcome.failures.count) listed as known failures")
        }
        let failures = core.failures.merging(ext.failures) { a, _ in a }
        let unlisted = failures.keys.filter { known[$0] == nil }.sorted()
        let nowPassing = known.keys.filter { failures[$0] == nil }.sorted()
        for id in unlisted { Issue.record("unlisted conformance failure \(id): \(failures[id]!)") }
        for id in nowPassing { Issue.record("\(id) is listed in known-failures.txt but passes; remove it from the list") }
        // At most 1% of the core corpus may be known failures.
        #expect(core.failures.count * 100 <= core.passed + core.failures.count)
        #expect(core.passed + core.failures.count == 1124)
    }

    static func directory() throws -> URL {
        try #require(Bundle.module.url(forResource: "Conformance", withExtension: nil))
    }

    static func knownFailures() throws -> [String: String] {
        let text = try String(contentsOf: directory().appendingPathComponent("known-failures.txt"), encoding: .utf8)
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let parts = line.split(separator: ":", maxSplits: 1)
            out[String(parts[0]).trimmingCharacters(in: .whitespaces)] = parts.count > 1 ? String(parts[1]) : ""
        }
        return out
    }

    static func run(_ file: String, allowed: Set<String>, into outcome: inout Outcome) throws {
        let data = try Data(contentsOf: directory().appendingPathComponent("\(file).json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let tests = try #require(root["tests"] as? [[String: Any]])
        for test in tests {
            let requires = Set(test["requires"] as? [String] ?? [])
            guard requires == allowed || (requires.isEmpty && allowed.isEmpty) else { continue }
            let id = "\(file)/\(test["section"] as? String ?? "")/\(test["name"] as? String ?? "")"
            if let problem = check(test) { outcome.failures[id] = problem } else { outcome.passed += 1 }
        }
    }

    /// nil if the test passes, else what went wrong.
    static func check(_ test: [String: Any]) -> String? {
        let source = test["expr"] as? String ?? ""
        var bindings: [String: Value] = [:]
        for (name, binding) in test["bindings"] as? [String: Any] ?? [:] {
            guard let value = (binding as? [String: Any])?["value"] as? [String: Any], let decoded = decode(value) else {
                return "cannot decode binding \(name)"
            }
            bindings[name] = decoded
        }
        let result: Result<Value, CELError>
        do {
            let program = try Environment().compile(source)
            result = Result { () throws(CELError) in try program.evaluate(bindings) }
        } catch {
            result = .failure(error)
        }
        if test["eval_error"] != nil {
            if case .success(let v) = result { return "expected an error, got \(v.debugText)" }
            return nil
        }
        // A test with no expectation expects `true` (the textproto default).
        let expectedJSON = test["value"] as? [String: Any] ?? ["bool_value": true]
        guard let expected = decode(expectedJSON) else {
            return "unsupported expectation"
        }
        switch result {
        case .failure(let error): return "expected \(expected.debugText), got error: \(error.message)"
        case .success(let actual):
            return identical(actual, expected) ? nil : "expected \(expected.debugText), got \(actual.debugText)"
        }
    }

    /// Same type and same value (NaN is identical to NaN here, unlike `==`).
    static func identical(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.double(let x), .double(let y)): return (x.isNaN && y.isNaN) || (x == y && x.sign == y.sign)
        case (.list(let x), .list(let y)): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        case (.map(let x), .map(let y)):
            guard x.count == y.count else { return false }
            for (k, v) in zip(x.keys, x.values) {
                guard let other = try? y.lookup(k), identical(v, other) else { return false }
            }
            return true
        default: return a.type == b.type && Value.equal(a, b)
        }
    }

    static func decode(_ json: [String: Any]) -> Value? {
        if let s = json["int64_value"] as? String { return Int64(s).map(Value.int) }
        if let n = json["int64_value"] as? NSNumber { return .int(n.int64Value) }
        if let s = json["uint64_value"] as? String { return UInt64(s).map(Value.uint) }
        if let n = json["uint64_value"] as? NSNumber { return .uint(n.uint64Value) }
        if let d = json["double_value"] {
            if let s = d as? String { return parseDouble(s).map(Value.double) }
            return (d as? NSNumber).map { .double($0.doubleValue) }
        }
        if let s = json["string_value"] as? String { return .string(s) }
        if let b = json["bool_value"] as? Bool { return .bool(b) }
        if let b = json["bytes_value"] as? String { return Data(base64Encoded: b).map { .bytes(Array($0)) } }
        if json.keys.contains("null_value") { return .null }
        if let t = json["type_value"] as? String { return .type(CELType(t)) }
        if let list = json["list_value"] as? [String: Any] {
            var items: [Value] = []
            for item in list["values"] as? [[String: Any]] ?? [] {
                guard let v = decode(item) else { return nil }
                items.append(v)
            }
            return .list(items)
        }
        if let map = json["map_value"] as? [String: Any] {
            var out = MapValue()
            for entry in map["entries"] as? [[String: Any]] ?? [] {
                guard let k = (entry["key"] as? [String: Any]).flatMap(decode),
                      let v = (entry["value"] as? [String: Any]).flatMap(decode),
                      (try? out.insert(k, v)) != nil else { return nil }
            }
            return .map(out)
        }
        return nil
    }
}

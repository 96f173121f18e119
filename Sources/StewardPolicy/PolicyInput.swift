import Foundation
import StewardCEL
import StewardCore

/// What policies see about one product: its descriptor, what agents observed, and the time.
/// Built from the store by the server, or from a JSON fixture by `steward policy test|eval`.
public struct PolicyInput: Sendable {
    public var product: Value
    public var observed: Value
    public var now: CELTimestamp

    public init(product: Value, observed: Value, now: CELTimestamp) {
        self.product = product; self.observed = observed; self.now = now
    }

    /// From JSON `{"product": {...}, "observed": {...}, "now": "RFC 3339"}`. Durations may be
    /// ISO 8601 ("PT1H", "P365D") or CEL ("3600s"); timestamps are RFC 3339. `observed.staleness`
    /// and `observed.oldestRecordAge` are derived from the timestamps when absent.
    public init(json: Any) throws(PolicyDiagnostic) {
        guard let root = json as? [String: Any] else { throw Self.bad("the input must be a JSON object with product, observed and now") }
        let nowText = root["now"] as? String
        do {
            now = try nowText.map { text throws(CELError) in try CELTimestamp(parsing: text) } ?? CELTimestamp(seconds: Int64(Date().timeIntervalSince1970))
            product = try Self.convert(root["product"] ?? [:], schema: Schema.product, path: "product")
            var observed = try Self.convert(root["observed"] ?? [:], schema: Schema.observed, path: "observed")
            if case .map(var m) = observed {
                for (at, age) in [("lastUpdatedAt", "staleness"), ("oldestRecordAt", "oldestRecordAge")] where m[age] == nil {
                    if case .timestamp(let t)? = m[at] { try m.insert(.string(age), .duration(try now.difference(t))) }
                }
                observed = .map(m)
            }
            self.observed = observed
        } catch let error as PolicyDiagnostic {
            throw error
        } catch {
            throw Self.bad(String(describing: error))
        }
    }

    static func bad(_ message: String) -> PolicyDiagnostic {
        PolicyDiagnostic(.invalidDocument, file: "input", line: 1, column: 1, message)
    }

    /// JSON to CEL, using the schema to read durations and timestamps and to reject unknown fields.
    static func convert(_ json: Any, schema: Schema, path: String) throws -> Value {
        switch (schema, json) {
        case (.object(let fields), let object as [String: Any]):
            var map = MapValue()
            for (key, value) in object.sorted(by: { $0.key < $1.key }) {
                guard let field = fields[key] else {
                    throw bad("\(path).\(key): unknown field; known fields: \(fields.keys.sorted().joined(separator: ", "))")
                }
                try map.insert(.string(key), try convert(value, schema: field, path: "\(path).\(key)"))
            }
            // Absent lists are empty (no usage seen, no grants, no tags), so rules need no has().
            for (key, field) in fields.sorted(by: { $0.key < $1.key }) where object[key] == nil {
                if case .list = field { try map.insert(.string(key), .list([])) }
            }
            return .map(map)
        case (.list(let element), let array as [Any]):
            return .list(try array.enumerated().map { try convert($1, schema: element, path: "\(path)[\($0)]") })
        case (.duration, let text as String):
            if text.hasPrefix("P") {
                guard let duration = celDuration(iso: text) else { throw bad("\(path): '\(text)' is not an ISO 8601 duration") }
                return .duration(duration)
            }
            return .duration(try CELDuration(parsing: text))
        case (.timestamp, let text as String):
            return .timestamp(try CELTimestamp(parsing: text))
        case (.string, let text as String):
            return .string(text)
        case (.bool, let b as Bool):
            return .bool(b)
        case (.int, let i as Int):
            return .int(Int64(i))
        case (.double, let d as Double):
            return .double(d)
        case (.double, let i as Int):
            return .double(Double(i))
        case (.dyn, _):
            return try dynamic(json, path: path)
        default:
            throw bad("\(path): expected \(schema.name)")
        }
    }

    /// JSON to CEL without a schema (for `policy eval --expr`): numbers without a fraction are ints.
    public static func dynamic(_ json: Any, path: String = "") throws -> Value {
        switch json {
        case is NSNull: return .null
        case let s as String: return .string(s)
        case let n as NSNumber:
            // Check the number's own type: on Linux a JSON 1 also casts to Bool.
            if isBool(n) { return .bool(n.boolValue) }
            return ["d", "f"].contains(String(cString: n.objCType)) ? .double(n.doubleValue) : .int(n.int64Value)
        case let b as Bool: return .bool(b)
        case let i as Int: return .int(Int64(i))
        case let d as Double: return .double(d)
        case let array as [Any]: return .list(try array.map { try dynamic($0, path: path) })
        case let object as [String: Any]:
            var map = MapValue()
            for (k, v) in object.sorted(by: { $0.key < $1.key }) { try map.insert(.string(k), try dynamic(v, path: path)) }
            return .map(map)
        default: throw bad("\(path): unsupported JSON value")
        }
    }
}

/// A parsed ISO 8601 duration as a CEL duration, fractions kept (PT0.5S is half a second, not
/// zero). ISODuration stops at a CEL duration's range, so this is nil for none it accepts.
func celDuration(_ parsed: ISODuration) -> CELDuration? {
    let whole = parsed.seconds.rounded(.towardZero)
    let nanos = ((parsed.seconds - whole) * 1e9).rounded()
    return try? CELDuration(seconds: Int64(whole), nanos: Int64(nanos))
}

/// An ISO 8601 duration ("P365D", "PT1H") as a CEL duration; throws as `ISODuration` does.
func celDuration(parsing text: String) throws(CoreError) -> CELDuration {
    guard let duration = celDuration(try ISODuration(text)) else { throw .durationOutOfRange }
    return duration
}

/// The same, or nil if `text` is not one.
func celDuration(iso text: String) -> CELDuration? { try? celDuration(parsing: text) }

/// JSON booleans arrive as NSNumber; their Objective-C type code is "c" (char).
private func isBool(_ n: NSNumber) -> Bool {
    String(cString: n.objCType) == "c"
}

import StewardCore

/// Reads fields from one parsed JSON object and records every problem instead of throwing at
/// the first, so one answer can list everything wrong with a batch or descriptor.
///
/// Objects hold a handful of members, so lookups compare keys in order: no hashing, no index.
struct FieldReader {
    let members: [(key: String, value: JSONValue)]
    let index: Int?
    let prefix: String
    var problems: [FieldProblem] = []

    init(_ members: [(key: String, value: JSONValue)], index: Int?, prefix: String) {
        self.members = members
        self.index = index
        self.prefix = prefix
    }

    func path(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    mutating func problem(_ key: String, _ message: String) {
        problems.append(FieldProblem(index: index, field: path(key), message: message))
    }

    /// Reports keys outside `allowed`: a typo such as `rowcount` should not be silently dropped.
    /// A list, not a set: a dozen names compare faster than they hash (hashing every key of every
    /// observation was 3% of the server's CPU while ingesting JSON).
    mutating func rejectUnknown(_ allowed: [String]) {
        for m in members where !allowed.contains(m.key) {
            problem(m.key, "unknown field")
        }
    }

    /// The member's value; a missing member and an explicit null are both absent.
    func value(_ key: String) -> JSONValue? {
        for m in members where m.key == key {
            if case .null = m.value { return nil }
            return m.value
        }
        return nil
    }

    /// The value of `key`, or nil after recording "is required" or "must be <typeName>".
    private mutating func read<T>(_ key: String, required: Bool, typeName: String, _ convert: (JSONValue) -> T?) -> T? {
        guard let v = value(key) else {
            if required { problem(key, "is required") }
            return nil
        }
        guard let converted = convert(v) else {
            problem(key, "must be \(typeName)")
            return nil
        }
        return converted
    }

    mutating func string(_ key: String, required: Bool = true, maxLength: Int = 1024) -> String? {
        guard let s = read(key, required: required, typeName: "a string", { $0.string }) else { return nil }
        if required && s.isEmpty { problem(key, "must not be empty"); return nil }
        if s.utf8.count > maxLength { problem(key, "must be at most \(maxLength) bytes"); return nil }
        return s
    }

    mutating func int64(_ key: String, required: Bool = true, minimum: Int64 = 0) -> Int64? {
        guard let v = read(key, required: required, typeName: "an integer", { $0.int }) else { return nil }
        if v < minimum { problem(key, "must be at least \(minimum)"); return nil }
        return v
    }

    mutating func double(_ key: String, required: Bool = true, range: ClosedRange<Double>? = nil) -> Double? {
        guard let v = read(key, required: required, typeName: "a number", { $0.double }) else { return nil }
        if !v.isFinite { problem(key, "must be finite"); return nil }
        if let range, !range.contains(v) { problem(key, "must be between \(range.lowerBound) and \(range.upperBound)"); return nil }
        return v
    }

    mutating func timestamp(_ key: String, required: Bool = true) -> Timestamp? {
        guard let s = read(key, required: required, typeName: "an RFC 3339 timestamp string", { $0.string }) else { return nil }
        do { return try Timestamp(rfc3339: s) } catch {
            problem(key, "must be an RFC 3339 timestamp such as 2026-11-21T10:00:00Z")
            return nil
        }
    }

    mutating func duration(_ key: String) -> ISODuration? {
        guard let text = string(key, required: false, maxLength: 64) else { return nil }
        do { return try ISODuration(text) } catch .durationOutOfRange {
            problem(key, "must be at most 292 years (the longest duration policies can compare)")
            return nil
        } catch {
            problem(key, "must be an ISO 8601 duration such as PT1H or P365D")
            return nil
        }
    }

    mutating func stringArray(_ key: String, required: Bool = true) -> [String]? {
        read(key, required: required, typeName: "a list of strings") { v -> [String]? in
            guard let items = v.array else { return nil }
            var out: [String] = []
            out.reserveCapacity(items.count)
            for item in items {
                guard let s = item.string else { return nil }
                out.append(s)
            }
            return out
        }
    }

    mutating func enumValue<E: RawRepresentable & CaseIterable>(_ type: E.Type, _ key: String, required: Bool = true) -> E?
    where E.RawValue == String {
        guard let s = read(key, required: required, typeName: "a string", { $0.string }) else { return nil }
        guard let v = E(rawValue: s) else {
            problem(key, "must be one of " + E.allCases.map(\.rawValue).joined(separator: ", "))
            return nil
        }
        return v
    }

    /// A nested object, read with its own reader whose problems are merged into this one.
    mutating func object<T>(_ key: String, required: Bool = true, _ body: (inout FieldReader) -> T?) -> T? {
        guard let members = read(key, required: required, typeName: "an object", { $0.members }) else { return nil }
        var reader = FieldReader(members, index: index, prefix: path(key))
        let value = body(&reader)
        problems += reader.problems
        return value
    }

    /// A list of objects, each read with its own reader (`columns[2].name`).
    mutating func objects<T>(_ key: String, required: Bool = true, _ body: (inout FieldReader) -> T?) -> [T]? {
        guard let list = read(key, required: required, typeName: "a list", { $0.array }) else { return nil }
        var out: [T] = []
        var ok = true
        for (i, item) in list.enumerated() {
            guard let members = item.members else {
                problems.append(FieldProblem(index: index, field: "\(path(key))[\(i)]", message: "must be an object"))
                ok = false
                continue
            }
            var reader = FieldReader(members, index: index, prefix: "\(path(key))[\(i)]")
            if let v = body(&reader), reader.problems.isEmpty { out.append(v) } else { ok = false }
            problems += reader.problems
        }
        return ok ? out : nil
    }
}

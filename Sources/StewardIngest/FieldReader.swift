import StewardCore

/// Any JSON object key.
struct AnyKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Reads fields from a decoding container and records every problem instead of throwing at the
/// first, so one answer can list everything wrong with a batch or descriptor.
struct FieldReader {
    let container: KeyedDecodingContainer<AnyKey>
    let index: Int?
    let prefix: String
    var problems: [FieldProblem] = []

    init(_ decoder: any Decoder, index: Int?, prefix: String) throws {
        container = try decoder.container(keyedBy: AnyKey.self)
        self.index = index
        self.prefix = prefix
    }

    init(_ container: KeyedDecodingContainer<AnyKey>, index: Int?, prefix: String) {
        self.container = container
        self.index = index
        self.prefix = prefix
    }

    func path(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    mutating func problem(_ key: String, _ message: String) {
        problems.append(FieldProblem(index: index, field: path(key), message: message))
    }

    /// Reports keys outside `allowed`: a typo such as `rowcount` should not be silently dropped.
    mutating func rejectUnknown(_ allowed: Set<String>) {
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            problem(key.stringValue, "unknown field")
        }
    }

    private mutating func read<T: Decodable>(_ type: T.Type, _ key: String, required: Bool, typeName: String) -> T? {
        // One lookup: decodeIfPresent answers nil for a missing key and for null alike.
        do {
            guard let value = try container.decodeIfPresent(T.self, forKey: AnyKey(key)) else {
                if required { problem(key, "is required") }
                return nil
            }
            return value
        } catch {
            problem(key, "must be \(typeName)")
            return nil
        }
    }

    mutating func string(_ key: String, required: Bool = true, maxLength: Int = 1024) -> String? {
        guard let s = read(String.self, key, required: required, typeName: "a string") else { return nil }
        if required && s.isEmpty { problem(key, "must not be empty"); return nil }
        if s.utf8.count > maxLength { problem(key, "must be at most \(maxLength) bytes"); return nil }
        return s
    }

    mutating func int64(_ key: String, required: Bool = true, minimum: Int64 = 0) -> Int64? {
        guard let v = read(Int64.self, key, required: required, typeName: "an integer") else { return nil }
        if v < minimum { problem(key, "must be at least \(minimum)"); return nil }
        return v
    }

    mutating func double(_ key: String, required: Bool = true, range: ClosedRange<Double>? = nil) -> Double? {
        guard let v = read(Double.self, key, required: required, typeName: "a number") else { return nil }
        if !v.isFinite { problem(key, "must be finite"); return nil }
        if let range, !range.contains(v) { problem(key, "must be between \(range.lowerBound) and \(range.upperBound)"); return nil }
        return v
    }

    mutating func timestamp(_ key: String, required: Bool = true) -> Timestamp? {
        guard let s = read(String.self, key, required: required, typeName: "an RFC 3339 timestamp string") else { return nil }
        do { return try Timestamp(rfc3339: s) } catch {
            problem(key, "must be an RFC 3339 timestamp such as 2026-11-21T10:00:00Z")
            return nil
        }
    }

    mutating func duration(_ key: String) -> ISODuration? {
        guard let text = string(key, required: false, maxLength: 64) else { return nil }
        do { return try ISODuration(text) } catch {
            problem(key, "must be an ISO 8601 duration such as PT1H or P365D")
            return nil
        }
    }

    mutating func stringArray(_ key: String, required: Bool = true) -> [String]? {
        read([String].self, key, required: required, typeName: "a list of strings")
    }

    mutating func enumValue<E: RawRepresentable & CaseIterable>(_ type: E.Type, _ key: String, required: Bool = true) -> E?
    where E.RawValue == String {
        guard let s = read(String.self, key, required: required, typeName: "a string") else { return nil }
        guard let v = E(rawValue: s) else {
            problem(key, "must be one of " + E.allCases.map(\.rawValue).joined(separator: ", "))
            return nil
        }
        return v
    }

    /// A nested object, read with its own reader whose problems are merged into this one.
    mutating func object<T>(_ key: String, required: Bool = true, _ body: (inout FieldReader) -> T?) -> T? {
        let k = AnyKey(key)
        guard container.contains(k), (try? container.decodeNil(forKey: k)) == false else {
            if required { problem(key, "is required") }
            return nil
        }
        guard let nested = try? container.nestedContainer(keyedBy: AnyKey.self, forKey: k) else {
            problem(key, "must be an object")
            return nil
        }
        var reader = FieldReader(nested, index: index, prefix: path(key))
        let value = body(&reader)
        problems += reader.problems
        return value
    }

    /// A list of objects, each read with its own reader (`columns[2].name`).
    mutating func objects<T>(_ key: String, required: Bool = true, _ body: (inout FieldReader) -> T?) -> [T]? {
        let k = AnyKey(key)
        guard container.contains(k), (try? container.decodeNil(forKey: k)) == false else {
            if required { problem(key, "is required") }
            return nil
        }
        guard var list = try? container.nestedUnkeyedContainer(forKey: k) else {
            problem(key, "must be a list")
            return nil
        }
        var out: [T] = []
        var ok = true
        var i = 0
        while !list.isAtEnd {
            guard let nested = try? list.nestedContainer(keyedBy: AnyKey.self) else {
                problems.append(FieldProblem(index: index, field: "\(path(key))[\(i)]", message: "must be an object"))
                _ = try? list.decode(Skip.self)
                ok = false
                i += 1
                continue
            }
            var reader = FieldReader(nested, index: index, prefix: "\(path(key))[\(i)]")
            if let v = body(&reader), reader.problems.isEmpty { out.append(v) } else { ok = false }
            problems += reader.problems
            i += 1
        }
        return ok ? out : nil
    }
}

/// Decodes and discards any JSON value, to step over a bad list element.
struct Skip: Decodable {
    init(from decoder: any Decoder) throws {}
}

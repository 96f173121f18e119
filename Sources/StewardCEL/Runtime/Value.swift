import Foundation

/// A CEL value. Strings compare by code point (UTF-8 bytes), never by Swift's canonical
/// equivalence, because CEL says "é" and "e\u{301}" are different strings.
public enum Value: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case list([Value])
    case map(MapValue)
    case timestamp(CELTimestamp)
    case duration(CELDuration)
    case type(CELType)

    public var type: CELType {
        switch self {
        case .null: .null
        case .bool: .bool
        case .int: .int
        case .uint: .uint
        case .double: .double
        case .string: .string
        case .bytes: .bytes
        case .list: .list
        case .map: .map
        case .timestamp: .timestamp
        case .duration: .duration
        case .type: .type
        }
    }
}

/// A CEL type as a runtime value (`type(1) == int`). Identified by its name.
public struct CELType: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public var description: String { name }

    public static let null = CELType("null_type")
    public static let bool = CELType("bool")
    public static let int = CELType("int")
    public static let uint = CELType("uint")
    public static let double = CELType("double")
    public static let string = CELType("string")
    public static let bytes = CELType("bytes")
    public static let list = CELType("list")
    public static let map = CELType("map")
    public static let timestamp = CELType("google.protobuf.Timestamp")
    public static let duration = CELType("google.protobuf.Duration")
    public static let type = CELType("type")

    /// Type names an expression can mention as identifiers.
    static let builtins: [String: CELType] = Dictionary(uniqueKeysWithValues:
        [null, bool, int, uint, double, string, bytes, list, map, timestamp, duration, type].map { ($0.name, $0) })
}

// MARK: map keys

/// The hashable form of a map key. Numbers that are equal as numbers share a key
/// (`{1: 'a'}[1u]` and `{1: 'a'}[1.0]` both find 'a'), as CEL's heterogeneous equality requires.
public enum MapKey: Hashable, Sendable {
    case bool(Bool)
    case int(Int64)
    case bigUInt(UInt64)   // above Int64.max
    case string(String)

    /// The key for `value` when used in a map literal; nil for types that cannot be keys.
    init?(_ value: Value) {
        switch value {
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .uint(let u): self = u <= UInt64(Int64.max) ? .int(Int64(u)) : .bigUInt(u)
        case .string(let s): self = .string(s)
        default: return nil
        }
    }

    /// The key for `value` when looking up; doubles find integral keys.
    static func lookup(_ value: Value) -> MapKey?? {
        if case .double(let d) = value {
            guard d.isFinite, d.rounded(.towardZero) == d else { return .some(nil) }
            if d >= -9.223372036854775808e18, d < 9.223372036854775808e18 { return .some(.int(Int64(d))) }
            if d >= 0, d < 1.8446744073709551616e19 { return .some(.bigUInt(UInt64(d))) }
            return .some(nil)
        }
        guard let key = MapKey(value) else { return nil }
        return .some(key)
    }

    // Swift's String hashing and == use canonical equivalence; hash and compare the bytes instead.
    public static func == (a: MapKey, b: MapKey) -> Bool {
        switch (a, b) {
        case (.bool(let x), .bool(let y)): x == y
        case (.int(let x), .int(let y)): x == y
        case (.bigUInt(let x), .bigUInt(let y)): x == y
        case (.string(let x), .string(let y)): sameString(x, y)
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .bool(let b): hasher.combine(0); hasher.combine(b)
        case .int(let i): hasher.combine(1); hasher.combine(i)
        case .bigUInt(let u): hasher.combine(2); hasher.combine(u)
        case .string(let s):
            // The bytes, not the String: CEL compares code points, Swift strings compare canonically.
            hasher.combine(3)
            var s = s
            s.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }
}

/// An insertion-ordered map (so `map` and `filter` over keys are deterministic).
public struct MapValue: Sendable {
    public private(set) var keys: [Value] = []
    public private(set) var values: [Value] = []
    /// Built only past `linearLimit` entries. Policy inputs are mostly small maps (a column has
    /// three fields), where comparing the few keys beats hashing the one looked up.
    private var index: [MapKey: Int]?
    static let linearLimit = 16

    public init() {}

    public var count: Int { keys.count }

    /// Adds an entry; throws on a key type CEL does not allow or a repeated key.
    public mutating func insert(_ key: Value, _ value: Value) throws(CELError) {
        guard let hashKey = MapKey(key) else {
            throw CELError(.invalidArgument, "unsupported key type \(key.type) in map literal")
        }
        guard position(of: hashKey) == nil else { throw CELError(.invalidArgument, "repeated key \(key.debugText) in map literal") }
        if index == nil && keys.count >= Self.linearLimit {
            var built: [MapKey: Int] = [:]
            for (i, k) in keys.enumerated() { if let mk = MapKey(k) { built[mk] = i } }
            index = built
        }
        index?[hashKey] = keys.count
        keys.append(key)
        values.append(value)
    }

    /// The value under `key`; nil if absent. Throws when `key` has a type no map key can have.
    public func lookup(_ key: Value) throws(CELError) -> Value? {
        guard let found = MapKey.lookup(key) else {
            throw CELError(.noSuchOverload, "no such overload: map key of type \(key.type)")
        }
        guard let hashKey = found, let position = position(of: hashKey) else { return nil }
        return values[position]
    }

    public subscript(field: String) -> Value? {
        position(of: .string(field)).map { values[$0] }
    }

    private func position(of key: MapKey) -> Int? {
        if let index { return index[key] }
        for (i, k) in keys.enumerated() where key.matches(k) { return i }
        return nil
    }
}

extension MapKey {
    /// Whether `value`, stored as a map key, is this key (as `MapKey(value) == self`, without building one).
    func matches(_ value: Value) -> Bool {
        switch (self, value) {
        case (.string(let a), .string(let b)): a.utf8.count == b.utf8.count && sameString(a, b)
        case (.int(let a), .int(let b)): a == b
        case (.int(let a), .uint(let b)): a >= 0 && UInt64(a) == b
        case (.bigUInt(let a), .uint(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        default: false
        }
    }
}

/// Code-point equality (Swift's `==` is canonical equivalence, which CEL does not use).
func sameString(_ a: String, _ b: String) -> Bool {
    var a = a, b = b
    return a.withUTF8 { x in
        b.withUTF8 { y in x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) }
    }
}

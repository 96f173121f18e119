/// A minimal streaming JSON writer for hot paths (observation payloads, history pages),
/// where building Codable values and running JSONEncoder per row would dominate the cost.
///
/// It writes UTF-8 bytes: appending to a byte array is a bounds check and a copy, where appending
/// to a String re-checks its representation each time, which dominated large answers.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false

    public init(capacity: Int = 128) { bytes.reserveCapacity(capacity) }

    /// The document as text (one copy; responses can take `bytes` directly).
    public var output: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needsComma = false }
    public mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma = true }
    public mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma = false }
    public mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma = true }

    public mutating func key(_ k: String) {
        separate()
        Self.appendString(k, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func value(_ s: String) { separate(); Self.appendString(s, to: &bytes); needsComma = true }
    public mutating func value(_ n: Int64) { separate(); bytes.append(contentsOf: String(n).utf8); needsComma = true }
    public mutating func value(_ d: Double) {
        separate()
        // JSON has no NaN or infinity; validation rejects them, this is a last guard.
        if d.isFinite {
            if d == d.rounded(), abs(d) < 1e15 { bytes.append(contentsOf: String(Int64(d)).utf8) } else { bytes.append(contentsOf: String(d).utf8) }
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
        needsComma = true
    }
    public mutating func value(_ b: Bool) { separate(); bytes.append(contentsOf: (b ? "true" : "false").utf8); needsComma = true }
    public mutating func null() { separate(); bytes.append(contentsOf: "null".utf8); needsComma = true }
    public mutating func value(_ t: Timestamp) {
        separate()
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Timestamp.rfc3339MaxLength + 2) { buffer in
            buffer[0] = UInt8(ascii: "\"")
            let end = 1 + t.write(rfc3339To: UnsafeMutableBufferPointer(rebasing: buffer[1...]))
            buffer[end] = UInt8(ascii: "\"")
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[...end]))
        }
        needsComma = true
    }
    /// Splices an already-encoded JSON value.
    public mutating func raw(_ json: String) {
        separate()
        Self.withUTF8(json) { bytes.append(contentsOf: $0) }
        needsComma = true
    }

    public mutating func field(_ k: String, _ v: String) { key(k); value(v) }
    public mutating func field(_ k: String, _ v: Int64) { key(k); value(v) }
    public mutating func field(_ k: String, _ v: Int) { key(k); value(Int64(v)) }
    public mutating func field(_ k: String, _ v: Double) { key(k); value(v) }
    public mutating func field(_ k: String, _ v: Bool) { key(k); value(v) }
    public mutating func field(_ k: String, _ v: Timestamp) { key(k); value(v) }
    public mutating func field(_ k: String, _ v: DatasetRef) {
        key(k)
        beginObject()
        field("namespace", v.namespace)
        field("name", v.name)
        endObject()
    }

    /// Adds the fields of an already-encoded JSON object (`{"a":1,"b":2}`) to the open object.
    public mutating func fields(ofObject json: String) {
        Self.withUTF8(json) { utf8 in
            guard utf8.count > 2 else { return }
            separate()
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[1..<(utf8.count - 1)]))
            needsComma = true
        }
    }

    public mutating func field(_ k: String, _ v: [String]) {
        key(k)
        beginArray()
        for s in v { value(s) }
        endArray()
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    /// Appends `s` as a JSON string literal.
    public static func appendString(_ s: String, to out: inout String) {
        var b: [UInt8] = []
        appendString(s, to: &b)
        out.append(String(decoding: b, as: UTF8.self))
    }

    public static func appendString(_ s: String, to out: inout [UInt8]) {
        withUTF8(s) { appendString(utf8: $0, to: &out) }
    }

    private static func appendString(utf8 s: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        if !s.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out.append(contentsOf: s)
        } else {
            for b in s {
                switch b {
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case ..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
                default: out.append(b) // UTF-8 bytes of other characters pass through unchanged
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `s`'s UTF-8 bytes in place (native strings hold them contiguously): appending the
    /// `utf8` view instead copied byte by byte through a generic sequence path (5% of a product
    /// page's CPU went to writing strings).
    private static func withUTF8<R>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var s = s
        return s.withUTF8(body)
    }
}

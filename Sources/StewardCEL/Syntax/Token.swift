/// One lexical token of CEL source. Offsets are byte offsets into the UTF-8 source.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case identifier(String)
        case quotedIdentifier(String)   // `content-type`, only valid after a dot
        case int(UInt64)                // magnitude; the parser applies a leading minus
        case uint(UInt64)
        case double(Double)
        case string(String)
        case bytes([UInt8])
        case punct(String)              // operators and brackets
        case end
    }
    let kind: Kind
    let offset: Int
}

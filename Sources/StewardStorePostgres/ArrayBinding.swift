import NIOCore
import PostgresNIO

/// A one-dimensional array bound as a statement parameter (BIGINT[], SMALLINT[], DOUBLE
/// PRECISION[] or TEXT[]), written in PostgreSQL's binary array format in one loop.
///
/// Why not bind `[Int64]` and the like directly: bound through
/// `any PostgresThrowingDynamicTypeEncodable`, postgres-nio's generic `Array` encoding runs
/// unspecialised and dispatches every element (8% of the server's CPU while ingesting; a group
/// binds nine columns of up to 20,000 rows each).
struct ArrayBinding: PostgresThrowingDynamicTypeEncodable, Sendable {
    private enum Values: Sendable {
        case int64([Int64]), int16([Int16]), float8([Double]), text([String])
    }
    private let values: Values

    init(_ values: [Int64]) { self.values = .int64(values) }
    init(_ values: [Int16]) { self.values = .int16(values) }
    init(_ values: [Double]) { self.values = .float8(values) }
    init(_ values: [String]) { self.values = .text(values) }

    var psqlType: PostgresDataType {
        switch values {
        case .int64: .int8Array
        case .int16: .int2Array
        case .float8: .float8Array
        case .text: .textArray
        }
    }

    var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        switch values {
        case .int64(let a):
            Self.header(count: a.count, element: .int8, bytesPerElement: 12, into: &buffer)
            for v in a { buffer.writeInteger(Int32(8)); buffer.writeInteger(v) }
        case .int16(let a):
            Self.header(count: a.count, element: .int2, bytesPerElement: 6, into: &buffer)
            for v in a { buffer.writeInteger(Int32(2)); buffer.writeInteger(v) }
        case .float8(let a):
            Self.header(count: a.count, element: .float8, bytesPerElement: 12, into: &buffer)
            for v in a { buffer.writeInteger(Int32(8)); buffer.writeInteger(v.bitPattern) }
        case .text(let a):
            Self.header(count: a.count, element: .text, bytesPerElement: 4, into: &buffer)
            for s in a {
                buffer.writeInteger(Int32(s.utf8.count))
                buffer.writeString(s)
            }
        }
    }

    /// Dimensions (none when empty), no NULL bitmap, the element type, then length and lower bound.
    private static func header(count: Int, element: PostgresDataType, bytesPerElement: Int, into buffer: inout ByteBuffer) {
        buffer.reserveCapacity(minimumWritableBytes: 20 + count * bytesPerElement)
        buffer.writeInteger(count == 0 ? UInt32(0) : 1)
        buffer.writeInteger(Int32(0))
        buffer.writeInteger(element.rawValue)
        guard count > 0 else { return }
        buffer.writeInteger(Int32(count))
        buffer.writeInteger(Int32(1))
    }
}

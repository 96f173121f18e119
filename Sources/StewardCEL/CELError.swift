/// The one error type of StewardCEL. Parse, compile and evaluation problems all carry a stable
/// `code`, a message, and (when known) the byte offset in the source, so a caller can print
/// `line:col` and a caret under the expression.
public struct CELError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case syntax = "cel_parse_error"
        case undeclared = "cel_undeclared_reference"
        case noSuchOverload = "cel_no_such_overload"
        case noSuchKey = "cel_no_such_key"
        case noSuchField = "cel_no_such_field"
        case overflow = "cel_overflow"
        case divideByZero = "cel_divide_by_zero"
        case indexOutOfRange = "cel_index_out_of_range"
        case invalidArgument = "cel_invalid_argument"
        case typeMismatch = "cel_type_mismatch"
        case costExceeded = "cel_cost_exceeded"
        case unsupported = "cel_unsupported"
    }

    public let code: Code
    public let message: String
    /// Byte offset into the source, when the error can be tied to a place in it.
    public internal(set) var offset: Int?

    public init(_ code: Code, _ message: String, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var description: String { message }

    /// `line:col: message` followed by the source line and a caret under the column.
    public func render(in source: String, file: String? = nil) -> String {
        guard let offset else { return (file.map { "\($0): " } ?? "") + message }
        let place = SourcePosition(of: offset, in: source)
        let prefix = (file.map { "\($0):" } ?? "") + "\(place.line):\(place.column)"
        return "\(prefix): \(message)\n" + place.caretLines
    }

    func at(_ offset: Int) -> CELError {
        var copy = self
        if copy.offset == nil { copy.offset = offset }
        return copy
    }
}

/// 1-based line and column (in Unicode scalars) of a byte offset, with the line's text.
public struct SourcePosition: Sendable, Equatable {
    public let line: Int
    public let column: Int
    public let lineText: String

    public init(of offset: Int, in source: String) {
        let bytes = Array(source.utf8)
        let end = min(max(offset, 0), bytes.count)
        var line = 1, lineStart = 0
        for i in 0..<end where bytes[i] == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        var lineEnd = lineStart
        while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
        let before = String(decoding: bytes[lineStart..<end], as: UTF8.self)
        self.line = line
        self.column = before.unicodeScalars.count + 1
        self.lineText = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
    }

    /// The source line, then spaces and a `^` under the column (tabs kept so the caret lines up).
    public var caretLines: String {
        let pad = lineText.unicodeScalars.prefix(column - 1).map { $0 == "\t" ? "\t" : " " }.joined()
        return " | \(lineText)\n | \(pad)^"
    }
}

import StewardCEL

/// A problem in a policy file, located by file, line and column, with a stable code.
public struct PolicyDiagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidDocument = "policy_invalid_document"
        case celError = "policy_cel_error"
        case unknownField = "policy_unknown_field"
        case typeError = "policy_type_error"
        case loosening = "policy_loosens_global"
        case unknownGlobal = "policy_unknown_global"
        case duplicate = "policy_duplicate_id"
        case forbidden = "policy_forbidden_owner"
    }
    public let code: Code
    public let file: String
    public let line: Int
    public let column: Int
    public let message: String
    /// The source line and a caret under the column, when known.
    public let caret: String?

    public init(_ code: Code, file: String, line: Int, column: Int, _ message: String, caret: String? = nil) {
        self.code = code; self.file = file; self.line = line; self.column = column; self.message = message; self.caret = caret
    }

    /// `file:line:col: code: message`, then the caret lines.
    public var description: String {
        "\(file):\(line):\(column): \(code.rawValue): \(message)" + (caret.map { "\n" + $0 } ?? "")
    }
}

import StewardCore

/// The one error body every endpoint answers with:
/// `{"error": {"code": "...", "message": "...", "details": [{"index": 3, "field": "rowCount", "message": "..."}]}}`
public struct ErrorBody: Codable, Sendable, Equatable {
    public struct Payload: Codable, Sendable, Equatable {
        public var code: String
        public var message: String
        public var details: [FieldProblem]
    }

    public var error: Payload

    public init(code: String, message: String, details: [FieldProblem] = []) {
        error = Payload(code: code, message: message, details: details)
    }
}

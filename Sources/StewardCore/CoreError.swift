/// Errors raised by the value types of StewardCore. Each case has a stable `code`.
public enum CoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidName(kind: String, problem: String)
    case invalidTimestamp(String)
    case invalidDuration(String)
    /// A well-formed duration longer than `ISODuration.maxSeconds` (about 292 years).
    case durationOutOfRange

    public var code: String {
        switch self {
        case .invalidName: "core_invalid_name"
        case .invalidTimestamp: "core_invalid_timestamp"
        case .invalidDuration: "core_invalid_duration"
        case .durationOutOfRange: "core_duration_out_of_range"
        }
    }

    public var description: String {
        switch self {
        case .invalidName(let kind, let problem): "\(kind) name \(problem)"
        case .invalidTimestamp(let why): "invalid RFC 3339 timestamp: \(why)"
        case .invalidDuration(let why): "invalid ISO 8601 duration: \(why)"
        case .durationOutOfRange: "durations may be at most 292 years"
        }
    }
}

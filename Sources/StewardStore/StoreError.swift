/// Store failures. Messages never carry SQL, connection strings or bound values.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database cannot be reached; retrying later can succeed.
    case unavailable(String)
    /// The schema is newer than this binary understands.
    case schemaTooNew(found: Int, supported: Int)
    /// A unique key already exists (e.g. a token hash).
    case conflict(String)
    /// Anything else the database reported.
    case failed(String)

    public var code: String {
        switch self {
        case .unavailable: "store_unavailable"
        case .schemaTooNew: "store_schema_too_new"
        case .conflict: "store_conflict"
        case .failed: "store_failed"
        }
    }

    public var description: String {
        switch self {
        case .unavailable(let why): "the store is unavailable: \(why)"
        case .schemaTooNew(let found, let supported): "the database schema is version \(found) but this steward supports up to \(supported); upgrade steward"
        case .conflict(let what): "conflict: \(what)"
        case .failed(let why): "store operation failed: \(why)"
        }
    }
}

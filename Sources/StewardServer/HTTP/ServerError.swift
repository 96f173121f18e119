import StewardCore
import StewardPolicy

/// Errors the server raises itself: the HTTP layer's (the JSON body is built in `APIFailure`) and
/// start-up's. Each has a stable code.
public enum ServerError: Error, Sendable, Equatable, CustomStringConvertible {
    case unauthenticated
    case forbiddenDomain(String)
    case forbiddenRole(String)
    case notFound(String)
    /// No route has this path (whatever the method).
    case noRoute(method: String, path: String)
    /// Routes have this path, under other methods.
    case methodNotAllowed(method: String, path: String, allowed: [String])
    case invalidParameter(field: String, message: String)
    /// A body above `limit`; `option` is the `steward serve` option that raises it, when one does.
    case bodyTooLarge(limit: Int, option: String?)
    /// A JSON body with problems in named fields (all of them, not only the first).
    case invalidBody([FieldProblem])
    /// A submitted policy that does not load; the details are its diagnostics.
    case rejectedPolicy([PolicyDiagnostic])
    /// Start-up: another `steward serve` holds this SQLite data directory (`ServeLock`).
    case dataDirectoryInUse(directory: String, pid: Int?)
    /// Start-up: the listening address is taken.
    case addressInUse(host: String, port: Int)

    public var code: String {
        switch self {
        case .unauthenticated: "auth_unauthenticated"
        case .forbiddenDomain: "auth_forbidden_domain"
        case .forbiddenRole: "auth_forbidden_role"
        case .notFound, .noRoute: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .invalidParameter: "request_invalid_parameter"
        case .bodyTooLarge: "request_too_large"
        case .rejectedPolicy: "policy_rejected"
        case .invalidBody: "request_invalid_body"
        case .dataDirectoryInUse: "server_data_directory_in_use"
        case .addressInUse: "server_address_in_use"
        }
    }

    public var description: String { message }

    public var message: String {
        switch self {
        case .unauthenticated:
            "A valid bearer token is required: send 'Authorization: Bearer <token>'. Create one with 'steward token create'."
        case .forbiddenDomain(let domain): "This token may not access domain \(domain)."
        case .forbiddenRole(let what): "This token's role may not \(what)."
        case .notFound(let what): "\(what) was not found."
        case .noRoute(let method, let path): "No route answers \(method) \(path); every route is described in /openapi.yaml."
        case .methodNotAllowed(let method, let path, let allowed):
            "\(path) does not answer \(method); it answers \(allowed.joined(separator: ", "))."
        case .invalidParameter(let field, let message): "Parameter \(field) \(message)."
        case .bodyTooLarge(let limit, let option?): "The body exceeds the limit of \(limit) bytes; split the batch or raise \(option)."
        case .bodyTooLarge(let limit, nil): "The body exceeds this route's limit of \(limit) bytes."
        case .invalidBody(let problems):
            "The request body has \(problems.count) problem\(problems.count == 1 ? "" : "s") (see details); nothing was stored."
        case .dataDirectoryInUse(let directory, let pid):
            "Another steward serve\(pid.map { " (pid \($0))" } ?? "") is using the data directory \(directory). Stop it, "
                + "or give this server its own --data (several servers can share PostgreSQL: --postgres)."
        case .addressInUse(let host, let port):
            "Cannot listen on \(host):\(port): the address is in use (another steward serve?). Stop that process or choose another --port."
        case .rejectedPolicy(let problems):
            "The policy was not accepted (\(problems.count) problem\(problems.count == 1 ? "" : "s")); nothing was stored. Fix them and submit again; 'steward policy lint' shows the same diagnostics."
        }
    }
}

import Hummingbird

/// Requires a valid token (bearer header, or the `steward_token` cookie set by /login for browsers).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = StewardContext
    let authenticator: Authenticator
    /// Let unauthenticated requests through (the handler decides); used by the overview page.
    var optional = false

    func handle(_ request: Request, context: StewardContext, next: (Request, StewardContext) async throws -> Response) async throws -> Response {
        var context = context
        if let token = Self.token(in: request), let principal = try await authenticator.authenticate(token) {
            context.principal = principal
        } else if !optional {
            throw ServerError.unauthenticated
        }
        return try await next(request, context)
    }

    static func token(in request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]).trimmingCharacters(in: .whitespaces) }
            return nil
        }
        return request.cookies["steward_token"]?.value
    }
}

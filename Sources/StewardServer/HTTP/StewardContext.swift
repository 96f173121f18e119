import Hummingbird

/// Per-request context: who is calling, once the auth middleware has looked.
public struct StewardContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// The authenticated caller; routes behind the auth middleware can rely on it.
    func caller() throws -> Principal {
        guard let principal else { throw ServerError.unauthenticated }
        return principal
    }
}

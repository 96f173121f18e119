import Hummingbird
import Synchronization

/// Every route the router knows, so a request that matches none can be told what would: the
/// methods its path answers to (405 with `Allow`), or where the API is described (404).
/// Filled once the router is built: the error middleware that reads it is added before the routes.
final class RouteTable: Sendable {
    private let routes = Mutex<[(path: RouterPath, method: HTTPRequest.Method)]>([])

    func fill<Context>(from router: Router<Context>) {
        let all = router.routes.map { (path: $0.path, method: $0.method) }
        routes.withLock { $0 = all }
    }

    /// The methods that routes matching `path` answer to, sorted by name.
    func methods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        return routes.withLock { $0.filter { Self.path($0.path, matches: segments) }.map(\.method) }
            .sorted { $0.rawValue < $1.rawValue }
    }

    private static func path(_ route: RouterPath, matches segments: [Substring]) -> Bool {
        var index = 0
        for element in route.components {
            if element == .recursiveWildcard { return true }
            guard index < segments.count, element ~= segments[index] else { return false }
            index += 1
        }
        return index == segments.count
    }
}

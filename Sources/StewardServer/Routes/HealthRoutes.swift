import Hummingbird
import StewardStore

/// Liveness and readiness, unauthenticated, for load balancers and orchestrators.
struct HealthRoutes {
    let store: any Store

    func add(to router: Router<StewardContext>) {
        // The process is up and serving HTTP.
        router.get("healthz") { _, _ in JSONResponse.raw(#"{"status":"ok"}"#) }
        // The store answers; a load balancer should stop routing here otherwise.
        router.get("readyz") { _, context in
            do {
                try await store.ping()
                return JSONResponse.raw(#"{"status":"ready"}"#)
            } catch {
                return APIFailure(error, logger: context.logger).response
            }
        }
    }
}

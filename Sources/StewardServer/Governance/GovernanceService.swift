import Logging
import ServiceLifecycle

/// Keeps findings current: evaluates changed products within about a second, and every
/// product (after re-reading policies and waivers, which other replicas may have changed) each
/// `interval`, so time-based rules such as staleness and waiver expiry take effect by themselves.
struct GovernanceService: Service {
    let governance: Governance
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var nextSweep = ContinuousClock.now
            // The server loaded the policies just before starting this service.
            var loaded = true
            while !Task.isCancelled {
                if ContinuousClock.now >= nextSweep {
                    nextSweep = .now + interval
                    do {
                        if !loaded { try await governance.reload() }
                        loaded = false
                        let (products, changed) = try await governance.evaluateAll()
                        logger.debug("policies evaluated", metadata: ["products": "\(products)", "changed": "\(changed)"])
                    } catch {
                        logger.warning("policy sweep failed; will retry", metadata: ["error": "\(error)"])
                    }
                }
                await governance.drain()
                // Cancellation (graceful shutdown) ends the loop; it is not a failure of the service.
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}

import Foundation
import Logging
import ServiceLifecycle
import StewardAgent
import StewardCore
import StewardStore

/// Runs one simulated agent per demo domain, pushing through the real HTTP API every few seconds.
struct DemoAgents: Service {
    let store: any Store
    let baseURL: String
    let interval: Duration
    let logger: Logger

    func run() async throws {
        var pushers: [String: Pusher] = [:]
        for domain in DemoMesh.domains {
            let issued = try await Tokens.issue(role: .agent, domain: try DomainName(domain), label: "demo agent", in: store)
            pushers[domain] = Pusher(baseURL: baseURL, token: issued.secret, agentID: "\(domain)-agent-1", logger: logger)
        }
        let agents = pushers
        // Shutdown cancels the sleeps below; that is the agents' normal end, not an error (thrown,
        // it made `serve --demo` exit 1 on SIGTERM).
        await cancelWhenGracefulShutdown {
            // The server may still be binding its port: retry registration until it answers.
            for product in DemoMesh.products {
                let pusher = agents[product.descriptor.domain.rawValue]!
                while !Task.isCancelled {
                    do { try await pusher.register(product.descriptor); break } catch {
                        try? await Task.sleep(for: .milliseconds(200))
                    }
                }
            }
            guard !Task.isCancelled else { return }
            self.logger.info("demo mesh registered", metadata: ["products": "\(DemoMesh.products.count)", "domains": "\(DemoMesh.domains.count)"])
            var tick = 0
            while !Task.isCancelled {
                for domain in DemoMesh.domains where !Task.isCancelled {
                    let observations = DemoAgents.observations(domain: domain, tick: tick, now: .now)
                    do { try await agents[domain]!.push(domain: domain, observations: observations) } catch {
                        self.logger.warning("demo push failed", metadata: ["domain": "\(domain)", "error": "\(error)"])
                    }
                }
                tick += 1
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// What a domain's agent would see at `now`: freshness lagging by each product's lag,
    /// growing row counts, the product's check results, usage, and now and then grants, schema and retention.
    static func observations(domain: String, tick: Int, now: Timestamp) -> [Observation] {
        var out: [Observation] = [Observation(product: nil, dataset: nil, observedAt: now, detail: .heartbeat)]
        for p in DemoMesh.products where p.descriptor.domain.rawValue == domain {
            let id = p.descriptor.id
            for dataset in p.descriptor.datasets {
                let ref = dataset.ref
                func add(_ detail: Observation.Detail) {
                    out.append(Observation(product: id, dataset: ref, observedAt: now, detail: detail))
                }
                // Jitter the lag a little so ages move like real pipelines do.
                let jitter = Double((tick * 37 + id.name.count * 11) % 60)
                add(.freshness(lastUpdatedAt: now.adding(seconds: -(p.lag + jitter))))
                add(.volume(rowCount: Int64(100_000 + id.name.count * 5_000 + tick * 17)))
                for (check, status) in p.checks {
                    let value: Double = status == .pass ? 0 : Double(3 + tick % 5)
                    add(.quality(check: check, status: status, value: value, threshold: 0,
                                 message: status == .pass ? nil : "\(Int(value)) rows violate \(check)"))
                }
                for consumer in p.descriptor.consumers ?? [] {
                    add(.usage(consumer: consumer, reads: Int64(10 + tick % 7), rowsRead: Int64(1000 * (1 + tick % 3)),
                               windowStart: now.adding(seconds: -300), windowEnd: now))
                }
                if tick % 10 == 0 {
                    add(.grants((p.descriptor.consumers ?? []).map { .init(grantee: $0, privileges: ["SELECT"]) }))
                    add(.schema((dataset.columns ?? []).map { c in
                        let pii = (c.tags ?? []).first { $0.hasPrefix("pii:") }.map { [Observation.PIIFinding(detector: String($0.dropFirst(4)), matchRatio: 0.97)] }
                        return .init(name: c.name, type: c.type, pii: pii)
                    }))
                    if let retention = p.descriptor.retention {
                        add(.retention(oldestRecordAt: now.adding(seconds: -retention.seconds * 0.8)))
                    }
                }
            }
        }
        return out
    }
}

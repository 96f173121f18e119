import StewardCore
import StewardStore

/// What the overview page shows, computed from the store; rendering is separate (`OverviewPage`).
public struct Overview: Sendable {
    public struct ProductRow: Sendable {
        public var id: ProductID
        public var title: String
        public var tier: ProductDescriptor.Tier
        public var classification: ProductDescriptor.Classification
        public var owner: String
        public var maxStaleness: ISODuration?
        /// The stalest dataset's last update, if any freshness was observed.
        public var lastUpdatedAt: Timestamp?
        /// The worst latest result among the product's checks, and the checks that have it
        /// (none when it is pass): what the reader should look at first.
        public var worstCheck: Observation.QualityStatus?
        public var checksAtWorst: [String]
        public var lastCheckAt: Timestamp?

        public func staleness(at now: Timestamp) -> Double? { lastUpdatedAt.map { $0.seconds(until: now) } }
        public func isStale(at now: Timestamp) -> Bool {
            guard let s = staleness(at: now), let max = maxStaleness else { return false }
            return s > max.seconds
        }
    }

    public struct DomainRow: Sendable {
        public var name: DomainName
        public var products: [ProductRow]
        public var agents: [AgentRecord]
    }

    public var generatedAt: Timestamp
    public var domains: [DomainRow]

    /// Builds the overview of `domains` (all when nil).
    public static func build(store: any Store, domain: DomainName?, now: Timestamp) async throws(StoreError) -> Overview {
        let products = try await store.products(domain: domain)
        let agents = try await store.agents(domain: domain)
        var rows: [DomainName: [ProductRow]] = [:]
        for version in products {
            let d = version.descriptor
            let latest = try await store.latest(d.id, asOf: nil)
            var row = ProductRow(id: d.id, title: d.title ?? d.name, tier: d.tier, classification: d.classification,
                                 owner: d.owner, maxStaleness: d.slo?.maxStaleness, lastUpdatedAt: nil,
                                 worstCheck: nil, checksAtWorst: [], lastCheckAt: nil)
            var freshness: [DatasetRef: Timestamp] = [:]
            var checks: [(name: String, status: Observation.QualityStatus)] = []
            for o in latest {
                switch o.kind {
                case .freshness:
                    if let v = o.value, let ds = o.dataset { freshness[ds] = Timestamp(microseconds: Int64(v * 1_000_000)) }
                case .quality:
                    guard let status = o.status.flatMap(Observation.QualityStatus.init(rawValue:)) else { continue }
                    checks.append((o.subject, status))
                    if row.lastCheckAt.map({ o.observedAt > $0 }) ?? true { row.lastCheckAt = o.observedAt }
                default: break
                }
            }
            row.lastUpdatedAt = freshness.values.min()
            row.worstCheck = checks.max { rank($0.status) < rank($1.status) }?.status
            if let worst = row.worstCheck, worst != .pass {
                row.checksAtWorst = checks.filter { $0.status == worst }.map(\.name).sorted()
            }
            rows[d.domain, default: []].append(row)
        }
        let names = Set(rows.keys).union(agents.map(\.domain)).sorted()
        return Overview(generatedAt: now, domains: names.map { name in
            DomainRow(name: name, products: rows[name] ?? [], agents: agents.filter { $0.domain == name })
        })
    }

    static func rank(_ s: Observation.QualityStatus?) -> Int {
        switch s {
        case nil: 0
        case .pass: 1
        case .warn: 2
        case .error: 3
        case .fail: 4
        }
    }
}

/// What a domain declares about one data product. Field names are the wire contract.
public struct ProductDescriptor: Sendable, Codable, Equatable {
    public enum Tier: String, Sendable, Codable, CaseIterable { case gold, silver, bronze }
    public enum Classification: String, Sendable, Codable, CaseIterable {
        case `public`, `internal`, confidential, restricted
    }

    public struct Column: Sendable, Codable, Equatable {
        public var name: String
        public var type: String
        public var tags: [String]?
        public init(name: String, type: String, tags: [String]? = nil) {
            self.name = name; self.type = type; self.tags = tags
        }
    }

    public struct Dataset: Sendable, Codable, Equatable {
        public var namespace: String
        public var name: String
        public var columns: [Column]?
        public init(namespace: String, name: String, columns: [Column]? = nil) {
            self.namespace = namespace; self.name = name; self.columns = columns
        }
        public var ref: DatasetRef { DatasetRef(namespace: namespace, name: name) }
    }

    public struct SLO: Sendable, Codable, Equatable {
        public var maxStaleness: ISODuration?
        public var minQualityPassRate: Double?
        public init(maxStaleness: ISODuration? = nil, minQualityPassRate: Double? = nil) {
            self.maxStaleness = maxStaleness; self.minQualityPassRate = minQualityPassRate
        }
    }

    public var domain: DomainName
    public var name: String
    public var title: String?
    public var description: String?
    public var owner: String
    public var oncall: String?
    public var tier: Tier
    public var classification: Classification
    public var datasets: [Dataset]
    public var slo: SLO?
    public var retention: ISODuration?
    public var consumers: [String]?

    public init(
        domain: DomainName, name: String, title: String? = nil, description: String? = nil,
        owner: String, oncall: String? = nil, tier: Tier, classification: Classification,
        datasets: [Dataset], slo: SLO? = nil, retention: ISODuration? = nil, consumers: [String]? = nil
    ) {
        self.domain = domain; self.name = name; self.title = title; self.description = description
        self.owner = owner; self.oncall = oncall; self.tier = tier; self.classification = classification
        self.datasets = datasets; self.slo = slo; self.retention = retention; self.consumers = consumers
    }

    public var id: ProductID { ProductID(trustedDomain: domain.rawValue, name: name) }
}

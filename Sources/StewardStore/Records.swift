import StewardCore

/// One kept version of a product descriptor.
public struct ProductVersion: Sendable, Equatable {
    public var descriptor: ProductDescriptor
    /// The descriptor as stored (canonical JSON, `DescriptorCoding`), which answers write out as is:
    /// encoding it again cost 5% of a PostgreSQL product page's CPU.
    public var json: String
    public var version: Int
    public var registeredAt: Timestamp
    /// False when `registerProduct` found the same descriptor already current.
    public var changed: Bool

    public init(descriptor: ProductDescriptor, json: String, version: Int, registeredAt: Timestamp, changed: Bool = true) {
        self.descriptor = descriptor; self.json = json; self.version = version; self.registeredAt = registeredAt
        self.changed = changed
    }

    /// A version read back from the store: `json` as stored.
    public init(json: String, version: Int, registeredAt: Timestamp) throws(StoreError) {
        self.init(descriptor: try DescriptorCoding.decode(json), json: json, version: version, registeredAt: registeredAt)
    }
}

/// The store's keys for a product and its datasets, so observations can be written by key.
public struct CatalogEntry: Sendable, Equatable {
    public var productKey: Int64
    public var descriptor: ProductDescriptor
    public var datasetKeys: [DatasetRef: Int64]

    public init(productKey: Int64, descriptor: ProductDescriptor, datasetKeys: [DatasetRef: Int64]) {
        self.productKey = productKey; self.descriptor = descriptor; self.datasetKeys = datasetKeys
    }
}

/// An observation resolved to store keys (heartbeats have neither).
public struct ObservationRow: Sendable {
    public var productKey: Int64?
    public var datasetKey: Int64?
    public var observation: Observation
    /// `observation.payloadJSON`, built when the row is made (on the request's task) so that a
    /// store's single writer only copies it.
    public var payload: String

    public init(productKey: Int64?, datasetKey: Int64?, observation: Observation) {
        self.productKey = productKey; self.datasetKey = datasetKey; self.observation = observation
        payload = observation.payloadJSON
    }
}

public struct BatchRecord: Sendable {
    public var domain: DomainName
    public var batchId: String
    public var agentID: String
    public var agentVersion: String
    public var receivedAt: Timestamp
    public var rows: [ObservationRow]

    public init(domain: DomainName, batchId: String, agentID: String, agentVersion: String, receivedAt: Timestamp, rows: [ObservationRow]) {
        self.domain = domain; self.batchId = batchId; self.agentID = agentID
        self.agentVersion = agentVersion; self.receivedAt = receivedAt; self.rows = rows
    }
}

public enum AppendResult: Sendable, Equatable {
    case stored(Int)
    case duplicate
}

/// A product's descriptor and the latest observation of each kind per dataset (see `Store.productPage`).
public struct ProductPage: Sendable, Equatable {
    public var version: ProductVersion
    public var latest: [StoredObservation]

    public init(version: ProductVersion, latest: [StoredObservation]) {
        self.version = version; self.latest = latest
    }
}

/// An observation as read back.
public struct StoredObservation: Sendable, Equatable {
    public var id: Int64
    public var product: ProductID
    public var dataset: DatasetRef?
    public var kind: Observation.Kind
    public var subject: String
    public var observedAt: Timestamp
    public var recordedAt: Timestamp
    public var status: String?
    public var value: Double?
    /// The kind's own fields as a JSON object (see `Observation.payloadJSON`).
    public var payload: String

    public init(id: Int64, product: ProductID, dataset: DatasetRef?, kind: Observation.Kind, subject: String,
                observedAt: Timestamp, recordedAt: Timestamp, status: String?, value: Double?, payload: String) {
        self.id = id; self.product = product; self.dataset = dataset; self.kind = kind; self.subject = subject
        self.observedAt = observedAt; self.recordedAt = recordedAt; self.status = status; self.value = value
        self.payload = payload
    }
}

public struct HistoryQuery: Sendable {
    public var product: ProductID
    public var kind: Observation.Kind?
    public var since: Timestamp?
    public var until: Timestamp?
    public var limit: Int
    public var cursor: HistoryCursor?

    public init(product: ProductID, kind: Observation.Kind? = nil, since: Timestamp? = nil, until: Timestamp? = nil,
                limit: Int = 100, cursor: HistoryCursor? = nil) {
        self.product = product; self.kind = kind; self.since = since; self.until = until
        self.limit = limit; self.cursor = cursor
    }
}

/// Position after the last item of a page: history is ordered by (observedAt, id) descending.
public struct HistoryCursor: Sendable, Equatable {
    public var observedAt: Int64
    public var id: Int64

    public init(observedAt: Int64, id: Int64) { self.observedAt = observedAt; self.id = id }

    /// Opaque to clients; plain enough to debug.
    public var token: String { "\(observedAt).\(id)" }

    public init?(token: String) {
        let parts = token.split(separator: ".")
        guard parts.count == 2, let o = Int64(parts[0]), let i = Int64(parts[1]) else { return nil }
        observedAt = o
        id = i
    }
}

public struct HistoryPage: Sendable {
    public var items: [StoredObservation]
    public var next: HistoryCursor?

    /// A page from up to `limit + 1` rows, newest first, as both stores query them: a row past
    /// the limit only says that there is a next page, which starts after the page's last item.
    public init(rows: [StoredObservation], limit: Int) {
        items = Array(rows.prefix(limit))
        next = rows.count > limit ? items.last.map { HistoryCursor(observedAt: $0.observedAt.microseconds, id: $0.id) } : nil
    }
}

public struct AgentRecord: Sendable, Equatable {
    public var domain: DomainName
    public var agentID: String
    public var version: String
    public var lastSeenAt: Timestamp
    public init(domain: DomainName, agentID: String, version: String, lastSeenAt: Timestamp) {
        self.domain = domain; self.agentID = agentID; self.version = version; self.lastSeenAt = lastSeenAt
    }
}

public struct TokenRecord: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable, Codable {
        /// Everything, including tokens and other domains' data.
        case admin
        /// Reads everything.
        case council
        /// Writes and reads one domain.
        case agent
    }

    /// Short public identifier, shown by `steward token list` and used to revoke.
    public var id: String
    /// SHA-256 of the secret, hex. The secret itself is never stored.
    public var hash: String
    public var role: Role
    public var domain: DomainName?
    public var label: String
    public var createdAt: Timestamp
    public var revokedAt: Timestamp?

    public init(id: String, hash: String, role: Role, domain: DomainName?, label: String, createdAt: Timestamp, revokedAt: Timestamp? = nil) {
        self.id = id; self.hash = hash; self.role = role; self.domain = domain; self.label = label
        self.createdAt = createdAt; self.revokedAt = revokedAt
    }
}

import StewardCore

/// Everything one lineage request stores, written in one transaction.
public struct LineageWrite: Sendable {
    public var events: [LineageEventRow] = []
    public var edges: [LineageEdgeRow] = []
    public var columnEdges: [ColumnEdgeRow] = []
    /// Schema facets seen; a new version is kept only when the fields differ from the latest.
    public var schemas: [SchemaRow] = []

    public init() {}
}

/// One OpenLineage event as sent. `hash` (of the bytes) makes a resent event change nothing.
public struct LineageEventRow: Sendable {
    public var hash: Int64
    public var kind: String
    public var eventType: String?
    public var eventTime: Timestamp
    public var runID: String?
    public var jobNamespace: String?
    public var jobName: String?
    /// The domain of the token that sent it (nil for admin tokens).
    public var domain: String?
    public var receivedAt: Timestamp
    public var body: String

    public init(hash: Int64, kind: String, eventType: String?, eventTime: Timestamp, runID: String?, jobNamespace: String?,
                jobName: String?, domain: String?, receivedAt: Timestamp, body: String) {
        self.hash = hash; self.kind = kind; self.eventType = eventType; self.eventTime = eventTime; self.runID = runID
        self.jobNamespace = jobNamespace; self.jobName = jobName; self.domain = domain; self.receivedAt = receivedAt; self.body = body
    }
}

/// A job reads (`input`) or writes (`output`) a dataset.
public struct LineageEdgeRow: Sendable, Hashable {
    public enum Direction: String, Sendable { case input, output }
    public var jobNamespace: String
    public var jobName: String
    public var dataset: DatasetRef
    public var direction: Direction
    public var domain: String?

    public init(jobNamespace: String, jobName: String, dataset: DatasetRef, direction: Direction, domain: String?) {
        self.jobNamespace = jobNamespace; self.jobName = jobName; self.dataset = dataset; self.direction = direction; self.domain = domain
    }
}

public struct LineageEdgeRecord: Sendable, Equatable {
    /// Increases with every new edge, so readers catch up with `lineageEdges(after:)`.
    public var seq: Int64
    public var jobNamespace: String
    public var jobName: String
    public var dataset: DatasetRef
    public var direction: LineageEdgeRow.Direction
    public var domain: String?

    public init(seq: Int64, jobNamespace: String, jobName: String, dataset: DatasetRef, direction: LineageEdgeRow.Direction, domain: String?) {
        self.seq = seq; self.jobNamespace = jobNamespace; self.jobName = jobName; self.dataset = dataset
        self.direction = direction; self.domain = domain
    }
}

/// Output column `field` of `output` is computed from `inputField` of `input`.
public struct ColumnEdgeRow: Sendable, Hashable {
    public var output: DatasetRef
    public var field: String
    public var input: DatasetRef
    public var inputField: String
    /// The facet's transformations array, JSON text.
    public var transformations: String

    public init(output: DatasetRef, field: String, input: DatasetRef, inputField: String, transformations: String) {
        self.output = output; self.field = field; self.input = input; self.inputField = inputField; self.transformations = transformations
    }
}

public struct ColumnEdgeRecord: Sendable, Equatable {
    public var seq: Int64
    public var edge: ColumnEdgeRow
    public init(seq: Int64, edge: ColumnEdgeRow) { self.seq = seq; self.edge = edge }
}

public struct SchemaRow: Sendable {
    public var dataset: DatasetRef
    /// `[{"name":..,"type":..}]`, compact JSON in field order.
    public var fields: String
    public var seenAt: Timestamp
    public init(dataset: DatasetRef, fields: String, seenAt: Timestamp) { self.dataset = dataset; self.fields = fields; self.seenAt = seenAt }
}

extension SchemaRow {
    /// The schema rows worth keeping and the version each gets: a row is new only when its fields
    /// differ from the dataset's latest version (`latest`, or the previous new row). Both backends
    /// plan with this, so they number versions alike.
    public static func newVersions(_ rows: [SchemaRow], latest: [DatasetRef: SchemaVersionRecord]) -> [(row: SchemaRow, version: Int)] {
        var current = latest.mapValues { ($0.version, $0.fields) }
        var out: [(row: SchemaRow, version: Int)] = []
        for r in rows where current[r.dataset]?.1 != r.fields {
            let version = (current[r.dataset]?.0 ?? 0) + 1
            out.append((r, version))
            current[r.dataset] = (version, r.fields)
        }
        return out
    }

    public static func datasets(_ rows: [SchemaRow]) -> [DatasetRef] {
        var seen = Set<DatasetRef>()
        return rows.map(\.dataset).filter { seen.insert($0).inserted }
    }
}

public struct SchemaVersionRecord: Sendable, Equatable {
    public var version: Int
    public var fields: String
    public var seenAt: Timestamp
    public init(version: Int, fields: String, seenAt: Timestamp) { self.version = version; self.fields = fields; self.seenAt = seenAt }
}

/// A run's event as read back (its state transitions are these, in event-time order).
public struct LineageEventRecord: Sendable, Equatable {
    public var kind: String
    public var eventType: String?
    public var eventTime: Timestamp
    public var receivedAt: Timestamp
    /// The domain of the token that sent it (nil for admin tokens).
    public var domain: String?
    public var body: String
    public init(kind: String, eventType: String?, eventTime: Timestamp, receivedAt: Timestamp, domain: String?, body: String) {
        self.kind = kind; self.eventType = eventType; self.eventTime = eventTime; self.receivedAt = receivedAt
        self.domain = domain; self.body = body
    }
}

/// A domain's claim on a whole dataset namespace (e.g. `kafka://payments-broker:9092`).
public struct NamespaceClaim: Sendable, Equatable {
    public var namespace: String
    public var domain: DomainName
    public var claimedBy: String
    public var claimedAt: Timestamp
    public init(namespace: String, domain: DomainName, claimedBy: String, claimedAt: Timestamp) {
        self.namespace = namespace; self.domain = domain; self.claimedBy = claimedBy; self.claimedAt = claimedAt
    }
}

import StewardCore

/// What Steward reads out of one valid OpenLineage event. The event itself is kept verbatim in
/// `raw`, so every facet (custom ones included) survives even though only these are interpreted.
public struct LineageEvent: Sendable {
    public enum Kind: String, Sendable { case run = "RunEvent", dataset = "DatasetEvent", job = "JobEvent" }

    public var kind: Kind
    /// START, RUNNING, COMPLETE, ABORT, FAIL or OTHER for run events; nil otherwise.
    public var eventType: String?
    public var eventTime: Timestamp
    public var runID: String?
    public var job: JobRef?
    public var inputs: [LineageDataset]
    /// A DatasetEvent's dataset is listed here: describing a dataset is writing to it.
    public var outputs: [LineageDataset]
    /// The event's JSON exactly as sent.
    public var raw: String

    /// Every dataset the event writes to (outputs) and so must be allowed to write.
    public var written: [DatasetRef] { outputs.map(\.ref) }
}

public struct JobRef: Hashable, Sendable, CustomStringConvertible {
    public var namespace: String
    public var name: String
    public init(namespace: String, name: String) { self.namespace = namespace; self.name = name }
    public var description: String { "\(namespace):\(name)" }
}

/// One dataset of an event and the facets Steward interprets.
public struct LineageDataset: Sendable {
    public var ref: DatasetRef
    /// The schema facet's top-level fields, nil when the event carries no schema facet.
    public var fields: [SchemaField]?
    /// Column lineage: each output field and the input fields it is computed from.
    public var columnLineage: [ColumnDependency] = []
    /// outputStatistics.rowCount, else dataQualityMetrics.rowCount.
    public var rowCount: Int64?
    public var assertions: [Assertion] = []
    /// dataQualityMetrics.columnMetrics[column].nullCount.
    public var nullCounts: [(column: String, count: Int64)] = []

    public struct SchemaField: Sendable, Equatable {
        public var name: String
        public var type: String
    }

    public struct Assertion: Sendable, Equatable {
        public var assertion: String
        public var success: Bool
        public var column: String?
    }

    public struct ColumnDependency: Sendable, Equatable {
        public var field: String
        public var input: DatasetRef
        public var inputField: String
        /// The transformations array as JSON text ("[]" when absent).
        public var transformations: String
    }
}

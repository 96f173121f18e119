import StewardCore

/// A batch that passed validation: one domain, every observation well-formed.
public struct ObservationBatch: Sendable {
    public var batchId: String
    public var domain: DomainName
    public var agentID: String
    public var agentVersion: String
    public var observations: [Observation]

    public init(batchId: String, domain: DomainName, agentID: String, agentVersion: String, observations: [Observation]) {
        self.batchId = batchId; self.domain = domain; self.agentID = agentID
        self.agentVersion = agentVersion; self.observations = observations
    }

    /// Upper bound on observations per batch; the body limit usually stops bigger batches first.
    public static let maxObservations = 100_000
}

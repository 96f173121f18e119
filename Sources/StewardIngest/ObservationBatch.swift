import StewardCore

/// A batch that passed validation: one domain, every observation well-formed.
/// A problem message for one field, as a typed failure.
struct FieldMessage: Error {
    var text: String
    init(_ text: String) { self.text = text }
}

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

    /// Parses an observation's `product` (domain/name), which must belong to the batch's domain.
    /// Returns the problem message instead of throwing, so decoders can collect every problem.
    static func product(_ text: String, batchDomain: DomainName?) -> Result<ProductID, FieldMessage> {
        do {
            let id = try ProductID(path: text)
            if let batchDomain, id.domain != batchDomain {
                return .failure(FieldMessage("belongs to domain \(id.domain), but this batch is for domain \(batchDomain)"))
            }
            return .success(id)
        } catch {
            return .failure(FieldMessage(error.description))
        }
    }

    /// Upper bound on observations per batch; the body limit usually stops bigger batches first.
    public static let maxObservations = 100_000
}

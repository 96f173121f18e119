import StewardCore

/// A problem message for one field, as a typed failure.
struct FieldMessage: Error {
    var text: String
    init(_ text: String) { self.text = text }
}

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

/// Parses observations' `product` (domain/name), which must belong to the batch's domain.
/// Batches name a few products many times, so each distinct text is parsed and checked once.
/// Answers the problem message instead of throwing, so decoders can collect every problem.
struct ProductParser {
    let batchDomain: DomainName?
    private var seen: [String: Result<ProductID, FieldMessage>] = [:]

    init(batchDomain: DomainName?) { self.batchDomain = batchDomain }

    mutating func parse(_ text: String) -> Result<ProductID, FieldMessage> {
        if let known = seen[text] { return known }
        let result: Result<ProductID, FieldMessage>
        do {
            let id = try ProductID(path: text)
            if let batchDomain, id.domain != batchDomain {
                result = .failure(FieldMessage("belongs to domain \(id.domain), but this batch is for domain \(batchDomain)"))
            } else {
                result = .success(id)
            }
        } catch {
            result = .failure(FieldMessage(error.description))
        }
        if seen.count < 1024 { seen[text] = result }
        return result
    }
}

import StewardCore
import StewardIngest
import StewardLineage
import StewardStore

/// `POST /api/v1/lineage[/batch]`: parse, validate each event, check the writer may write its
/// outputs, store the accepted events in one transaction, then record what they tell about
/// registered products as observations. A refused event stores nothing of itself.
struct LineageIngest: Sendable {
    let index: LineageIndex
    let ingestor: Ingestor
    let governance: Governance
    let reader: EventReader
    /// One event above this is refused (the body limit still bounds the whole batch).
    let maxEventBytes: Int

    static let maxEvents = 10_000

    struct Outcome {
        var received = 0
        var stored = 0
        var failures: [(index: Int, error: LineageError)] = []
    }

    /// `events` are the parsed elements with their verbatim text.
    func ingest(_ events: [(value: JSONValue, raw: String)], writer domain: DomainName?, receivedAt: Timestamp) async throws -> Outcome {
        var outcome = Outcome(received: events.count)
        guard events.count <= Self.maxEvents else { throw LineageError.tooManyEvents(limit: Self.maxEvents) }
        // Validate every event first; refusals by ownership come after.
        var read: [(index: Int, event: LineageEvent)] = []
        for (i, e) in events.enumerated() {
            do throws(LineageError) {
                if e.raw.utf8.count > maxEventBytes { throw .eventTooLarge(bytes: e.raw.utf8.count, limit: maxEventBytes) }
                read.append((i, try reader.read(e.value, raw: e.raw)))
            } catch {
                outcome.failures.append((i, error))
            }
        }
        var ownership = try await index.ownership()
        // An output nobody owns here may belong to a product registered through another replica:
        // look again (at most once a second) before letting anyone write it.
        if domain != nil, read.contains(where: { $0.event.written.contains { ownership.owner(of: $0) == nil } }) {
            try await index.catalog.reload(from: index.store, ifOlderThan: .seconds(1))
            ownership = try await index.ownership()
        }
        var write = LineageWrite()
        var observations: [Observation] = []
        var touched = Set<ProductID>()
        for (i, event) in read {
            if let refusal = ownership.refusal(event, writer: domain) {
                outcome.failures.append((i, refusal))
                continue
            }
            EventRows.add(event, domain: domain?.rawValue, receivedAt: receivedAt, to: &write)
            observations += DerivedObservations.of(event, ownership: ownership, writer: domain)
            for d in event.inputs + event.outputs { if let p = ownership.product(of: d.ref) { touched.insert(p) } }
        }
        outcome.failures.sort { $0.index < $1.index }
        guard !write.events.isEmpty else { return outcome }
        outcome.stored = try await index.store.appendLineage(write)
        // Read back the new edges now: this replica's own writes are visible to its next query.
        try await index.catchUpNow()
        try await record(observations, batchKey: write.events.map(\.hash))
        governance.changed(touched)
        return outcome
    }

    /// Stores derived observations as one batch per domain. The batch id comes from the events'
    /// hashes, so a resent request records nothing twice.
    private func record(_ observations: [Observation], batchKey: [Int64]) async throws {
        guard !observations.isEmpty else { return }
        let key = EventRows.hash(batchKey.map(String.init).joined(separator: ","))
        let byDomain = Dictionary(grouping: observations) { $0.product!.domain }
        for (domain, list) in byDomain.sorted(by: { $0.key < $1.key }) {
            for (n, start) in stride(from: 0, to: list.count, by: ObservationBatch.maxObservations).enumerated() {
                let chunk = Array(list[start..<min(start + ObservationBatch.maxObservations, list.count)])
                let id = "openlineage-\(String(UInt64(bitPattern: key), radix: 16))-\(n)"
                _ = try await ingestor.ingest(ObservationBatch(batchId: id, domain: domain, agentID: "openlineage", agentVersion: "",
                                                               observations: chunk), receivedAt: .now)
            }
        }
    }
}

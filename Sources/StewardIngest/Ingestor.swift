import StewardCore
import StewardStore

/// Validated input in, durable records out. Knows nothing of HTTP.
public struct Ingestor: Sendable {
    public let store: any Store
    public let catalog: Catalog

    public init(store: any Store, catalog: Catalog) {
        self.store = store
        self.catalog = catalog
    }

    /// Stores a whole batch atomically. Throws `IngestError.unknownTargets` (nothing stored) or `StoreError`.
    public func ingest(_ batch: ObservationBatch, receivedAt: Timestamp) async throws -> AppendResult {
        var (rows, unknown) = catalog.resolve(batch.observations)
        if !unknown.isEmpty {
            // Perhaps registered through another replica since we last looked.
            try await catalog.reload(from: store)
            (rows, unknown) = catalog.resolve(batch.observations)
            if !unknown.isEmpty { throw IngestError.unknownTargets(unknown) }
        }
        return try await store.append(BatchRecord(domain: batch.domain, batchId: batch.batchId, agentID: batch.agentID,
                                                  agentVersion: batch.agentVersion, receivedAt: receivedAt, rows: rows))
    }

    public func register(_ descriptor: ProductDescriptor, at time: Timestamp) async throws(StoreError) -> ProductVersion {
        let version = try await store.registerProduct(descriptor, at: time)
        if version.changed { try await catalog.reload(from: store) }
        return version
    }
}

import Synchronization
import StewardCore
import StewardStore

/// In-memory index of registered products and their dataset keys, so ingest resolves a batch
/// without a query per observation. Replicas register products independently, so a miss
/// reloads from the store before answering 422 (see `Ingestor`).
public final class Catalog: Sendable {
    private let entries = Mutex<[ProductID: CatalogEntry]>([:])
    private let reloads = Atomic<Int>(0)
    private let reloadedAt = Mutex<ContinuousClock.Instant?>(nil)

    public init() {}

    public func reload(from store: any Store) async throws(StoreError) {
        let all = try await store.catalog()
        var map: [ProductID: CatalogEntry] = [:]
        for entry in all { map[entry.descriptor.id] = entry }
        entries.withLock { $0 = map }
        reloads.add(1, ordering: .releasing)
        reloadedAt.withLock { $0 = .now }
    }

    /// Reloads unless the last reload is younger than `age`: for callers that cannot tell a miss
    /// from a product registered through another replica, without a store query per request.
    public func reload(from store: any Store, ifOlderThan age: Duration) async throws(StoreError) {
        if let at = reloadedAt.withLock({ $0 }), at.duration(to: .now) < age { return }
        try await reload(from: store)
    }

    /// Grows with every reload, so indexes built from the catalog know when to rebuild.
    public var generation: Int { reloads.load(ordering: .acquiring) }

    public var descriptors: [ProductDescriptor] { entries.withLock { $0.values.map(\.descriptor) } }

    public func entry(_ id: ProductID) -> CatalogEntry? {
        entries.withLock { $0[id] }
    }

    /// Resolves every observation to store keys, or lists every one naming something unregistered.
    func resolve(_ observations: [Observation]) -> (rows: [ObservationRow], unknown: [FieldProblem]) {
        // A copy of the map (a reference, copy-on-write) so concurrent batches resolve without holding the lock.
        let map = entries.withLock { $0 }
        var rows: [ObservationRow] = []
        rows.reserveCapacity(observations.count)
        var unknown: [FieldProblem] = []
        // Batches usually name few products: remember the last one to skip most dictionary lookups.
        var lastID: ProductID?
        var lastEntry: CatalogEntry?
        for (index, o) in observations.enumerated() {
            guard let product = o.product else {
                rows.append(ObservationRow(productKey: nil, datasetKey: nil, observation: o))
                continue
            }
            if product != lastID {
                lastID = product
                lastEntry = map[product]
            }
            guard let entry = lastEntry else {
                unknown.append(FieldProblem(index: index, field: "product", message: "product \(product) is not registered"))
                continue
            }
            guard let dataset = o.dataset, let key = entry.datasetKeys[dataset] else {
                unknown.append(FieldProblem(index: index, field: "dataset",
                                            message: "dataset \(o.dataset?.description ?? "") is not declared by product \(product)"))
                continue
            }
            rows.append(ObservationRow(productKey: entry.productKey, datasetKey: key, observation: o))
        }
        return (rows, unknown)
    }
}

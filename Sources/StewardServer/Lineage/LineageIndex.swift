import Synchronization
import StewardCore
import StewardIngest
import StewardLineage
import StewardPolicy
import StewardStore

/// The lineage graph plus who owns which dataset, shared by ingest, the graph routes and policy
/// evaluation. Ownership is rebuilt only when the catalog reloads or a namespace claim changes.
final class LineageIndex: Sendable {
    let store: any Store
    let catalog: Catalog
    let graph = LineageGraph()
    private let cached = Mutex<(generation: Int, claims: [NamespaceClaim], ownership: Ownership, at: ContinuousClock.Instant)?>(nil)
    private let caughtUpAt = Mutex<ContinuousClock.Instant?>(nil)

    /// How far behind other replicas' writes a graph read may be. This replica's own writes are
    /// caught up as they are stored, so only writes through other replicas wait up to this long;
    /// in exchange a query costs no store round trip.
    static let readStaleness: Duration = .milliseconds(250)

    init(store: any Store, catalog: Catalog) {
        self.store = store
        self.catalog = catalog
    }

    /// Current ownership. Writes (`fresh`) read the claims each time, one small query, since any
    /// replica may add one; reads accept claims up to `readStaleness` old.
    func ownership(fresh: Bool = true) async throws(StoreError) -> Ownership {
        let generation = catalog.generation
        let now = ContinuousClock.now
        if !fresh, let c = cached.withLock({ $0 }), c.generation == generation, c.at.duration(to: now) < Self.readStaleness {
            return c.ownership
        }
        let claims = try await store.namespaceClaims()
        if let c = cached.withLock({ $0 }), c.generation == generation, c.claims == claims {
            cached.withLock { $0?.at = now }
            return c.ownership
        }
        let ownership = Ownership(products: catalog.descriptors, namespaces: claims)
        cached.withLock { $0 = (generation, claims, ownership, now) }
        return ownership
    }

    /// The graph with every edge stored so far by this replica, and by others up to `readStaleness` ago.
    func current() async throws(StoreError) -> LineageGraph {
        let now = ContinuousClock.now
        if let at = caughtUpAt.withLock({ $0 }), at.duration(to: now) < Self.readStaleness { return graph }
        try await graph.catchUp(from: store)
        caughtUpAt.withLock { $0 = now }
        return graph
    }

    /// Reads what this replica just stored, whatever the staleness allowance.
    func catchUpNow() async throws(StoreError) {
        try await graph.catchUp(from: store)
        caughtUpAt.withLock { $0 = ContinuousClock.now }
    }

    /// Declared tags of a column, from the descriptor of the product that holds its dataset.
    func declaredTags(_ column: ColumnRef, _ ownership: Ownership) -> [String] {
        guard let id = ownership.product(of: column.dataset), let product = catalog.entry(id)?.descriptor else { return [] }
        let dataset = product.datasets.first { $0.namespace == column.dataset.namespace && $0.name == column.dataset.name }
        return dataset?.columns?.first { $0.name == column.field }?.tags ?? []
    }

    /// PII tags reaching `dataset`'s columns from upstream columns, each with the column it came from.
    func propagatedTags(_ dataset: DatasetRef, _ ownership: Ownership) -> [ObservedState.PropagatedTag] {
        var out: [ObservedState.PropagatedTag] = []
        for (column, upstream) in graph.upstreamColumns(of: dataset).sorted(by: { $0.key < $1.key }) {
            for source in upstream {
                for tag in declaredTags(source, ownership) where tag.hasPrefix("pii") {
                    out.append(.init(dataset: dataset.name, column: column, tag: tag, from: source.description))
                }
            }
        }
        return out
    }

    /// Lineage facts for the policy input: schema drift against the newest lineage schema facet
    /// (when newer than the agent's own schema scan) and propagated PII tags.
    func addFacts(to observed: inout ObservedState, descriptor: ProductDescriptor, latest: [StoredObservation]) async throws(StoreError) {
        let ownership = try await ownership(fresh: false)
        _ = try await current()
        let schemas = try await store.latestSchemas(descriptor.datasets.map { DatasetRef(namespace: $0.namespace, name: $0.name) })
        for d in descriptor.datasets {
            let ref = DatasetRef(namespace: d.namespace, name: d.name)
            let scan = latest.last { $0.kind == .schema && $0.dataset == ref }
            // The newer of the agent's scan (a payload with `columns`) and the lineage schema facet.
            var columns: [(name: String, type: String)]?
            if let scan { columns = Self.columns(Self.parse(scan.payload)?["columns"]) }
            if let version = schemas[ref], scan.map({ version.seenAt > $0.observedAt }) ?? true {
                columns = Self.columns(Self.parse(version.fields))
            }
            if let columns { observed.schemaDrift += ObservedState.drift(dataset: d.name, declared: d.columns, observed: columns) }
            observed.propagatedTags += propagatedTags(ref, ownership)
        }
    }

    private static func parse(_ json: String) -> JSONValue? { try? JSONParser.parse(Array(json.utf8)) }

    private static func columns(_ list: JSONValue?) -> [(name: String, type: String)] {
        (list?.array ?? []).compactMap { c in c["name"]?.string.map { ($0, c["type"]?.string ?? "") } }
    }
}

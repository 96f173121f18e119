import StewardCore

/// Everything Steward keeps. Two backends implement it (SQLite, PostgreSQL) and both pass
/// the one conformance suite in `Tests/StewardStoreTests`, which is the specification.
///
/// Writes are durable when the call returns. Each call is atomic.
public protocol Store: Sendable {
    /// Creates or migrates the schema. Safe to call on every start and from several processes.
    func migrate() async throws(StoreError)
    /// Answers when the database answers; throws `.unavailable` otherwise.
    func ping() async throws(StoreError)
    func close() async

    // MARK: Products

    /// Keeps a new descriptor version, or nothing when it equals the current one.
    func registerProduct(_ descriptor: ProductDescriptor, at time: Timestamp) async throws(StoreError) -> ProductVersion
    /// The current version of every product (of one domain, if given), sorted by id.
    func products(domain: DomainName?) async throws(StoreError) -> [ProductVersion]
    /// The version that was current at `asOf` (now if nil).
    func product(_ id: ProductID, asOf: Timestamp?) async throws(StoreError) -> ProductVersion?
    /// Keys of products and their datasets, for resolving observations before `append`.
    func catalog() async throws(StoreError) -> [CatalogEntry]

    // MARK: Observations

    /// Stores a whole batch in one transaction, or answers `.duplicate` if this domain already sent `batchId`.
    func append(_ batch: BatchRecord) async throws(StoreError) -> AppendResult
    /// The latest observation of each kind (and each check or consumer) per dataset of a product,
    /// as it was known at `asOf` (now if nil).
    func latest(_ product: ProductID, asOf: Timestamp?) async throws(StoreError) -> [StoredObservation]
    /// `latest` now of several products in one read where the backend can (the evaluator's
    /// read). Products without observations, or not registered, are absent.
    func latest(of products: [ProductID]) async throws(StoreError) -> [ProductID: [StoredObservation]]
    /// A product's descriptor at `asOf` (now if nil) with `latest` as of the same time: what a
    /// product page shows, in one read where the backend can (one round trip on PostgreSQL).
    func productPage(_ id: ProductID, asOf: Timestamp?) async throws(StoreError) -> ProductPage?
    /// History, newest first.
    func history(_ query: HistoryQuery) async throws(StoreError) -> HistoryPage
    /// Agents that sent batches, with when they were last heard from.
    func agents(domain: DomainName?) async throws(StoreError) -> [AgentRecord]

    // MARK: Tokens

    func createToken(_ token: TokenRecord) async throws(StoreError)
    func token(hash: String) async throws(StoreError) -> TokenRecord?
    func tokens() async throws(StoreError) -> [TokenRecord]
    /// Marks a token revoked; false if no active token has this id.
    func revokeToken(id: String, at time: Timestamp) async throws(StoreError) -> Bool

    // MARK: Governance

    /// Keeps a new version of a submitted policy (or its deletion).
    func savePolicy(_ policy: PolicyRecord) async throws(StoreError)
    /// The current version of every submitted policy that is not deleted, by owner and id.
    func policies() async throws(StoreError) -> [PolicyRecord]
    func createWaiver(_ waiver: WaiverRecord) async throws(StoreError)
    /// Every waiver ever granted, revoked and expired ones included, newest first.
    func waivers() async throws(StoreError) -> [WaiverRecord]
    /// Marks a waiver revoked; false if no unrevoked waiver has this id.
    func revokeWaiver(id: String, by: String, at time: Timestamp) async throws(StoreError) -> Bool
    /// Replaces the product's current findings with `findings` (all of them, from one evaluation at
    /// `time`): unchanged ones continue, changed ones end and start anew, missing ones end.
    /// Returns how many new periods started.
    @discardableResult
    func recordFindings(_ product: ProductID, _ findings: [FindingRecord], at time: Timestamp) async throws(StoreError) -> Int
    /// Findings in force at `query.asOf`, sorted by product, policy and target.
    func findings(_ query: FindingQuery) async throws(StoreError) -> [FindingRecord]

    // MARK: Lineage

    /// Stores OpenLineage events and what was read from them, atomically. Events already stored
    /// (same bytes) are skipped; answers how many were new.
    func appendLineage(_ write: LineageWrite) async throws(StoreError) -> Int
    /// Job-dataset edges created after `seq`, in seq order (the graph index catches up with these).
    func lineageEdges(after seq: Int64, limit: Int) async throws(StoreError) -> [LineageEdgeRecord]
    func columnEdges(after seq: Int64, limit: Int) async throws(StoreError) -> [ColumnEdgeRecord]
    /// The events of one run, by event time.
    func lineageEvents(run: String) async throws(StoreError) -> [LineageEventRecord]
    /// Every kept schema version of a dataset, oldest first.
    func schemaVersions(_ dataset: DatasetRef) async throws(StoreError) -> [SchemaVersionRecord]
    /// The newest schema version of each of `datasets` that has one, in one query.
    func latestSchemas(_ datasets: [DatasetRef]) async throws(StoreError) -> [DatasetRef: SchemaVersionRecord]
    /// Claims a namespace for a domain unless another domain holds it; answers the holder.
    func claimNamespace(_ claim: NamespaceClaim) async throws(StoreError) -> NamespaceClaim
    func namespaceClaims() async throws(StoreError) -> [NamespaceClaim]
}

extension Store {
    /// One read per product: on SQLite, whose reads cost no round trip and scan no pending rows.
    public func latest(of products: [ProductID]) async throws(StoreError) -> [ProductID: [StoredObservation]] {
        var latest: [ProductID: [StoredObservation]] = [:]
        for id in products {
            let rows = try await self.latest(id, asOf: nil)
            if !rows.isEmpty { latest[id] = rows }
        }
        return latest
    }

    public func productPage(_ id: ProductID, asOf: Timestamp?) async throws(StoreError) -> ProductPage? {
        try await productPageInTwoReads(id, asOf: asOf)
    }

    /// `product` then `latest`: right for past times, which no write changes any more, and on
    /// SQLite, whose reads cost no round trip.
    public func productPageInTwoReads(_ id: ProductID, asOf: Timestamp?) async throws(StoreError) -> ProductPage? {
        guard let version = try await product(id, asOf: asOf) else { return nil }
        return ProductPage(version: version, latest: try await latest(id, asOf: asOf))
    }
}

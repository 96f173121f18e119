import Foundation
import StewardCore
import StewardStore
import Testing

/// The single specification of store behaviour: every backend must pass all of it.
@Suite struct StoreConformance {
    static let t0 = try! Timestamp(rfc3339: "2026-11-21T10:00:00Z")
    static let ordersRef = DatasetRef(namespace: "postgres://payments-db:5432/payments", name: "public.orders")
    static let itemsRef = DatasetRef(namespace: "postgres://payments-db:5432/payments", name: "public.order_items")

    static func descriptor(_ domain: String = "payments", _ name: String = "orders", owner: String = "team-payments",
                           datasets: [DatasetRef] = [ordersRef]) -> ProductDescriptor {
        ProductDescriptor(domain: DomainName(trusted: domain), name: name, owner: owner, tier: .gold, classification: .confidential,
                          datasets: datasets.map { .init(namespace: $0.namespace, name: $0.name) },
                          slo: .init(maxStaleness: try! ISODuration("PT1H")))
    }

    static func rows(_ store: any Store, _ observations: [Observation]) async throws -> [ObservationRow] {
        let catalog = try await store.catalog()
        return observations.map { o in
            guard let p = o.product, let entry = catalog.first(where: { $0.descriptor.id == p }) else {
                return ObservationRow(productKey: nil, datasetKey: nil, observation: o)
            }
            return ObservationRow(productKey: entry.productKey, datasetKey: entry.datasetKeys[o.dataset!], observation: o)
        }
    }

    static func batch(_ id: String, _ rows: [ObservationRow], at: Timestamp = t0, domain: String = "payments") -> BatchRecord {
        BatchRecord(domain: DomainName(trusted: domain), batchId: id, agentID: "agent-1", agentVersion: "1.0", receivedAt: at, rows: rows)
    }

    static let orders = ProductID(trustedDomain: "payments", name: "orders")

    static func volume(_ n: Int64, at: Timestamp, dataset: DatasetRef = ordersRef) -> Observation {
        Observation(product: orders, dataset: dataset, observedAt: at, detail: .volume(rowCount: n))
    }

    static func check(_ name: String, _ status: Observation.QualityStatus, at: Timestamp) -> Observation {
        Observation(product: orders, dataset: ordersRef, observedAt: at, detail: .quality(check: name, status: status, value: nil, threshold: nil, message: nil))
    }

    // MARK: Products

    @Test(arguments: Backend.available)
    func keepsEveryDescriptorVersionAndAnswersAsOf(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let t1 = Self.t0.adding(seconds: 60)
            let v1 = try await store.registerProduct(Self.descriptor(), at: Self.t0)
            let same = try await store.registerProduct(Self.descriptor(), at: t1)
            let v2 = try await store.registerProduct(Self.descriptor(owner: "team-payments-core"), at: t1)
            #expect(v1.version == 1 && v1.changed)
            #expect(same.version == 1 && !same.changed)
            #expect(v2.version == 2 && v2.changed)

            #expect(try await store.product(Self.orders, asOf: nil)?.descriptor.owner == "team-payments-core")
            #expect(try await store.product(Self.orders, asOf: Self.t0.adding(seconds: 30))?.descriptor.owner == "team-payments")
            #expect(try await store.product(Self.orders, asOf: Self.t0.adding(seconds: -1)) == nil)
            #expect(try await store.product(ProductID(trustedDomain: "payments", name: "nope"), asOf: nil) == nil)
        }
    }

    @Test(arguments: Backend.available)
    func listsProductsByDomain(_ backend: Backend) async throws {
        try await backend.withStore { store in
            _ = try await store.registerProduct(Self.descriptor("payments", "orders"), at: Self.t0)
            _ = try await store.registerProduct(Self.descriptor("payments", "refunds"), at: Self.t0)
            _ = try await store.registerProduct(Self.descriptor("logistics", "shipments"), at: Self.t0)
            #expect(try await store.products(domain: nil).map(\.descriptor.id.description) == ["logistics/shipments", "payments/orders", "payments/refunds"])
            #expect(try await store.products(domain: DomainName("payments")).count == 2)
        }
    }

    @Test(arguments: Backend.available)
    func catalogOffersOnlyCurrentlyDeclaredDatasets(_ backend: Backend) async throws {
        try await backend.withStore { store in
            _ = try await store.registerProduct(Self.descriptor(datasets: [Self.ordersRef, Self.itemsRef]), at: Self.t0)
            #expect(try await store.catalog().first?.datasetKeys.count == 2)
            _ = try await store.registerProduct(Self.descriptor(datasets: [Self.ordersRef]), at: Self.t0.adding(seconds: 1))
            let keys = try #require(try await store.catalog().first?.datasetKeys)
            #expect(Array(keys.keys) == [Self.ordersRef])
        }
    }

    // MARK: Observations

    @Test(arguments: Backend.available)
    func appendIsIdempotentByBatchId(_ backend: Backend) async throws {
        try await backend.withStore { store in
            _ = try await store.registerProduct(Self.descriptor(), at: Self.t0)
            let rows = try await Self.rows(store, [Self.volume(1, at: Self.t0), Self.volume(2, at: Self.t0.adding(seconds: 1))])
            #expect(try await store.append(Self.batch("b1", rows)) == .stored(2))
            #expect(try await store.append(Self.batch("b1", rows)) == .duplicate)
            // The same id from another domain is another batch.
            #expect(try await store.append(Self.batch("b1", [], domain: "logistics")) == .stored(0))
            let page = try await store.history(HistoryQuery(product: Self.orders))
            #expect(page.items.count == 2)
        }
    }

    @Test(arguments: Backend.available)
    func latestKeepsTheNewestPerKindDatasetAndSubject(_ backend: Backend) async throws {
        try await backend.withStore { store in
            _ = try await store.registerProduct(Self.descriptor(datasets: [Self.ordersRef, Self.itemsRef]), at: Self.t0)
            let t1 = Self.t0.adding(seconds: 60)
            let first = try await Self.rows(store, [
                Self.volume(10, at: Self.t0), Self.volume(11, at: t1), Self.volume(5, at: Self.t0, dataset: Self.itemsRef),
                Self.check("a", .pass, at: Self.t0), Self.check("b", .fail, at: Self.t0),
            ])
            _ = try await store.append(Self.batch("b1", first))
            // Arrives later but was observed earlier: must not replace the newer value.
            let late = try await Self.rows(store, [Self.volume(9, at: Self.t0.adding(seconds: 30)), Self.check("a", .fail, at: t1)])
            _ = try await store.append(Self.batch("b2", late, at: t1.adding(seconds: 5)))

            let latest = try await store.latest(Self.orders, asOf: nil)
            let volumes = latest.filter { $0.kind == .volume }.map { "\($0.dataset!.name)=\($0.value!)" }.sorted()
            #expect(volumes == ["public.order_items=5.0", "public.orders=11.0"])
            let checks = latest.filter { $0.kind == .quality }.map { "\($0.subject)=\($0.status!)" }.sorted()
            #expect(checks == ["a=fail", "b=fail"])
            #expect(latest.first { $0.kind == .volume && $0.dataset == Self.ordersRef }?.payload == #"{"rowCount":11}"#)
        }
    }

    @Test(arguments: Backend.available)
    func latestAsOfAPastTimeIgnoresWhatCameLater(_ backend: Backend) async throws {
        try await backend.withStore { store in
            _ = try await store.registerProduct(Self.descriptor(), at: Self.t0)
            let t1 = Self.t0.adding(seconds: 60), t2 = Self.t0.adding(seconds: 120)
            _ = try await store.append(Self.batch("b1", try await Self.rows(store, [Self.volume(1, at: Self.t0)]), at: Self.t0))
            _ = try await store.append(Self.batch("b2", try await Self.rows(store, [Self.volume(2, at: t1)]), at: t1))
            // Observed before t1 but only recorded at t2: not known at t1.
            _ = try await store.append(Self.batch("b3", try await Self.rows(store, [Self.check("c", .fail, at: Self.t0)]), at: t2))

            let atT1 = try await store.latest(Self.orders, asOf: t1)
            #expect(atT1.map(\.kind) == [.volume])
            #expect(atT1.first?.value == 2)
            let between = try await store.latest(Self.orders, asOf: Self.t0.adding(seconds: 30))
            #expect(between.first?.value == 1)
            #expect(try await store.latest(Self.orders, asOf: t2).count == 2)
        }
    }

    @Test(arguments: Backend.available)
    func latestOfSeveralProductsIsEachOnesLatest(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let namespace = Self.ordersRef.namespace
            let refundsRef = DatasetRef(namespace: namespace, name: "public.refunds")
            let refunds = ProductID(trustedDomain: "payments", name: "refunds"), quiet = ProductID(trustedDomain: "payments", name: "quiet")
            _ = try await store.registerProduct(Self.descriptor(datasets: [Self.ordersRef, Self.itemsRef]), at: Self.t0)
            _ = try await store.registerProduct(Self.descriptor("payments", "refunds", datasets: [refundsRef]), at: Self.t0)
            _ = try await store.registerProduct(Self.descriptor("payments", "quiet", datasets: [DatasetRef(namespace: namespace, name: "public.quiet")]), at: Self.t0)
            func refundsVolume(_ n: Int64, at: Timestamp) -> Observation {
                Observation(product: refunds, dataset: refundsRef, observedAt: at, detail: .volume(rowCount: n))
            }
            let t1 = Self.t0.adding(seconds: 60)
            _ = try await store.append(Self.batch("b1", try await Self.rows(store, [
                Self.volume(1, at: Self.t0), Self.volume(2, at: t1, dataset: Self.itemsRef), Self.check("a", .fail, at: t1), refundsVolume(3, at: t1),
            ])))
            // Observed earlier than what refunds already has: not its latest.
            _ = try await store.append(Self.batch("b2", try await Self.rows(store, [refundsVolume(4, at: Self.t0), Self.volume(5, at: t1)]), at: t1))

            let unregistered = ProductID(trustedDomain: "payments", name: "unregistered")
            let many = try await store.latest(of: [Self.orders, refunds, quiet, unregistered])
            #expect(Set(many.keys) == [Self.orders, refunds], "products without observations are absent")
            #expect(many[Self.orders] == (try await store.latest(Self.orders, asOf: nil)))
            #expect(many[Self.orders]?.map(\.value) == [2, 5, nil])
            #expect(many[refunds] == (try await store.latest(refunds, asOf: nil)))
            #expect(many[refunds]?.map(\.value) == [3])
            #expect(try await store.latest(of: []).isEmpty)
            #expect(try await store.latest(of: [refunds, Self.orders, refunds]) == many, "a product named twice is read once")
        }
    }

    @Test(arguments: Backend.available)
    func productPageIsTheDescriptorWithItsLatestAtTheSameTime(_ backend: Backend) async throws {
        try await backend.withStore { store in
            _ = try await store.registerProduct(Self.descriptor(), at: Self.t0)
            #expect(try await store.productPage(Self.orders, asOf: nil)?.latest == [], "a product with no observation yet")
            let t1 = Self.t0.adding(seconds: 60)
            _ = try await store.append(Self.batch("b1", try await Self.rows(store, [Self.volume(1, at: Self.t0)]), at: Self.t0))
            _ = try await store.registerProduct(Self.descriptor(owner: "team-checkout", datasets: [Self.ordersRef, Self.itemsRef]), at: t1)
            _ = try await store.append(Self.batch("b2", try await Self.rows(store, [
                Self.volume(2, at: t1), Self.check("a", .fail, at: t1), Self.volume(7, at: t1, dataset: Self.itemsRef),
            ]), at: t1))

            for asOf in [nil, Self.t0.adding(seconds: 30)] {
                let page = try #require(try await store.productPage(Self.orders, asOf: asOf))
                #expect(page.version == (try await store.product(Self.orders, asOf: asOf)))
                #expect(page.latest == (try await store.latest(Self.orders, asOf: asOf)))
            }
            let now = try #require(try await store.productPage(Self.orders, asOf: nil))
            #expect(now.version.version == 2 && now.version.descriptor.owner == "team-checkout")
            #expect(now.latest.map(\.value) == [7, 2, nil], "ordered by kind, then dataset, then subject")
            #expect(try await store.productPage(Self.orders, asOf: Self.t0.adding(seconds: 30))?.version.version == 1)
            #expect(try await store.productPage(ProductID(trustedDomain: "payments", name: "refunds"), asOf: nil) == nil)
        }
    }

    @Test(arguments: Backend.available)
    func historyPagesNewestFirstWithFilters(_ backend: Backend) async throws {
        try await backend.withStore { store in
            _ = try await store.registerProduct(Self.descriptor(), at: Self.t0)
            var observations: [Observation] = []
            for i in 0..<25 {
                observations.append(Self.volume(Int64(i), at: Self.t0.adding(seconds: Double(i))))
                observations.append(Self.check("c", .pass, at: Self.t0.adding(seconds: Double(i))))
            }
            _ = try await store.append(Self.batch("b", try await Self.rows(store, observations)))

            var seen: [Double] = []
            var cursor: HistoryCursor?
            repeat {
                let page = try await store.history(HistoryQuery(product: Self.orders, kind: .volume, limit: 10, cursor: cursor))
                seen += page.items.map { $0.value! }
                cursor = page.next
            } while cursor != nil
            #expect(seen == (0..<25).reversed().map(Double.init))

            // Without a kind, both kinds interleave newest first; at equal times the later write first.
            var all: [StoredObservation] = []
            cursor = nil
            repeat {
                let page = try await store.history(HistoryQuery(product: Self.orders, limit: 7, cursor: cursor))
                all += page.items
                cursor = page.next
            } while cursor != nil
            #expect(all.count == 50)
            #expect(zip(all, all.dropFirst()).allSatisfy { ($0.observedAt, $0.id) > ($1.observedAt, $1.id) })
            #expect(all.prefix(2).map(\.kind) == [.quality, .volume])

            let window = try await store.history(HistoryQuery(product: Self.orders, since: Self.t0.adding(seconds: 10),
                                                              until: Self.t0.adding(seconds: 12), limit: 100))
            #expect(window.items.count == 4)
            #expect(window.next == nil)
            #expect(window.items.first!.observedAt == Self.t0.adding(seconds: 11))
        }
    }

    @Test(arguments: Backend.available)
    func heartbeatsUpdateTheAgentNotTheHistory(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let hb = Observation(product: nil, dataset: nil, observedAt: Self.t0.adding(seconds: 5), detail: .heartbeat)
            #expect(try await store.append(Self.batch("b", [ObservationRow(productKey: nil, datasetKey: nil, observation: hb)])) == .stored(1))
            let agents = try await store.agents(domain: nil)
            #expect(agents == [AgentRecord(domain: DomainName(trusted: "payments"), agentID: "agent-1", version: "1.0",
                                           lastSeenAt: Self.t0.adding(seconds: 5))])
        }
    }

    @Test(arguments: Backend.available)
    func concurrentBatchesAllLand(_ backend: Backend) async throws {
        try await backend.withStore { store in
            _ = try await store.registerProduct(Self.descriptor(), at: Self.t0)
            let rows = try await Self.rows(store, (0..<100).map { Self.volume(Int64($0), at: Self.t0.adding(seconds: Double($0))) })
            try await withThrowingTaskGroup(of: AppendResult.self) { group in
                for i in 0..<20 { group.addTask { try await store.append(Self.batch("b\(i)", rows)) } }
                // Half of them again: duplicates never double-count.
                for i in 0..<10 { group.addTask { try await store.append(Self.batch("b\(i)", rows)) } }
                var stored = 0
                for try await result in group { if case .stored(let n) = result { stored += n } }
                #expect(stored == 2000)
            }
            let page = try await store.history(HistoryQuery(product: Self.orders, limit: 1000))
            #expect(page.items.count == 1000)
            #expect(page.next != nil)
        }
    }

    // MARK: Tokens

    @Test(arguments: Backend.available)
    func tokensAreFoundByHashAndRevoked(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let record = TokenRecord(id: "abcd1234", hash: "h1", role: .agent, domain: DomainName(trusted: "payments"),
                                     label: "ci", createdAt: Self.t0)
            try await store.createToken(record)
            #expect(try await store.token(hash: "h1") == record)
            #expect(try await store.token(hash: "h2") == nil)
            await #expect(throws: StoreError.self) { try await store.createToken(record) }
            #expect(try await store.revokeToken(id: "abcd1234", at: Self.t0.adding(seconds: 1)))
            #expect(try await store.revokeToken(id: "abcd1234", at: Self.t0.adding(seconds: 2)) == false)
            #expect(try await store.token(hash: "h1")?.revokedAt == Self.t0.adding(seconds: 1))
            #expect(try await store.tokens().count == 1)
        }
    }

    @Test(arguments: Backend.available)
    func migrationIsRepeatable(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.migrate()
            try await store.ping()
        }
    }
}

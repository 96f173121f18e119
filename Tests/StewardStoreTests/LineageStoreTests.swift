import Foundation
import StewardCore
import StewardStore
import Testing

/// Store behaviour for OpenLineage events, edges, schema versions and namespace claims.
@Suite struct LineageStoreConformance {
    static let t0 = StoreConformance.t0
    static let raw = DatasetRef(namespace: "s3://raw", name: "orders")
    static let clean = DatasetRef(namespace: "postgres://db", name: "public.orders")

    static func event(_ hash: Int64, _ type: String, at seconds: Double, run: String = "r1") -> LineageEventRow {
        LineageEventRow(hash: hash, kind: "RunEvent", eventType: type, eventTime: t0.adding(seconds: seconds), runID: run,
                        jobNamespace: "airflow", jobName: "clean_orders", domain: "payments", receivedAt: t0, body: #"{"n":\#(hash)}"#)
    }

    static func write(_ events: [LineageEventRow], fields: String = #"[{"name":"id","type":"bigint"}]"#) -> LineageWrite {
        var w = LineageWrite()
        w.events = events
        w.edges = [LineageEdgeRow(jobNamespace: "airflow", jobName: "clean_orders", dataset: raw, direction: .input, domain: "payments"),
                   LineageEdgeRow(jobNamespace: "airflow", jobName: "clean_orders", dataset: clean, direction: .output, domain: "payments")]
        w.columnEdges = [ColumnEdgeRow(output: clean, field: "id", input: raw, inputField: "order_id", transformations: "[]")]
        w.schemas = [SchemaRow(dataset: clean, fields: fields, seenAt: t0)]
        return w
    }

    @Test(arguments: Backend.available)
    func eventsAreKeptOnceEdgesGrowBySeqAndSchemasKeepEachVersion(_ backend: Backend) async throws {
        try await backend.withStore { store in
            #expect(try await store.appendLineage(Self.write([Self.event(1, "START", at: 0), Self.event(2, "COMPLETE", at: 5)])) == 2)
            // Resending the same events (and edges and schema) changes nothing.
            #expect(try await store.appendLineage(Self.write([Self.event(2, "COMPLETE", at: 5)])) == 0)
            let edges = try await store.lineageEdges(after: 0, limit: 100)
            #expect(edges.map(\.direction) == [.input, .output])
            #expect(edges.map(\.dataset) == [Self.raw, Self.clean])
            #expect(try await store.lineageEdges(after: edges[1].seq, limit: 100).isEmpty)
            #expect(try await store.columnEdges(after: 0, limit: 10).map(\.edge.inputField) == ["order_id"])
            #expect(try await store.schemaVersions(Self.clean).count == 1)

            // A late, older event does not move the run back; a new schema is a new version.
            _ = try await store.appendLineage(Self.write([Self.event(3, "RUNNING", at: 2)], fields: #"[{"name":"id","type":"text"}]"#))
            #expect(try await store.lineageEvents(run: "r1").compactMap(\.eventType) == ["START", "RUNNING", "COMPLETE"])
            #expect(try await store.schemaVersions(Self.clean).map(\.version) == [1, 2])
            let latest = try await store.latestSchemas([Self.clean, Self.raw])
            #expect(latest.count == 1)
            #expect(latest[Self.clean]?.version == 2)
            #expect(latest[Self.clean]?.fields == #"[{"name":"id","type":"text"}]"#)
            #expect(try await store.lineageEvents(run: "r1").first?.body == #"{"n":1}"#)
        }
    }

    @Test(arguments: Backend.available)
    func aNamespaceHasOneOwningDomain(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let payments = NamespaceClaim(namespace: "kafka://payments", domain: try DomainName("payments"), claimedBy: "t1", claimedAt: Self.t0)
            #expect(try await store.claimNamespace(payments).domain.rawValue == "payments")
            var other = payments
            other.domain = try DomainName("marketing")
            #expect(try await store.claimNamespace(other).domain.rawValue == "payments")
            #expect(try await store.namespaceClaims() == [payments])
        }
    }
}

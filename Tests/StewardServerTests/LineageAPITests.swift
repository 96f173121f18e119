import Foundation
import Hummingbird
import HummingbirdTesting
import StewardCore
import Testing
@testable import StewardServer

/// OpenLineage over HTTP: ownership, the graph, impact, column lineage, PII propagation,
/// observations derived from events, and bad input that stores nothing.
@Suite struct LineageAPITests {
    static let orders = "postgres://payments-db:5432/payments:public.orders"
    static let shipments = "postgres://logistics-db:5432/logistics:public.shipments"

    static let shipmentsProduct = """
        {"domain": "logistics", "name": "shipments", "owner": "team-logistics", "oncall": "logistics-oncall", "tier": "silver",
         "classification": "internal",
         "datasets": [{"namespace": "postgres://logistics-db:5432/logistics", "name": "public.shipments",
                       "columns": [{"name": "order_id", "type": "bigint"}, {"name": "customer_email", "type": "text"}]}]}
        """

    /// A RunEvent of job `build_shipments` reading payments' orders and writing logistics' shipments.
    static func event(_ type: String, run: String = "0176a8c2-fe01-7439-87e6-56a1a1b4029f", time: String = "2026-11-21T10:00:00Z",
                      output: (ns: String, name: String) = ("postgres://logistics-db:5432/logistics", "public.shipments"),
                      extraFacets: String = "") -> String {
        """
        {"eventType": "\(type)", "eventTime": "\(time)", "producer": "https://example.com/airflow",
         "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
         "run": {"runId": "\(run)"}, "job": {"namespace": "airflow", "name": "build_shipments"},
         "inputs": [{"namespace": "postgres://payments-db:5432/payments", "name": "public.orders"}],
         "outputs": [{"namespace": "\(output.ns)", "name": "\(output.name)",
           "facets": {
             "schema": {"_producer": "p", "_schemaURL": "s", "fields": [{"name": "order_id", "type": "STRING"},
                        {"name": "customer_email", "type": "text"}, {"name": "carrier", "type": "text"}]},
             "columnLineage": {"_producer": "p", "_schemaURL": "s", "fields": {
               "customer_email": {"inputFields": [{"namespace": "postgres://payments-db:5432/payments", "name": "public.orders", "field": "email"}]},
               "order_id": {"inputFields": [{"namespace": "postgres://payments-db:5432/payments", "name": "public.orders", "field": "id",
                                             "transformations": [{"type": "DIRECT", "subtype": "IDENTITY"}]}]}}},
             "myCustomFacet": {"_producer": "p", "_schemaURL": "s", "anything": {"kept": [1, 2, 3]}}\(extraFacets)
           },
           "outputFacets": {"outputStatistics": {"_producer": "p", "_schemaURL": "s", "rowCount": 42}}}]}
        """
    }

    static func setUp(_ app: TestApp, _ client: some TestClientProtocol) async throws {
        #expect(try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, body: Bodies.descriptor()).status == .created)
        #expect(try await client.call(.put, "/api/v1/products/logistics/shipments", token: app.logistics, body: shipmentsProduct).status == .created)
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func encoded(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }

    @Test func eventsBuildTheGraphImpactAndColumnLineageWithPropagatedPII() async throws {
        try await TestApp.withApp { app, client in
            try await Self.setUp(app, client)
            for type in ["START", "COMPLETE"] {
                let r = try await client.call(.post, "/api/v1/lineage", token: app.logistics, body: Self.event(type))
                #expect(r.status == .ok, "\(r.body)")
            }
            // Downstream of orders: the job and shipments, with product and domain.
            let g = try await client.call(.get, "/api/v1/lineage?dataset=\(Self.encoded(Self.orders))&direction=downstream&depth=3", token: app.payments)
            #expect(g.status == .ok, "\(g.body)")
            let nodes = try #require(try Self.json(g.body)["nodes"] as? [[String: Any]])
            #expect(Set(nodes.compactMap { $0["id"] as? String }) == ["dataset:\(Self.orders)", "dataset:\(Self.shipments)", "job:airflow:build_shipments"])
            #expect(nodes.first { $0["id"] as? String == "dataset:\(Self.shipments)" }?["product"] as? String == "logistics/shipments")
            #expect(nodes.first { $0["type"] as? String == "JOB" }?["domain"] as? String == "logistics")

            // Marquez's form answers the same graph.
            let m = try await client.call(.get, "/api/v1/lineage?nodeId=\(Self.encoded("dataset:" + Self.shipments))&depth=2", token: app.council)
            let graph = try #require(try Self.json(m.body)["graph"] as? [[String: Any]])
            #expect(graph.count == 3)
            let shipmentsNode = try #require(graph.first { $0["id"] as? String == "dataset:\(Self.shipments)" })
            #expect((shipmentsNode["inEdges"] as? [[String: Any]])?.first?["origin"] as? String == "job:airflow:build_shipments")

            // Impact of orders: logistics' product, its owner and on-call, and the path.
            let i = try await client.call(.get, "/api/v1/impact?dataset=\(Self.encoded(Self.orders))", token: app.payments)
            let products = try #require(try Self.json(i.body)["products"] as? [[String: Any]])
            #expect(products.count == 1)
            #expect(products.first?["product"] as? String == "logistics/shipments")
            #expect(products.first?["owner"] as? String == "team-logistics")
            #expect(products.first?["oncall"] as? String == "logistics-oncall")
            #expect(products.first?["path"] as? [String] == ["dataset:\(Self.orders)", "job:airflow:build_shipments", "dataset:\(Self.shipments)"])

            // Column lineage: customer_email comes from orders.email and carries its PII tag.
            let c = try await client.call(.get, "/api/v1/column-lineage?dataset=\(Self.encoded(Self.shipments))&column=customer_email", token: app.logistics)
            #expect(c.status == .ok, "\(c.body)")
            let columns = try #require(try Self.json(c.body)["columns"] as? [[String: Any]])
            let email = try #require(columns.first { $0["field"] as? String == "customer_email" })
            let propagated = try #require(email["propagatedTags"] as? [[String: Any]])
            #expect(propagated.first?["tag"] as? String == "pii:email")
            #expect(propagated.first?["from"] as? String == "\(Self.orders).email")

            // The policy input sees propagated tags, schema drift, freshness and volume from the events.
            let input = try await client.call(.get, "/api/v1/products/logistics/shipments/policy-input", token: app.logistics)
            let observed = try #require(try Self.json(input.body)["observed"] as? [String: Any])
            #expect((observed["propagatedTags"] as? [[String: Any]])?.first?["from"] as? String == "\(Self.orders).email")
            let drift = try #require(observed["schemaDrift"] as? [[String: Any]])
            #expect(Set(drift.map { "\($0["column"]!):\($0["change"]!)" }) == ["order_id:retyped", "carrier:added"])
            #expect(observed["rowCount"] as? Int == 42)
            #expect(observed["lastUpdatedAt"] as? String == "2026-11-21T10:00:00Z")

            // The run keeps both transitions and every facet verbatim, the custom one included.
            let run = try await client.call(.get, "/api/v1/lineage/runs/0176a8c2-fe01-7439-87e6-56a1a1b4029f", token: app.logistics)
            #expect(run.body.contains(#""state":"COMPLETE""#))
            #expect(run.body.contains(#""anything": {"kept": [1, 2, 3]}"#))
            #expect(try await client.call(.get, "/api/v1/lineage/runs/0176a8c2-fe01-7439-87e6-56a1a1b4029f", token: app.payments).status == .notFound)
            let schemas = try await client.call(.get, "/api/v1/lineage/schemas?dataset=\(Self.encoded(Self.shipments))", token: app.council)
            #expect(schemas.body.contains(#""version":1"#) && !schemas.body.contains(#""version":2"#))
        }
    }

    @Test func aDomainMayNotWriteAnotherDomainsDatasetsAndABatchReportsEachRefusal() async throws {
        try await TestApp.withApp { app, client in
            try await Self.setUp(app, client)
            let foreign = try await client.call(.post, "/api/v1/lineage", token: app.payments, body: Self.event("START"))
            #expect(foreign.status == .forbidden)
            #expect(try ErrorReply.parse(foreign.body).code == "lineage_forbidden_dataset")
            #expect(try ErrorReply.parse(foreign.body).message.contains("logistics"))
            #expect(try await client.call(.get, "/api/v1/lineage/runs/0176a8c2-fe01-7439-87e6-56a1a1b4029f", token: app.admin).status == .notFound)

            // A namespace claimed by logistics is closed to payments too, even for unregistered tables.
            let claim = try await client.call(.post, "/api/v1/domains/logistics/namespaces", token: app.logistics,
                                              body: #"{"namespace": "s3://logistics-lake"}"#)
            #expect(claim.status == .ok)
            #expect(try await client.call(.post, "/api/v1/domains/payments/namespaces", token: app.payments,
                                          body: #"{"namespace": "s3://logistics-lake"}"#).status == .conflict)
            #expect(try await client.call(.post, "/api/v1/domains/logistics/namespaces", token: app.payments,
                                          body: #"{"namespace": "s3://x"}"#).status == .forbidden)

            let own = Self.event("START", run: "11111111-1111-4111-8111-111111111111", output: ("s3://payments-lake", "orders_copy"))
            let lake = Self.event("START", run: "22222222-2222-4222-8222-222222222222", output: ("s3://logistics-lake", "orders_copy"))
            let batch = try await client.call(.post, "/api/v1/lineage/batch", token: app.payments, body: "[\(own), \(lake)]")
            #expect(batch.status == .ok, "\(batch.body)")
            let answer = try Self.json(batch.body)
            #expect(answer["status"] as? String == "partial_success")
            #expect((answer["summary"] as? [String: Any])?["successful"] as? Int == 1)
            let failed = try #require(answer["failed_events"] as? [[String: Any]])
            #expect(failed.first?["index"] as? Int == 1)
            #expect(failed.first?["retriable"] as? Bool == false)
            #expect((failed.first?["reason"] as? String)?.contains("s3://logistics-lake:orders_copy") == true)
            #expect(try await client.call(.get, "/api/v1/lineage/runs/22222222-2222-4222-8222-222222222222", token: app.admin).status == .notFound)
            #expect(try await client.call(.get, "/api/v1/lineage/runs/11111111-1111-4111-8111-111111111111", token: app.admin).status == .ok)

            // Council tokens read the graph but never write it.
            #expect(try await client.call(.post, "/api/v1/lineage", token: app.council, body: own).status == .forbidden)
        }
    }

    @Test func aProductRegisteredThroughAnotherReplicaIsProtectedToo() async throws {
        try await TestApp.withApp { app, client in
            // Stored without this replica's catalog hearing of it, as another replica would.
            let shipments = ProductDescriptor(
                domain: try DomainName("logistics"), name: "shipments", owner: "team-logistics", tier: .silver, classification: .internal,
                datasets: [.init(namespace: "postgres://logistics-db:5432/logistics", name: "public.shipments")])
            _ = try await app.store.registerProduct(shipments, at: .now)
            try await Task.sleep(for: .milliseconds(1100)) // past the catalog's one-second reload guard
            let r = try await client.call(.post, "/api/v1/lineage", token: app.payments, body: Self.event("START"))
            #expect(r.status == .forbidden, "\(r.body)")
        }
    }

    @Test func badInputGetsAClearErrorAndStoresNothing() async throws {
        try await TestApp.withApp { app, client in
            try await Self.setUp(app, client)
            func expectRejected(_ body: String, _ status: HTTPResponse.Status, _ code: String, _ fragment: String,
                                sourceLocation: SourceLocation = #_sourceLocation) async throws {
                let r = try await client.call(.post, "/api/v1/lineage", token: app.logistics, body: body)
                #expect(r.status == status, "\(r.body)", sourceLocation: sourceLocation)
                let e = try ErrorReply.parse(r.body)
                #expect(e.code == code, sourceLocation: sourceLocation)
                #expect((e.message + e.details.map { "\($0.field) \($0.message)" }.joined()).contains(fragment), "\(e)", sourceLocation: sourceLocation)
            }
            try await expectRejected(#"{"eventType": "START", "#, .badRequest, "lineage_malformed", "not valid JSON")
            try await expectRejected(Self.event("START").replacingOccurrences(of: #""runId": "0176a8c2"#, with: #""runId": 7, "x": "0176a8c2"#),
                                     .badRequest, "lineage_invalid_event", "run.runId must be string")
            try await expectRejected(Self.event("EXPLODE"), .badRequest, "lineage_invalid_event", "eventType must be one of START")
            try await expectRejected(Self.event("START").replacingOccurrences(of: #""eventTime": "2026-11-21T10:00:00Z", "#, with: ""),
                                     .badRequest, "lineage_invalid_event", "eventTime is required")
            try await expectRejected(#"{"eventTime": "2026-11-21T10:00:00Z", "producer": "p", "something": {}}"#,
                                     .badRequest, "lineage_unknown_event_type", "RunEvent")
            let deep = String(repeating: #"{"a":"#, count: 1000) + "1" + String(repeating: "}", count: 1000)
            try await expectRejected(Self.event("START", extraFacets: #", "deep": {"_producer": "p", "_schemaURL": "s", "x": \#(deep)}"#),
                                     .badRequest, "lineage_malformed", "nested deeper than 64 levels")
            let big = String(repeating: "x", count: 5 * 1024 * 1024)
            try await expectRejected(Self.event("START", extraFacets: #", "big": {"_producer": "p", "_schemaURL": "s", "x": "\#(big)"}"#),
                                     .contentTooLarge, "lineage_event_too_large", "at most 1048576 bytes")
            // Nothing of any of them was stored.
            let g = try await client.call(.get, "/api/v1/lineage?dataset=\(Self.encoded(Self.orders))", token: app.admin)
            #expect(g.status == .notFound)
            #expect(try await app.storedCount("logistics/shipments") == 0)
        }
    }

    @Test func cyclesNeverMakeAQueryLoop() async throws {
        try await TestApp.withApp { app, client in
            func hop(_ job: String, _ from: String, _ to: String, run: String) -> String {
                """
                {"eventType": "COMPLETE", "eventTime": "2026-11-21T10:00:00Z", "producer": "p", "run": {"runId": "\(run)"},
                 "job": {"namespace": "ns", "name": "\(job)"}, "inputs": [{"namespace": "ns", "name": "\(from)"}],
                 "outputs": [{"namespace": "ns", "name": "\(to)"}]}
                """
            }
            let body = "[" + [hop("ab", "a", "b", run: "11111111-1111-4111-8111-111111111111"),
                              hop("bc", "b", "c", run: "22222222-2222-4222-8222-222222222222"),
                              hop("ca", "c", "a", run: "33333333-3333-4333-8333-333333333333")].joined(separator: ",") + "]"
            let r = try await client.call(.post, "/api/v1/lineage/batch", token: app.admin, body: body)
            #expect(try Self.json(r.body)["status"] as? String == "success")
            let g = try await client.call(.get, "/api/v1/lineage?dataset=ns:a&depth=100", token: app.admin)
            #expect((try Self.json(g.body)["nodes"] as? [Any])?.count == 6)
            let i = try await client.call(.get, "/api/v1/impact?dataset=ns:a", token: app.admin)
            #expect(try Self.json(i.body)["downstreamDatasets"] as? Int == 2)
        }
    }
}

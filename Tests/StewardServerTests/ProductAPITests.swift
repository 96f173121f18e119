import Foundation
import HummingbirdTesting
import Testing
@testable import StewardServer

@Suite struct ProductAPITests {
    @Test func registersVersionsAndReadsAsOf() async throws {
        try await TestApp.withApp { app, client in
            let first = try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, body: Bodies.descriptor())
            #expect(first.status == .created)
            #expect(first.body.contains(#""version":1"#))
            let same = try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, body: Bodies.descriptor())
            #expect(same.status == .ok)
            #expect(same.body.contains(#""changed":false"#))
            let yaml = "domain: payments\nname: orders\ntitle: Orders v2\nowner: team-payments\ntier: gold\nclassification: restricted\ndatasets:\n  - {namespace: \"postgres://payments-db:5432/payments\", name: public.orders}\n"
            let second = try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, contentType: "application/yaml", body: yaml)
            #expect(second.status == .created)
            #expect(second.body.contains(#""version":2"#))

            let now = try await client.call(.get, "/api/v1/products/payments/orders", token: app.council)
            #expect(now.body.contains(#""title":"Orders v2""#))
            let registeredAt = try #require(first.body.firstMatch(of: /"registeredAt":"([^"]+)"/)?.1)
            let then = try await client.call(.get, "/api/v1/products/payments/orders?asOf=\(registeredAt)", token: app.council)
            #expect(then.body.contains(#""title":"Orders""#))
            #expect(try await client.call(.get, "/api/v1/products/payments/orders?asOf=2000-01-01T00:00:00Z", token: app.council).status == .notFound)
        }
    }

    /// A YAML alias stands for the whole node it names, so nested ones ("billion laughs") turn a
    /// small body into billions of values: refused before the YAML is composed.
    @Test func refusesYAMLAnchorsAndAliases() async throws {
        try await TestApp.withApp { app, client in
            let yaml = "domain: payments\nname: orders\ntitle: &t Orders\nowner: *t\ntier: gold\nclassification: restricted\n"
            let reply = try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, contentType: "application/yaml", body: yaml)
            #expect(reply.status == .badRequest)
            let error = try ErrorReply.parse(reply.body)
            #expect(error.code == "ingest_malformed_body")
            #expect(error.message.contains("line 3, column 8: YAML anchors and aliases (&name, *name) are not supported"), "\(error.message)")
            #expect(try await client.call(.get, "/api/v1/products/payments/orders", token: app.payments).status == .notFound)
        }
    }

    @Test func showsTheLatestObservationOfEachKindPerDataset() async throws {
        try await TestApp.withApp { app, client in
            try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, body: Bodies.descriptor())
            try await client.call(.post, "/api/v1/observations", token: app.payments,
                                  body: Bodies.batch("b", [Bodies.volume(1), Bodies.volume(7, at: "2026-11-21T11:00:00Z")]))
            let reply = try await client.call(.get, "/api/v1/products/payments/orders", token: app.payments)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any])
            let datasets = try #require(json["datasets"] as? [[String: Any]])
            let latest = try #require(datasets.first?["latest"] as? [[String: Any]])
            #expect(latest.count == 1)
            #expect(latest.first?["rowCount"] as? Int == 7)
            #expect(latest.first?["observedAt"] as? String == "2026-11-21T11:00:00Z")
        }
    }

    @Test func invalidDescriptorListsEveryProblemAndStoresNothing() async throws {
        try await TestApp.withApp { app, client in
            let body = #"{"domain": "payments", "name": "orders", "tier": "diamond", "datasets": []}"#
            let reply = try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, body: body)
            #expect(reply.status == .badRequest)
            let error = try ErrorReply.parse(reply.body)
            #expect(error.code == "ingest_invalid_descriptor")
            #expect(Set(error.details.map(\.field)) == ["owner", "tier", "classification", "datasets"])
            #expect(try await app.store.products(domain: nil).isEmpty)
        }
    }

    @Test func domainsAreIsolated() async throws {
        try await TestApp.withApp { app, client in
            #expect(try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, body: Bodies.descriptor()).status == .created)
            let foreign = try await client.call(.put, "/api/v1/products/payments/refunds", token: app.logistics,
                                                body: Bodies.descriptor(name: "refunds"))
            #expect(foreign.status == .forbidden)
            #expect(try ErrorReply.parse(foreign.body).code == "auth_forbidden_domain")
            #expect(try await client.call(.put, "/api/v1/products/logistics/shipments", token: app.logistics,
                                          body: Bodies.descriptor(domain: "logistics", name: "shipments")).status == .created)

            #expect(try await client.call(.get, "/api/v1/products/payments/orders", token: app.logistics).status == .forbidden)
            #expect(try await client.call(.get, "/api/v1/products/payments/orders/observations", token: app.logistics).status == .forbidden)
            #expect(try await client.call(.get, "/api/v1/products?domain=payments", token: app.logistics).status == .forbidden)
            let own = try await client.call(.get, "/api/v1/products", token: app.logistics)
            #expect(own.body.contains("logistics/shipments") && !own.body.contains("payments/orders"))
            let all = try await client.call(.get, "/api/v1/products", token: app.council)
            #expect(all.body.contains("logistics/shipments") && all.body.contains("payments/orders"))
        }
    }

    @Test func historyPagesThroughTheAPI() async throws {
        try await TestApp.withApp { app, client in
            try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, body: Bodies.descriptor())
            let observations = (0..<7).map { Bodies.volume($0, at: "2026-11-21T10:0\($0):00Z") }
            try await client.call(.post, "/api/v1/observations", token: app.payments, body: Bodies.batch("b", observations))
            var rows: [Int] = []
            var uri = "/api/v1/products/payments/orders/observations?kind=volume&limit=3"
            while true {
                let reply = try await client.call(.get, uri, token: app.payments)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any])
                rows += (json["observations"] as? [[String: Any]] ?? []).compactMap { $0["rowCount"] as? Int }
                guard let next = json["nextCursor"] as? String else { break }
                uri = "/api/v1/products/payments/orders/observations?kind=volume&limit=3&cursor=\(next)"
            }
            #expect(rows == [6, 5, 4, 3, 2, 1, 0])
            for bad in ["limit=0", "limit=x", "kind=weather", "since=yesterday", "cursor=abc"] {
                let reply = try await client.call(.get, "/api/v1/products/payments/orders/observations?\(bad)", token: app.payments)
                #expect(reply.status == .badRequest, "\(bad)")
                #expect(try ErrorReply.parse(reply.body).details.first?.field == String(bad.split(separator: "=")[0]))
            }
            #expect(try await client.call(.get, "/api/v1/products/payments/ghost/observations", token: app.payments).status == .notFound)
        }
    }
}

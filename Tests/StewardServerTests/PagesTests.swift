import Foundation
import HummingbirdTesting
import Testing
import StewardReport
import Yams
@testable import StewardServer

@Suite struct PagesTests {
    @Test func healthAndReadiness() async throws {
        try await TestApp.withApp { _, client in
            let health = try await client.call(.get, "/healthz")
            let ready = try await client.call(.get, "/readyz")
            #expect(health.body == #"{"status":"ok"}"#)
            #expect(ready.body == #"{"status":"ready"}"#)
        }
    }

    @Test func everyRouteIsInTheOpenAPIDocument() async throws {
        try await TestApp.withApp { app, client in
            let text = try await client.call(.get, "/openapi.yaml").body
            let doc = try #require(try Yams.load(yaml: text) as? [String: Any])
            #expect(doc["openapi"] as? String == "3.1.0")
            let paths = try #require(doc["paths"] as? [String: Any])
            #expect(!app.routes.isEmpty)
            for route in app.routes {
                // Hummingbird writes captures as :name, OpenAPI as {name}.
                let path = "/" + route.path.split(separator: "/").map { part in
                    part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
                }.joined(separator: "/")
                let item = paths[path] as? [String: Any]
                #expect(item?[route.method.lowercased()] != nil, "\(route.method) \(path) is not documented")
            }
        }
    }

    @Test func overviewEscapesWhatAgentsSent() async throws {
        try await TestApp.withApp({ $0.publicOverview = true }) { app, client in
            let hostile = #"<script>alert("x")</script>"#
            try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, body: Bodies.descriptor(title: hostile))
            let check = #"{"kind": "quality", "product": "payments/orders", "dataset": \#(Bodies.ordersDataset), "observedAt": "2026-11-21T10:00:00Z", "check": "<img src=x onerror=alert(1)>", "status": "fail"}"#
            try await client.call(.post, "/api/v1/observations", token: app.payments, body: Bodies.batch("b", [check]))
            let page = try await client.call(.get, "/")
            #expect(page.status == .ok)
            #expect(page.body.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
            #expect(page.body.contains("&lt;img src=x onerror=alert(1)&gt;"))
            #expect(!page.body.contains("<script>"))
            #expect(!page.body.contains("<img"))
            #expect(page.body.contains("payments/orders"))
        }
    }

    /// A product's check cell: the worst latest result, then the checks that have it, so the
    /// reader sees which to look at (a warning's names too, not only failures').
    @Test func overviewNamesTheChecksAtTheWorstResult() async throws {
        try await TestApp.withApp({ $0.publicOverview = true }) { app, client in
            try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, body: Bodies.descriptor())
            func check(_ name: String, _ status: String) -> String {
                #"{"kind": "quality", "product": "payments/orders", "dataset": \#(Bodies.ordersDataset), "observedAt": "2026-11-21T10:00:00Z", "check": "\#(name)", "status": "\#(status)"}"#
            }
            try await client.call(.post, "/api/v1/observations", token: app.payments,
                                  body: Bodies.batch("b1", [check("ids_unique", "pass"), check("rows_growing", "warn"), check("late_rows", "warn")]))
            let warned = try await client.call(.get, "/").body
            #expect(warned.contains("<span class=warn>warn</span>"))
            #expect(warned.contains("<small>late_rows, rows_growing</small>"))
            #expect(!warned.contains("ids_unique"))

            try await client.call(.post, "/api/v1/observations", token: app.payments, body: Bodies.batch("b2", [check("ids_unique", "fail")]))
            let failed = try await client.call(.get, "/").body
            #expect(failed.contains("<span class=bad>fail</span>"))
            #expect(failed.contains("<small>ids_unique</small>"))
            #expect(!failed.contains("rows_growing"))
            // The page's time is to the second: a reader has no use for microseconds.
            #expect(failed.firstMatch(of: /generated \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ</) != nil)
        }
    }

    /// Ages and SLOs read as people say them; the SLO's ISO 8601 form stays in its title.
    @Test func durationsReadAsPeopleSayThem() async throws {
        #expect(OverviewPage.span(42) == "42s")
        #expect(OverviewPage.span(300) == "5m")
        #expect(OverviewPage.span(4 * 3600) == "4h")
        #expect(OverviewPage.span(3 * 3600 + 600) == "3h 10m")
        #expect(OverviewPage.span(86_400) == "1d")
        #expect(OverviewPage.span(2 * 86_400 + 4 * 3600 + 59) == "2d 4h")
        #expect(OverviewPage.age(90) == "1m ago")
        #expect(OverviewPage.age(-5) == "in the future")

        try await TestApp.withApp({ $0.publicOverview = true }) { app, client in
            try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, body: Bodies.descriptor())
            let fresh = #"{"kind": "freshness", "product": "payments/orders", "dataset": \#(Bodies.ordersDataset), "observedAt": "2026-11-21T10:00:00Z", "lastUpdatedAt": "2026-11-21T09:58:00Z"}"#
            try await client.call(.post, "/api/v1/observations", token: app.payments, body: Bodies.batch("f", [fresh]))
            #expect(try await client.call(.get, "/").body.contains(#"<small title="PT1H">(SLO 1h)</small>"#))
        }
    }

    @Test func overviewNeedsATokenUnlessPublic() async throws {
        try await TestApp.withApp { app, client in
            let anonymous = try await client.call(.get, "/")
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.headers[.location] == "/login")
            #expect(try await client.call(.get, "/", token: app.council).status == .ok)
            let bad = try await client.call(.post, "/login", contentType: "application/x-www-form-urlencoded", body: "token=nope")
            #expect(bad.status == .unauthorized)
            let good = try await client.call(.post, "/login", contentType: "application/x-www-form-urlencoded", body: "token=\(app.council)")
            #expect(good.status == .seeOther)
            #expect(good.headers[.setCookie]?.contains("HttpOnly") == true)

            // The form's limit is its own: the 413 must not send the reader to --max-body-bytes.
            let huge = try await client.call(.post, "/login", contentType: "application/x-www-form-urlencoded",
                                             body: "token=" + String(repeating: "a", count: 5000))
            #expect(huge.status == .contentTooLarge)
            let tooLarge = try ErrorReply.parse(huge.body)
            #expect(tooLarge.code == "request_too_large")
            #expect(tooLarge.message == "The body exceeds this route's limit of 4096 bytes.")
        }
    }

    @Test func unknownRouteAnswersTheErrorBody() async throws {
        try await TestApp.withApp { app, client in
            let reply = try await client.call(.get, "/api/v1/nothing-here", token: app.admin)
            #expect(reply.status == .notFound)
            let missing = try ErrorReply.parse(reply.body)
            #expect(missing.code == "not_found")
            #expect(missing.message == "No route answers GET /api/v1/nothing-here; every route is described in /openapi.yaml.")

            // A path that routes have, under other methods: 405 naming them, in the body and in Allow.
            let wrong = try await client.call(.post, "/api/v1/products/payments/orders", token: app.payments, body: "{}")
            #expect(wrong.status == .methodNotAllowed)
            #expect(wrong.headers[.allow] == "GET, PUT")
            let refused = try ErrorReply.parse(wrong.body)
            #expect(refused.code == "method_not_allowed")
            #expect(refused.message == "/api/v1/products/payments/orders does not answer POST; it answers GET, PUT.")
            #expect(try await client.call(.delete, "/healthz").headers[.allow] == "GET")
        }
    }
}

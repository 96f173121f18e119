import Foundation
import Hummingbird
import HummingbirdTesting
import StewardCore
import StewardPolicy
import Testing
@testable import StewardServer

/// Policies, waivers and compliance through the HTTP API, evaluated by the real engine.
@Suite struct GovernanceAPITests {
    // MARK: Evaluation and compliance

    @Test func stateChangesAreEvaluatedAndComplianceAnswersNowAndAsOf() async throws {
        try await TestApp.withApp { app, client in
            try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, body: Bodies.descriptor())
            try await push(client, app, freshness: app.clock.now.adding(seconds: -3 * 3600), batch: "stale")
            await app.governance.drain()

            var product = try await client.json(.get, "/api/v1/compliance/products/payments/orders", token: app.payments)
            let stale = try #require(finding(product, "slo-freshness-met"))
            #expect(stale["result"] as? String == "fail")
            #expect((stale["message"] as? String)?.contains("stale; the SLO is 3600s") == true)
            #expect((stale["evidence"] as? [String: String])?["product.slo.maxStaleness"] == "duration('3600s')")
            // payments tightens the council's retention maximum to 180 days and makes it critical.
            let retention = try #require(finding(product, "retention-pii-declared"))
            #expect(retention["result"] as? String == "fail")
            #expect(retention["severity"] as? String == "critical")
            #expect(retention["owner"] as? String == "payments")
            #expect((product["findings"] as? [[String: Any]])?.first?["severity"] as? String == "critical", "violations come first, most severe first")
            let staleScore = try #require(product["score"] as? Double)
            let failedAt = app.clock.now

            try await push(client, app, freshness: app.clock.now, batch: "fresh")
            await app.governance.drain()
            product = try await client.json(.get, "/api/v1/compliance/products/payments/orders", token: app.payments)
            #expect(finding(product, "slo-freshness-met")?["result"] as? String == "pass")
            #expect(try #require(product["score"] as? Double) > staleScore)

            let then = try await client.json(.get, "/api/v1/compliance/products/payments/orders?asOf=\(failedAt.rfc3339)", token: app.council)
            #expect(finding(then, "slo-freshness-met")?["result"] as? String == "fail", "the state as of a past time is kept")

            let domain = try await client.json(.get, "/api/v1/compliance/domains/payments", token: app.council)
            #expect((domain["products"] as? [[String: Any]])?.first?["product"] as? String == "payments/orders")
            #expect((domain["violations"] as? [[String: Any]])?.contains { $0["policy"] as? String == "retention-pii-declared" } == true)
            let policy = try await client.json(.get, "/api/v1/compliance/policies/retention-pii-declared", token: app.council)
            #expect((policy["findings"] as? [[String: Any]])?.count == 1)
            let mesh = try await client.json(.get, "/api/v1/compliance", token: app.council)
            #expect((mesh["domains"] as? [[String: Any]])?.map { $0["domain"] as? String } == ["payments"])
            #expect(try await client.call(.get, "/api/v1/compliance/products/payments/orders", token: app.logistics).status == .forbidden)
        }
    }

    @Test func timeAloneMakesAProductStaleOnTheNextSweep() async throws {
        try await TestApp.withApp { app, client in
            try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, body: Bodies.descriptor())
            try await push(client, app, freshness: app.clock.now.adding(seconds: -600), batch: "b1")
            try await app.governance.evaluateAll()
            #expect(try await result(client, app, "slo-freshness-met") == "pass")
            app.clock.advance(seconds: 2 * 3600)
            try await app.governance.evaluateAll()
            #expect(try await result(client, app, "slo-freshness-met") == "fail")
        }
    }

    @Test func ruleErrorsAndRunawayRulesAreErrorFindingsNeverPasses() async throws {
        let list = "[" + (0..<1000).map(String.init).joined(separator: ",") + "]"
        let dir = try policyDirectory([
            "divides.yaml": "id: divides\ntitle: t\nseverity: low\nowner: council\nrule: 1 / (size(product.consumers) - size(product.consumers)) == 1\n",
            "runaway.yaml": "id: runaway\ntitle: t\nseverity: low\nowner: council\nrule: |\n  \(list).all(a, \(list).all(b, \(list).all(c, a + b + c >= 0)))\n",
            "owner.yaml": "id: owner\ntitle: t\nseverity: low\nowner: council\nrule: product.owner != ''\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await TestApp.withApp({ $0.policyDirectory = dir }) { app, client in
            try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, body: Bodies.descriptor())
            await app.governance.drain()
            let product = try await client.json(.get, "/api/v1/compliance/products/payments/orders", token: app.payments)
            #expect(finding(product, "divides")?["result"] as? String == "error")
            #expect((finding(product, "divides")?["message"] as? String)?.contains("division by zero") == true)
            #expect(finding(product, "runaway")?["result"] as? String == "error")
            #expect((finding(product, "runaway")?["message"] as? String)?.contains("cost") == true)
            #expect(finding(product, "owner")?["result"] as? String == "pass")
            #expect((product["score"] as? Double).map { abs($0 - 1.0 / 3) < 0.001 } == true, "errors count against the score")
        }
    }

    @Test func thePolicyInputIsAFixtureThatGivesTheServersFindings() async throws {
        try await TestApp.withApp { app, client in
            try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, body: Bodies.descriptor())
            try await push(client, app, freshness: app.clock.now.adding(seconds: -3 * 3600), batch: "stale")
            await app.governance.drain()
            let reply = try await client.call(.get, "/api/v1/products/payments/orders/policy-input", token: app.payments)
            let input = try PolicyInput(json: try JSONSerialization.jsonObject(with: Data(reply.body.utf8)))
            let local = await app.governance.policies.evaluate(input)
            let served = try await client.json(.get, "/api/v1/compliance/products/payments/orders", token: app.payments)
            let servedResults = Set(((served["findings"] as? [[String: Any]]) ?? []).map { "\($0["policy"]!) \($0["target"]!) \($0["result"]!)" })
            #expect(Set(local.map { "\($0.policy) \($0.target) \($0.result.rawValue)" }) == servedResults)
            #expect(servedResults.contains("slo-freshness-met payments/orders fail"))
            #expect(try await client.call(.get, "/api/v1/products/payments/orders/policy-input", token: app.logistics).status == .forbidden)
        }
    }

    /// An agent may send any rowCount up to Int64's maximum. Read back for policies (stored as a
    /// double, so 2^63) it must not trap: one such observation crashed the server, and again on
    /// every start, when the evaluator read it.
    @Test func theLargestRowCountReachesPoliciesWithoutATrap() async throws {
        try await TestApp.withApp { app, client in
            try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, body: Bodies.descriptor())
            let pushed = try await client.call(.post, "/api/v1/observations", token: app.payments,
                                               body: Bodies.batch("b", [Bodies.volume(Int.max)]))
            #expect(pushed.status == .ok)
            let input = try await client.json(.get, "/api/v1/products/payments/orders/policy-input", token: app.payments)
            let observed = try #require(input["observed"] as? [String: Any])
            #expect((observed["rowCount"] as? NSNumber)?.int64Value == Int64.max)
        }
    }

    // MARK: Submitting policies

    @Test func aDomainTightensWithItsTokenAndCannotLoosen() async throws {
        try await TestApp.withApp { app, client in
            let tighten = "id: payments-unused-grants\nowner: payments\nextends: access-unused-grants\nparams:\n  maxUnused: P30D\n"
            let accepted = try await client.call(.put, "/api/v1/domains/payments/policies/payments-unused-grants", token: app.payments,
                                                 contentType: "application/yaml", body: tighten)
            #expect(accepted.status == .ok, "\(accepted.body)")
            let listed = try await client.json(.get, "/api/v1/domains/payments/policies", token: app.payments)
            let unused = (listed["policies"] as? [[String: Any]])?.first { $0["id"] as? String == "access-unused-grants" }
            #expect(unused?["appliesTo"] as? String == "payments")

            let loosen = "id: payments-unused-grants\nowner: payments\nextends: access-unused-grants\nparams:\n  maxUnused: P365D\n"
            let rejected = try await client.call(.put, "/api/v1/domains/payments/policies/payments-unused-grants", token: app.payments,
                                                 contentType: "application/yaml", body: loosen)
            #expect(rejected.status == .unprocessableContent)
            let error = try ErrorReply.parse(rejected.body)
            #expect(error.code == "policy_rejected")
            let detail = try #require(error.details.first)
            #expect(detail.field == "api/domains/payments/policies/payments-unused-grants.yaml:5:3")
            #expect(detail.message.contains("policy_loosens_global") && detail.message.contains("maxUnused")
                    && detail.message.contains("access-unused-grants"))
            // The accepted tightening is still the one in force.
            let still = try await client.json(.get, "/api/v1/domains/payments/policies", token: app.payments)
            #expect((still["policies"] as? [[String: Any]])?.contains { $0["id"] as? String == "access-unused-grants" && $0["appliesTo"] as? String == "payments" } == true)

            let foreign = try await client.call(.put, "/api/v1/domains/payments/policies/x", token: app.logistics, contentType: "application/yaml", body: tighten)
            #expect(foreign.status == .forbidden)
            let council = try await client.call(.put, "/api/v1/domains/payments/policies/x", token: app.council, contentType: "application/yaml", body: tighten)
            #expect(council.status == .forbidden)
            let global = try await client.call(.put, "/api/v1/policies/x", token: app.payments, contentType: "application/yaml", body: tighten)
            #expect(global.status == .forbidden)
            let impostor = try await client.call(.put, "/api/v1/domains/logistics/policies/payments-unused-grants", token: app.logistics,
                                                 contentType: "application/yaml", body: tighten)
            #expect(try ErrorReply.parse(impostor.body).details.contains { $0.message.hasPrefix("policy_forbidden_owner") })
        }
    }

    /// Policies come from agents' tokens too (domain policies, dry runs): YAML aliases, which can
    /// stand for billions of values, are refused with the line they are on.
    @Test func policiesWithYAMLAliasesAreRefused() async throws {
        try await TestApp.withApp { app, client in
            let aliased = "id: payments-unused-grants\nowner: payments\nextends: access-unused-grants\nparams:\n  maxUnused: &d P30D\n  other: *d\n"
            let reply = try await client.call(.put, "/api/v1/domains/payments/policies/payments-unused-grants", token: app.payments,
                                              contentType: "application/yaml", body: aliased)
            #expect(reply.status == .unprocessableContent)
            let detail = try #require(try ErrorReply.parse(reply.body).details.first)
            #expect(detail.field.hasSuffix("payments-unused-grants.yaml:5:14"), "\(detail.field)")
            #expect(detail.message.contains("YAML anchors and aliases"))
            let listed = try await client.json(.get, "/api/v1/domains/payments/policies", token: app.payments)
            // Not tightened: the council's policy still applies to payments as written.
            let unused = (listed["policies"] as? [[String: Any]])?.first { $0["id"] as? String == "access-unused-grants" }
            #expect(unused != nil && unused?["appliesTo"] as? String != "payments", "\(String(describing: unused))")
        }
    }

    @Test func aDomainSeesTheLoadingProblemsOfItsOwnPolicyFiles() async throws {
        let council = try String(contentsOfFile: "policies/access-unused-grants.yaml", encoding: .utf8)
        let dir = try policyDirectory(["access-unused-grants.yaml": council])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/domains/payments", withIntermediateDirectories: true)
        try "id: payments-unused\nowner: payments\nextends: access-unused-grants\nparams:\n  maxUnused: P365D\n"
            .write(toFile: dir + "/domains/payments/unused.yaml", atomically: true, encoding: .utf8)
        try await TestApp.withApp({ $0.policyDirectory = dir }) { app, client in
            let payments = try await client.json(.get, "/api/v1/domains/payments/policies", token: app.payments)
            let problems = try #require(payments["problems"] as? [String])
            #expect(problems.count == 1)
            #expect(problems.first?.contains("domains/payments/unused.yaml:5:3: policy_loosens_global") == true)
            let logistics = try await client.json(.get, "/api/v1/domains/logistics/policies", token: app.logistics)
            #expect((logistics["problems"] as? [String])?.isEmpty == true)
        }
    }

    @Test func aBrokenPolicyIsRejectedWithDiagnosticsAndTheOthersKeepWorking() async throws {
        try await TestApp.withApp { app, client in
            let broken = "id: broken\ntitle: Broken\nseverity: high\nowner: council\nrule: product.tier == 'gold' &&\n"
            let reply = try await client.call(.put, "/api/v1/policies/broken", token: app.council, contentType: "application/yaml", body: broken)
            #expect(reply.status == .unprocessableContent)
            let error = try ErrorReply.parse(reply.body)
            #expect(error.details.first?.field.hasPrefix("api/policies/broken.yaml:5:") == true)
            #expect(error.details.first?.message.contains("^") == true, "a caret under the problem")
            for rule in ["nosuch.value == 1", "product.colour == 'red'", "size(product.datasets)"] {
                let bad = broken.replacingOccurrences(of: "product.tier == 'gold' &&", with: rule)
                let r = try await client.call(.put, "/api/v1/policies/broken", token: app.council, contentType: "application/yaml", body: bad)
                #expect(r.status == .unprocessableContent, "\(rule) is rejected")
            }
            let good = "id: has-title\ntitle: Products have a title\nseverity: low\nowner: council\nrule: has(product.title)\n"
            #expect(try await client.call(.put, "/api/v1/policies/has-title", token: app.council, contentType: "application/yaml", body: good).status == .ok)
            try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, body: Bodies.descriptor())
            await app.governance.drain()
            #expect(try await result(client, app, "has-title") == "pass")
            #expect(try await result(client, app, "ownership-declared") == "pass")
            #expect(try await client.call(.delete, "/api/v1/policies/has-title", token: app.council).status == .noContent)
            #expect(try await client.call(.delete, "/api/v1/policies/ownership-declared", token: app.council).status == .notFound,
                    "policies of the directory are changed in the directory")
        }
    }

    // MARK: Waivers

    @Test func aWaiverHidesAFailureUntilItExpiresAndStaysInHistory() async throws {
        try await TestApp.withApp { app, client in
            try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, body: Bodies.descriptor())
            await app.governance.drain()
            #expect(try await result(client, app, "retention-pii-declared") == "fail")

            let expires = Timestamp.now.adding(seconds: 3600).rfc3339
            let body = #"{"policy": "retention-pii-declared", "target": "payments/orders", "reason": "migration to 180 days in Q1", "approver": "Dana (council)", "expiresAt": "\#(expires)"}"#
            #expect(try await client.call(.post, "/api/v1/waivers", token: app.payments, body: body).status == .forbidden)
            let granted = try await client.call(.post, "/api/v1/waivers", token: app.council, body: body)
            #expect(granted.status == .created)
            #expect(try await result(client, app, "retention-pii-declared") == "waived")

            app.clock.advance(seconds: 2 * 3600)
            try await app.governance.evaluateAll()
            #expect(try await result(client, app, "retention-pii-declared") == "fail", "an expired waiver stops counting by itself")

            let waivers = try await client.json(.get, "/api/v1/waivers", token: app.payments)
            let listed = try #require((waivers["waivers"] as? [[String: Any]])?.first)
            #expect(listed["approver"] as? String == "Dana (council)")
            let id = try #require(listed["id"] as? String)
            #expect(try await client.call(.delete, "/api/v1/waivers/\(id)", token: app.council).status == .ok)
            let after = try await client.json(.get, "/api/v1/waivers", token: app.council)
            #expect((after["waivers"] as? [[String: Any]])?.first?["status"] as? String == "revoked")
            #expect(try await client.call(.delete, "/api/v1/waivers/\(id)", token: app.council).status == .notFound)
            let foreign = try await client.json(.get, "/api/v1/waivers", token: app.logistics)
            #expect((foreign["waivers"] as? [Any])?.isEmpty == true, "another domain's waivers are not shown to an agent")
        }
    }

    @Test func aBadWaiverNamesEveryField() async throws {
        try await TestApp.withApp { app, client in
            let body = #"{"policy": "no-such-policy", "target": "payments/none", "reason": "", "expiresAt": "2020-01-01T00:00:00Z"}"#
            let reply = try await client.call(.post, "/api/v1/waivers", token: app.council, body: body)
            #expect(reply.status == .badRequest)
            let error = try ErrorReply.parse(reply.body)
            #expect(error.code == "request_invalid_body")
            #expect(Set(error.details.map(\.field)) == ["policy", "target", "reason", "approver", "expiresAt"])
            #expect((try await client.json(.get, "/api/v1/waivers", token: app.council)["waivers"] as? [Any])?.isEmpty == true)
        }
    }

    // MARK: Dry run

    @Test func aDryRunShowsWhoWouldFailAndStoresNothing() async throws {
        let dir = try policyDirectory(["retention.yaml": try String(contentsOfFile: "policies/retention-pii-declared.yaml", encoding: .utf8)])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await TestApp.withApp({ $0.policyDirectory = dir }) { app, client in
            try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, body: Bodies.descriptor())
            try await client.call(.put, "/api/v1/products/logistics/shipments", token: app.logistics,
                                  body: Bodies.descriptor(domain: "logistics", name: "shipments"))
            await app.governance.drain()
            let stricter = try String(contentsOfFile: "policies/retention-pii-declared.yaml", encoding: .utf8)
                .replacingOccurrences(of: "default: P365D", with: "default: P90D")
            let body = String(decoding: try JSONSerialization.data(withJSONObject: ["policies": [stricter]]), as: UTF8.self)
            let report = try await client.json(.post, "/api/v1/policies/dry-run", token: app.council, body: body)
            let failing = try #require(report["newlyFailing"] as? [String: Any])
            #expect(failing["products"] as? Int == 2)
            #expect(failing["domains"] as? Int == 2)
            #expect(report["productsEvaluated"] as? Int == 2)
            // Nothing changed: the policy in force and the findings are as before.
            #expect(try await result(client, app, "retention-pii-declared") == "pass")
            let listed = try await client.json(.get, "/api/v1/policies", token: app.council)
            #expect((listed["policies"] as? [[String: Any]])?.count == 1)
            // An agent token tries only its own domain's policies.
            #expect(try await client.call(.post, "/api/v1/policies/dry-run", token: app.payments, body: body).status == .forbidden)
        }
    }

    // MARK: Helpers

    func push(_ client: some TestClientProtocol, _ app: TestApp, freshness: Timestamp, batch: String) async throws {
        let o = #"{"kind": "freshness", "product": "payments/orders", "dataset": \#(Bodies.ordersDataset), "observedAt": "\#(freshness.rfc3339)", "lastUpdatedAt": "\#(freshness.rfc3339)"}"#
        let reply = try await client.call(.post, "/api/v1/observations", token: app.payments, body: Bodies.batch(batch, [o]))
        #expect(reply.status == .ok, "\(reply.body)")
    }

    func result(_ client: some TestClientProtocol, _ app: TestApp, _ policy: String) async throws -> String? {
        finding(try await client.json(.get, "/api/v1/compliance/products/payments/orders", token: app.council), policy)?["result"] as? String
    }

    func finding(_ answer: [String: Any], _ policy: String) -> [String: Any]? {
        (answer["findings"] as? [[String: Any]])?.first { $0["policy"] as? String == policy }
    }

    func policyDirectory(_ files: [String: String]) throws -> String {
        let dir = try TestEnvironment.temporaryDirectory("steward-policies")
        for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        return dir
    }
}

extension TestClientProtocol {
    /// Calls and decodes a JSON object answer, failing the test on a non-2xx status.
    func json(_ method: HTTPRequest.Method, _ uri: String, token: String, body: String? = nil) async throws -> [String: Any] {
        let reply = try await call(method, uri, token: token, body: body)
        #expect((200..<300).contains(Int(reply.status.code)), "\(method) \(uri): \(reply.status) \(reply.body)")
        return try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any])
    }
}

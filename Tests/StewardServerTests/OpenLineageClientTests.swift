import Foundation
import Testing

/// The real OpenLineage Python client (openlineage-python, HTTP transport, API key) against a
/// running `steward serve`: every event arrives and the graph, impact and column lineage answer.
@Suite(.serialized) struct OpenLineageClientTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("OpenLineageClient/emit.py").path

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    static func encoded(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }

    @Test(.enabled(if: TestEnvironment.stewardBinary != nil && TestEnvironment.lineagePython != nil,
                   "needs the steward binary and openlineage-python (STEWARD_BIN, STEWARD_LINEAGE_PYTHON; set by scripts/test.sh)"))
    func thePythonClientsEventsAllArriveAndTheGraphAnswers() async throws {
        let data = try TestEnvironment.temporaryDirectory("steward-openlineage")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let server = try ServerProcess(arguments: ["--data", data, "--policies", data + "/none"])
        defer { server.terminate() }
        try await server.waitUntilReady()
        let steward = try #require(TestEnvironment.stewardBinary)
        func token(_ domain: String) throws -> String {
            try #require(try runCommand(steward, ["token", "create", "--role", "agent", "--domain", domain, "--data", data])
                .split(separator: "\n").last.map(String.init))
        }
        let payments = try token("payments"), logistics = try token("logistics")
        #expect(try await server.http("PUT", "/api/v1/products/payments/orders", token: payments, body: Bodies.descriptor()).0 == 201)
        #expect(try await server.http("PUT", "/api/v1/products/logistics/shipments", token: logistics, body: LineageAPITests.shipmentsProduct).0 == 201)

        let output = try runCommand(try #require(TestEnvironment.lineagePython), [Self.script, server.baseURL, logistics])
        let runs = try Self.json(try #require(output.split(separator: "\n").last.map(String.init)))
        let completed = try #require(runs["completed"] as? String), failed = try #require(runs["failed"] as? String)

        // Every event arrived, with its state transitions and facets.
        let ok = try Self.json(try await server.http("GET", "/api/v1/lineage/runs/\(completed)", token: logistics).1)
        #expect(ok["state"] as? String == "COMPLETE")
        #expect((ok["transitions"] as? [[String: Any]])?.compactMap { $0["eventType"] as? String } == ["START", "COMPLETE"])
        let bad = try await server.http("GET", "/api/v1/lineage/runs/\(failed)", token: logistics).1
        #expect(try Self.json(bad)["state"] as? String == "FAIL")
        #expect(bad.contains("division by zero"))

        // Graph, impact and column lineage.
        let orders = "postgres://payments-db:5432/payments:public.orders"
        let shipments = "postgres://logistics-db:5432/logistics:public.shipments"
        let graph = try Self.json(try await server.http("GET", "/api/v1/lineage?dataset=\(Self.encoded(orders))&direction=downstream", token: payments).1)
        #expect((graph["nodes"] as? [[String: Any]])?.compactMap { $0["id"] as? String }.contains("job:airflow:logistics.build_shipments") == true)
        let impact = try Self.json(try await server.http("GET", "/api/v1/impact?dataset=\(Self.encoded(orders))", token: payments).1)
        let hit = try #require((impact["products"] as? [[String: Any]])?.first)
        #expect(hit["product"] as? String == "logistics/shipments")
        #expect(hit["oncall"] as? String == "logistics-oncall")
        let columns = try Self.json(try await server.http(
            "GET", "/api/v1/column-lineage?dataset=\(Self.encoded(shipments))&column=customer_email", token: logistics).1)
        let email = try #require((columns["columns"] as? [[String: Any]])?.first { $0["field"] as? String == "customer_email" })
        #expect((email["propagatedTags"] as? [[String: Any]])?.first?["from"] as? String == orders + ".email")

        // Quality and volume facets became observations of the registered product.
        let product = try await server.http("GET", "/api/v1/products/logistics/shipments", token: logistics).1
        #expect(product.contains(#""rowCount":1234"#))
        #expect(product.contains(#""check":"unique:order_id""#) && product.contains(#""status":"fail""#))
    }
}

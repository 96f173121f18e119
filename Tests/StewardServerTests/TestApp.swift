import Foundation
import Hummingbird
import Logging
import HummingbirdTesting
import NIOCore
import StewardCore
import StewardIngest
import StewardStore
import StewardStoreSQLite
import Synchronization
import Testing
@testable import StewardServer

/// An in-process server on a fresh SQLite store, with tokens for each role.
struct TestApp: Sendable {
    let store: SQLiteStore
    let governance: Governance
    /// The governance clock: real time plus an offset tests can move forward.
    let clock: TestClock
    /// "METHOD path" of every route the router knows.
    let routes: [(method: String, path: String)]
    let admin: String
    let council: String
    let payments: String
    let logistics: String
    let directory: String

    static func withApp(_ configure: (inout ServerConfiguration) -> Void = { _ in },
                        _ body: @escaping @Sendable (TestApp, any TestClientProtocol) async throws -> Void) async throws {
        let dir = try TestEnvironment.temporaryDirectory("steward-server")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try await SQLiteStore.open(directory: dir)
        try await store.migrate()
        var config = ServerConfiguration()
        config.dataDirectory = dir
        configure(&config)
        let clock = TestClock()
        let catalog = Catalog()
        let lineage = LineageIndex(store: store, catalog: catalog)
        let governance = Governance(store: store, policyDirectory: config.policyDirectory, logger: Logger(label: "test"),
                                    lineage: lineage, clock: { clock.now })
        try await governance.reload()
        let router = StewardApp.router(store: store, catalog: catalog, lineage: lineage, governance: governance, configuration: config)
        let app = TestApp(
            store: store, governance: governance, clock: clock,
            routes: router.routes.map { ($0.method.rawValue, $0.path.description) },
            admin: try await Tokens.issue(role: .admin, domain: nil, label: "", in: store).secret,
            council: try await Tokens.issue(role: .council, domain: nil, label: "", in: store).secret,
            payments: try await Tokens.issue(role: .agent, domain: DomainName("payments"), label: "", in: store).secret,
            logistics: try await Tokens.issue(role: .agent, domain: DomainName("logistics"), label: "", in: store).secret,
            directory: dir)
        do {
            try await Application(router: router).test(.router) { client in try await body(app, client) }
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    /// How many observations the store holds for payments/orders (to prove nothing was stored).
    func storedCount(_ product: String = "payments/orders") async throws -> Int {
        let id = try ProductID(path: product)
        guard try await store.product(id, asOf: nil) != nil else { return 0 }
        return try await store.history(HistoryQuery(product: id, limit: 100_000)).items.count
    }
}

/// Real time shifted by an offset, so expiry and staleness are tested without sleeping.
final class TestClock: Sendable {
    private let offset = Mutex(0.0)
    var now: Timestamp { Timestamp.now.adding(seconds: offset.withLock { $0 }) }
    func advance(seconds: Double) { offset.withLock { $0 += seconds } }
}

extension TestClientProtocol {
    @discardableResult
    func call(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, contentType: String = "application/json",
              body: String? = nil, bytes: Data? = nil) async throws -> (status: HTTPResponse.Status, body: String, headers: HTTPFields) {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        headers[.contentType] = contentType
        let buffer = bytes.map { ByteBuffer(bytes: $0) } ?? body.map { ByteBuffer(string: $0) }
        return try await execute(uri: uri, method: method, headers: headers, body: buffer) { response in
            (response.status, String(buffer: response.body), response.headers)
        }
    }
}

/// Decoded error body; `nil` fields mean the body was not the standard error shape.
struct ErrorReply: Decodable {
    struct Payload: Decodable {
        var code: String
        var message: String
        var details: [Detail]
    }
    struct Detail: Decodable, Hashable {
        var index: Int?
        var field: String
        var message: String
    }
    var error: Payload

    static func parse(_ text: String) throws -> Payload {
        try JSONDecoder().decode(ErrorReply.self, from: Data(text.utf8)).error
    }
}

enum Bodies {
    static let ordersDataset = #"{"namespace": "postgres://payments-db:5432/payments", "name": "public.orders"}"#

    static func descriptor(domain: String = "payments", name: String = "orders", title: String = "Orders") -> String {
        """
        {"domain": "\(domain)", "name": "\(name)", "title": \(jsonString(title)), "owner": "team-\(domain)", "oncall": "\(domain)-oncall",
         "tier": "gold", "classification": "confidential",
         "datasets": [{"namespace": "postgres://payments-db:5432/payments", "name": "public.\(name)",
                       "columns": [{"name": "id", "type": "bigint"}, {"name": "email", "type": "text", "tags": ["pii:email"]}]}],
         "slo": {"maxStaleness": "PT1H", "minQualityPassRate": 0.99}, "retention": "P365D", "consumers": ["analytics"]}
        """
    }

    static func jsonString(_ s: String) -> String {
        String(decoding: try! JSONEncoder().encode(s), as: UTF8.self)
    }

    static func volume(_ rows: Int, product: String = "payments/orders", at: String = "2026-11-21T10:00:00Z") -> String {
        #"{"kind": "volume", "product": "\#(product)", "dataset": \#(ordersDataset), "observedAt": "\#(at)", "rowCount": \#(rows)}"#
    }

    static func batch(_ id: String, domain: String = "payments", _ observations: [String]) -> String {
        #"{"batchId": "\#(id)", "domain": "\#(domain)", "agent": {"id": "payments-agent-1", "version": "1.0.0"}, "observations": [\#(observations.joined(separator: ","))]}"#
    }
}

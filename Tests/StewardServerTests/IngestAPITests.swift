import Foundation
import HummingbirdTesting
import StewardAPI
import StewardCore
import StewardStoreSQLite
import Testing
@testable import StewardServer

@Suite struct IngestAPITests {
    @Test func storesABatchAndAnswersDuplicateOnRetry() async throws {
        try await TestApp.withApp { app, client in
            #expect(try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, body: Bodies.descriptor()).status == .created)
            let body = Bodies.batch("b-1", [Bodies.volume(1), Bodies.volume(2, at: "2026-11-21T10:01:00Z")])
            let first = try await client.call(.post, "/api/v1/observations", token: app.payments, body: body)
            #expect(first.status == .ok)
            #expect(try JSONDecoder().decode(BatchAccepted.self, from: Data(first.body.utf8)) == BatchAccepted(batchId: "b-1", stored: 2, duplicate: false))
            let again = try await client.call(.post, "/api/v1/observations", token: app.payments, body: body)
            #expect(try JSONDecoder().decode(BatchAccepted.self, from: Data(again.body.utf8)) == BatchAccepted(batchId: "b-1", stored: 0, duplicate: true))
            #expect(try await app.storedCount() == 2)
        }
    }

    @Test func acceptsProtobuf() async throws {
        try await TestApp.withApp { app, client in
            try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, body: Bodies.descriptor())
            let o = Observation(product: try ProductID(path: "payments/orders"),
                                dataset: DatasetRef(namespace: "postgres://payments-db:5432/payments", name: "public.orders"),
                                observedAt: try Timestamp(rfc3339: "2026-11-21T10:00:00Z"),
                                detail: .quality(check: "id_not_null", status: .fail, value: 3, threshold: 0, message: "3 null ids"))
            let bytes = try BatchProto.encode(batchId: "p-1", domain: "payments", agentID: "a", agentVersion: "1", observations: [o, o])
            let reply = try await client.call(.post, "/api/v1/observations", token: app.payments, contentType: "application/x-protobuf", bytes: bytes)
            #expect(reply.status == .ok)
            #expect(reply.body.contains(#""stored":2"#))
            let latest = try await app.store.latest(try ProductID(path: "payments/orders"), asOf: nil)
            #expect(latest.map(\.payload) == [#"{"check":"id_not_null","status":"fail","value":3,"threshold":0,"message":"3 null ids"}"#])
        }
    }

    struct BadInput: Sendable, CustomTestStringConvertible {
        var name: String
        var contentType = "application/json"
        var body: String
        var token: KeyPath<TestApp, String> & Sendable = \.payments
        var status: Int
        var code: String
        var fields: Set<String> = []
        var testDescription: String { name }
    }

    static let badInputs: [BadInput] = [
        BadInput(name: "malformed JSON", body: #"{"batchId": "x", "#, status: 400, code: "ingest_malformed_body"),
        BadInput(name: "garbage protobuf", contentType: "application/x-protobuf", body: "\u{FF}\u{FF}\u{FF}", status: 400, code: "ingest_malformed_body"),
        BadInput(name: "invalid observations", body: Bodies.batch("x", [Bodies.volume(1), Bodies.volume(-1),
            #"{"kind": "quality", "product": "payments/orders", "dataset": \#(Bodies.ordersDataset), "observedAt": "2026-11-21T10:00:00Z", "check": "c", "status": "great"}"#]),
                 status: 400, code: "ingest_invalid_batch", fields: ["1:rowCount", "2:status"]),
        BadInput(name: "unregistered product", body: Bodies.batch("x", [Bodies.volume(1), Bodies.volume(1, product: "payments/ghost")]),
                 status: 422, code: "ingest_unknown_target", fields: ["1:product"]),
        BadInput(name: "undeclared dataset", body: Bodies.batch("x", [Bodies.volume(1),
            #"{"kind": "volume", "product": "payments/orders", "dataset": {"namespace": "x", "name": "y"}, "observedAt": "2026-11-21T10:00:00Z", "rowCount": 1}"#]),
                 status: 422, code: "ingest_unknown_target", fields: ["1:dataset"]),
        BadInput(name: "another domain's batch", body: Bodies.batch("x", domain: "logistics", [Bodies.volume(1, product: "logistics/shipments")]),
                 status: 403, code: "auth_forbidden_domain"),
        BadInput(name: "council may not write", body: Bodies.batch("x", [Bodies.volume(1)]), token: \.council, status: 403, code: "auth_forbidden_role"),
        BadInput(name: "unsupported media type", contentType: "text/csv", body: "a,b", status: 415, code: "ingest_unsupported_media_type"),
        BadInput(name: "too large", body: Bodies.batch("x", Array(repeating: Bodies.volume(1), count: 200)), status: 413, code: "request_too_large"),
    ]

    @Test(arguments: badInputs)
    func badInputIsRefusedWithItsErrorAndStoresNothing(_ input: BadInput) async throws {
        try await TestApp.withApp({ $0.maxBodyBytes = 16 * 1024 }) { app, client in
            try await client.call(.put, "/api/v1/products/payments/orders", token: app.payments, body: Bodies.descriptor())
            let reply = try await client.call(.post, "/api/v1/observations", token: app[keyPath: input.token],
                                              contentType: input.contentType, body: input.body)
            #expect(reply.status.code == input.status)
            let error = try ErrorReply.parse(reply.body)
            #expect(error.code == input.code)
            #expect(!error.message.isEmpty)
            if input.status == 413 {  // the batch limit is the configurable one, and the message says how
                #expect(error.message == "The body exceeds the limit of 16384 bytes; split the batch or raise --max-body-bytes.")
            }
            if !input.fields.isEmpty {
                #expect(Set(error.details.map { "\($0.index ?? -1):\($0.field)" }) == input.fields)
            }
            #expect(try await app.storedCount() == 0)
            #expect(try await app.store.agents(domain: nil).isEmpty)
        }
    }

    @Test func missingOrUnknownTokenIs401WithTheErrorBody() async throws {
        try await TestApp.withApp { app, client in
            for token in [nil, "stw_nope_nope", "garbage"] as [String?] {
                let reply = try await client.call(.post, "/api/v1/observations", token: token, body: Bodies.batch("x", [Bodies.volume(1)]))
                #expect(reply.status == .unauthorized)
                #expect(reply.headers[.wwwAuthenticate] == "Bearer")
                #expect(try ErrorReply.parse(reply.body).code == "auth_unauthenticated")
            }
        }
    }

    /// Stored hashes are SHA-256 in lowercase hex: tokens issued by any earlier build keep working.
    @Test func tokenHashIsSHA256InLowercaseHex() {
        #expect(Tokens.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func revokedTokenStopsWorking() async throws {
        try await TestApp.withApp { app, client in
            let issued = try await Tokens.issue(role: .admin, domain: nil, label: "", in: app.store)
            #expect(try await client.call(.get, "/api/v1/products", token: issued.secret).status == .ok)
            #expect(try await app.store.revokeToken(id: issued.record.id, at: .now))
            // A fresh authenticator (as after the cache TTL) sees the revocation.
            let auth = Authenticator(store: app.store)
            #expect(try await auth.authenticate(issued.secret) == nil)
        }
    }

    /// A first start creates one admin token and writes it for its owner alone (mode 0600, not the
    /// umask's 0644); a later start finds it and creates nothing.
    @Test func firstStartWritesTheAdminTokenReadableOnlyByItsOwner() async throws {
        let dir = try TestEnvironment.temporaryDirectory("steward-bootstrap")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try await SQLiteStore.open(directory: dir)
        try await store.migrate()
        let first = try #require(try await Tokens.bootstrapAdmin(store: store, dataDirectory: dir))
        let mode = try FileManager.default.attributesOfItem(atPath: first.path)[.posixPermissions] as? Int
        #expect(mode.map { $0 & 0o777 } == 0o600)
        #expect(try String(contentsOfFile: first.path, encoding: .utf8) == first.secret + "\n")
        #expect(try await Authenticator(store: store).authenticate(first.secret)?.role == .admin)

        #expect(try await Tokens.bootstrapAdmin(store: store, dataDirectory: dir) == nil)
        #expect(try await store.tokens().filter { $0.role == .admin }.count == 1)
        await store.close()
    }

    @Test func errorsNeverEchoTheToken() async throws {
        try await TestApp.withApp { app, client in
            let reply = try await client.call(.get, "/api/v1/products/logistics/shipments", token: app.payments)
            #expect(reply.status == .forbidden)
            #expect(!reply.body.contains(app.payments))
            #expect(!reply.body.contains(String(app.payments.suffix(20))))
        }
    }
}

import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import StewardAPI
import StewardCore

/// Sends batches to a Steward server. Because the server stores each batchId once, a batch
/// whose answer was lost is simply sent again: retries can never double-count.
public struct Pusher: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var status: Int
        public var body: String
        public var description: String { "HTTP \(status): \(body)" }
    }

    public let baseURL: String
    public let token: String
    public let agentID: String
    public let agentVersion: String
    let client: HTTPClient
    let logger: Logger

    public init(baseURL: String, token: String, agentID: String, agentVersion: String = "0.1.0",
                client: HTTPClient = .shared, logger: Logger = Logger(label: "steward.agent")) {
        self.baseURL = baseURL; self.token = token; self.agentID = agentID; self.agentVersion = agentVersion
        self.client = client; self.logger = logger
    }

    /// Pushes one batch, retrying transient failures (connection errors, 5xx) with backoff, and
    /// waiting at least as long as a 503's Retry-After asks (the server's store is down).
    @discardableResult
    public func push(domain: String, observations: [Observation], batchId: String = UUID().uuidString,
                     attempts: Int = 5) async throws -> BatchAccepted {
        let body = BatchJSON.encode(batchId: batchId, domain: domain, agentID: agentID, agentVersion: agentVersion,
                                    observations: observations)
        var backoff = 0.2
        for attempt in 1...attempts {
            var wait = backoff
            do {
                let reply = try await exchange("POST", Routes.observations, body: body, contentType: MediaType.json)
                if reply.status == 200 { return try JSONDecoder().decode(BatchAccepted.self, from: Data(reply.body.utf8)) }
                let failure = Failure(status: reply.status, body: reply.body)
                // 4xx will fail the same way again: report it, do not retry.
                if reply.status < 500 || attempt == attempts { throw failure }
                wait = max(wait, reply.retryAfter ?? 0)
                logger.warning("push failed, retrying", metadata: ["status": "\(reply.status)", "attempt": "\(attempt)"])
            } catch let failure as Failure {
                throw failure
            } catch {
                if attempt == attempts { throw error }
                logger.warning("push failed, retrying", metadata: ["error": "\(type(of: error))", "attempt": "\(attempt)"])
            }
            try await Task.sleep(for: .seconds(wait))
            backoff = min(backoff * 2, 5)
        }
        throw Failure(status: 0, body: "gave up")
    }

    /// Registers or updates a product descriptor.
    public func register(_ descriptor: ProductDescriptor) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = String(decoding: try encoder.encode(descriptor), as: UTF8.self)
        let (status, text) = try await send("PUT", Routes.product(descriptor.domain.rawValue, descriptor.name),
                                            body: body, contentType: MediaType.json)
        guard status == 200 || status == 201 else { throw Failure(status: status, body: text) }
    }

    /// One request to the API with this token: the status and the body (up to 1 MiB).
    public func send(_ method: String, _ path: String, body: String = "", contentType: String = MediaType.json) async throws -> (Int, String) {
        let reply = try await exchange(method, path, body: body, contentType: contentType)
        return (reply.status, reply.body)
    }

    struct Reply {
        var status: Int
        var body: String
        /// Retry-After in seconds, at most a minute (a server asking for more is not believed).
        var retryAfter: Double?
    }

    func exchange(_ method: String, _ path: String, body: String, contentType: String) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: contentType)
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let retryAfter = response.headers.first(name: "Retry-After").flatMap(Double.init).map { min(max($0, 0), 60) }
        return Reply(status: Int(response.status.code), body: String(buffer: bytes), retryAfter: retryAfter)
    }
}

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

    /// Pushes one batch, retrying transient failures (connection errors, 503) with backoff.
    @discardableResult
    public func push(domain: String, observations: [Observation], batchId: String = UUID().uuidString,
                     attempts: Int = 5) async throws -> BatchAccepted {
        let body = BatchJSON.encode(batchId: batchId, domain: domain, agentID: agentID, agentVersion: agentVersion,
                                    observations: observations)
        var delay = 0.2
        for attempt in 1...attempts {
            do {
                let (status, text) = try await send("POST", Routes.observations, body: body, contentType: MediaType.json)
                if status == 200 { return try JSONDecoder().decode(BatchAccepted.self, from: Data(text.utf8)) }
                let failure = Failure(status: status, body: text)
                // 4xx will fail the same way again: report it, do not retry.
                if status < 500 || attempt == attempts { throw failure }
                logger.warning("push failed, retrying", metadata: ["status": "\(status)", "attempt": "\(attempt)"])
            } catch let failure as Failure {
                throw failure
            } catch {
                if attempt == attempts { throw error }
                logger.warning("push failed, retrying", metadata: ["error": "\(type(of: error))", "attempt": "\(attempt)"])
            }
            try await Task.sleep(for: .seconds(delay))
            delay = min(delay * 2, 5)
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
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: contentType)
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: bytes))
    }
}

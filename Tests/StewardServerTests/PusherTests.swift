import Foundation
import Hummingbird
import HummingbirdTesting
import StewardAgent
import StewardCore
import Synchronization
import Testing

/// The agents' `Pusher` against a stand-in server that answers 503 once. The stand-in is a test
/// double of the server side only; the outage against the real server and PostgreSQL is in
/// `DurabilityTests.postgresOutageAnswers503AndRecoversByItself`.
@Suite struct PusherTests {
    final class Arrivals: Sendable {
        let times = Mutex<[ContinuousClock.Instant]>([])
    }

    @Test func aRetryWaitsAsLongAsRetryAfterAsks() async throws {
        let arrivals = Arrivals()
        let router = Router()
        router.post("/api/v1/observations") { _, _ -> Response in
            let count = arrivals.times.withLock { $0.append(.now); return $0.count }
            guard count > 1 else {
                return Response(status: .serviceUnavailable, headers: [.retryAfter: "1", .contentType: "application/json"],
                                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"error":{"code":"store_unavailable","message":"down"}}"#)))
            }
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"batchId":"b1","stored":1,"duplicate":false}"#)))
        }
        try await Application(router: router).test(.live) { client in
            let port = try #require(client.port)
            let pusher = Pusher(baseURL: "http://127.0.0.1:\(port)", token: "stw_test", agentID: "payments-agent-1")
            let heartbeat = Observation(product: nil, dataset: nil, observedAt: .now, detail: .heartbeat)
            let accepted = try await pusher.push(domain: "payments", observations: [heartbeat], batchId: "b1")
            #expect(accepted.stored == 1)
            let times = arrivals.times.withLock { $0 }
            try #require(times.count == 2)
            // A lower bound only, so a slow machine cannot fail it: without Retry-After the first
            // backoff is 0.2 s.
            #expect(times[1] - times[0] >= .seconds(1), "retried after \(times[1] - times[0])")
        }
    }
}

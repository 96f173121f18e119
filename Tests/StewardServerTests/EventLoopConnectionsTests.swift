import Hummingbird
import HummingbirdTesting
import NIOPosix
import Testing
@testable import StewardServer

/// Steward's server hands each connection's requests to the connection's event loop
/// (`EventLoopConnections`), so a request does not hop between NIO's threads and Swift's pool.
@Suite struct EventLoopConnectionsTests {
    /// Where a handler runs, before and after it awaits other tasks and an actor.
    static func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/where") { _, _ -> String in
            let before = MultiThreadedEventLoopGroup.currentEventLoop != nil
            async let child = MultiThreadedEventLoopGroup.currentEventLoop != nil
            let inActor = await Probe().onLoop()
            let after = MultiThreadedEventLoopGroup.currentEventLoop != nil
            return "\(before) \(await child) \(inActor) \(after)"
        }
        return router
    }

    actor Probe {
        func onLoop() -> Bool { MultiThreadedEventLoopGroup.currentEventLoop != nil }
    }

    @Test func handlersRunOnTheirConnectionsEventLoop() async throws {
        try await Application(router: Self.router(), server: .http1OnEventLoops).test(.live) { client in
            let response = try await client.execute(uri: "/where", method: .get)
            #expect(String(buffer: response.body) == "true true true true")
        }
    }

    /// The control: Hummingbird's plain HTTP/1.1 server runs handlers on Swift's global pool.
    @Test func plainServerRunsHandlersOffTheEventLoops() async throws {
        try await Application(router: Self.router(), server: .http1()).test(.live) { client in
            let response = try await client.execute(uri: "/where", method: .get)
            #expect(String(buffer: response.body) == "false false false false")
        }
    }
}

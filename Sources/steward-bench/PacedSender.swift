import NIOCore
import NIOHTTP1
import NIOPosix
import StewardAPI

/// Sends POSTs open-loop from one event loop: request `i` is due at `start + i × interval` and
/// goes out then on an idle keep-alive connection, or on a new one when all are busy. Its latency
/// counts from when it was due, so a sender that falls behind adds to the figure instead of
/// hiding a slow server.
///
/// Why not AsyncHTTPClient, which the throughput runs use: the load generator shares the two
/// cores with the server, and each 100-observation request sent through it from a task cost the
/// bench 338 µs of CPU and 10.6 thread switches, nearly half of what the server spent storing the
/// batch (779 µs). On its event loop, a request costs one timer, one write and one read.
///
/// All state lives on `loop`; nothing touches it from elsewhere (hence `@unchecked Sendable`).
final class PacedSender: @unchecked Sendable {
    private let loop: EventLoop
    private let port: Int
    private let headers: HTTPHeaders
    private let bodies: [ByteBuffer]
    private let interval: TimeAmount
    private var start = NIODeadline.now()
    private var idle: [Exchange] = []
    private var open: [Channel] = []
    private var milliseconds: [Double]
    private var answered = 0
    private var finished = false
    private let done: EventLoopPromise<[Double]>

    init(loop: EventLoop, port: Int, token: String, contentType: String, bodies: [ByteBuffer], interval: Double) {
        self.loop = loop; self.port = port; self.bodies = bodies
        self.interval = .nanoseconds(Int64(interval * 1e9))
        headers = ["Host": "127.0.0.1:\(port)", "Authorization": "Bearer \(token)", "Content-Type": contentType]
        milliseconds = Array(repeating: 0, count: bodies.count)
        done = loop.makePromise()
    }

    /// Sends every body, the first at `start`; each request's latency in milliseconds, in order.
    func run(from start: NIODeadline) async throws -> [Double] {
        loop.execute {
            self.start = start
            self.schedule(0)
        }
        return try await done.futureResult.get()
    }

    private func schedule(_ i: Int) {
        guard i < bodies.count, !finished else { return }
        loop.scheduleTask(deadline: start + interval * Int64(i)) { self.send(i) }
    }

    private func send(_ i: Int) {
        guard !finished else { return }
        schedule(i + 1)
        if let exchange = idle.popLast() {
            write(i, on: exchange)
            return
        }
        ClientBootstrap(group: loop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(Exchange(sender: self))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    self.open.append(channel)
                    do {
                        self.write(i, on: try channel.pipeline.syncOperations.handler(type: Exchange.self))
                    } catch {
                        self.fail(error)
                    }
                case .failure(let error):
                    self.fail(BenchError("connect to 127.0.0.1:\(self.port): \(error)"))
                }
            }
    }

    private func write(_ i: Int, on exchange: Exchange) {
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: Routes.observations, headers: headers)
        head.headers.add(name: "Content-Length", value: String(bodies[i].readableBytes))
        exchange.inFlight = i
        let channel: Channel = exchange.channel
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(bodies[i])), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }

    /// An answer to request `i` arrived on `exchange`'s connection.
    fileprivate func answered(_ i: Int, status: Int, on exchange: Exchange) {
        guard !finished else { return }
        guard status == 200 else { return fail(BenchError("push failed: \(status)")) }
        milliseconds[i] = Double((NIODeadline.now() - (start + interval * Int64(i))).nanoseconds) / 1e6
        idle.append(exchange)
        answered += 1
        if answered == bodies.count {
            finish()
            done.succeed(milliseconds)
        }
    }

    /// An idle connection closed (the server may close keep-alive connections): never reuse it.
    fileprivate func closed(_ exchange: Exchange) {
        idle.removeAll { $0 === exchange }
    }

    fileprivate func fail(_ error: Error) {
        guard !finished else { return }
        finish()
        done.fail(error)
    }

    private func finish() {
        finished = true
        for channel in open { channel.close(promise: nil) }
    }
}

/// One connection's request in flight: at its answer's end, tells the sender which one it was.
private final class Exchange: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    let sender: PacedSender
    var inFlight: Int?
    var status = 0
    private(set) var channel: Channel!

    init(sender: PacedSender) { self.sender = sender }

    func handlerAdded(context: ChannelHandlerContext) { channel = context.channel }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = Int(head.status.code)
        case .body: break
        case .end:
            guard let i = inFlight else { return sender.fail(BenchError("an answer to no request")) }
            inFlight = nil
            sender.answered(i, status: status, on: self)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        sender.fail(BenchError("connection: \(error)"))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if inFlight != nil { sender.fail(BenchError("the server closed a connection with a request in flight")) }
        sender.closed(self)
    }
}

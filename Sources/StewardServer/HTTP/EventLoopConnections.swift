import HummingbirdCore
import Logging
import NIOCore
import StewardStore

/// HTTP/1.1 connections whose request handling runs on the connection's own event loop.
///
/// Without it every request hops threads: NIO reads it on an event loop, the handler runs on
/// Swift's global pool, each store call answers on an event loop and resumes on the pool, and the
/// response is written on the event loop again. A product page on PostgreSQL cost 14 thread
/// switches that way. With the connection's loop as the task's preferred executor (SE-0417), the
/// handler, its child tasks and the default actors it calls all run where the bytes arrive
/// (2 switches per product page). NIO's loops are as many as the cores, so a pool beside them
/// adds no parallelism. The cost: while a handler computes (decoding a large batch), the other
/// connections on its loop wait for it, as they would for a busy core. The loop is also the
/// request's `RequestExecutor`, where group commit starts its writer.
struct EventLoopConnections: ServerChildChannel {
    let http: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        http.setup(channel: channel, logger: logger)
    }

    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        let loop = EventLoopTaskExecutor(value.channel.eventLoop)
        await withTaskExecutorPreference(loop) {
            await RequestExecutor.$current.withValue(loop) {
                await http.handle(value: value, logger: logger)
            }
        }
    }
}

/// An event loop as a task executor: jobs run on the loop's thread.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with each connection's requests handled on its event loop (`EventLoopConnections`).
    static var http1OnEventLoops: HTTPServerBuilder {
        .init { responder in EventLoopConnections(http: HTTP1Channel(responder: responder)) }
    }
}

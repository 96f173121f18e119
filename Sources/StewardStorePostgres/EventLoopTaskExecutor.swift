import NIOCore

/// An event loop as a task executor (SE-0417): jobs run on the loop's thread.
///
/// The server runs each connection's handler on its loop (`EventLoopConnections`), and group
/// commit writes on the loop of the request that started it, so a query is sent and its answer
/// read on the thread that asked, without waking another.
public final class EventLoopTaskExecutor: TaskExecutor {
    public let loop: any EventLoop

    public init(_ loop: any EventLoop) { self.loop = loop }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

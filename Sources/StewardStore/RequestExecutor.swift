/// The executor the request being handled runs on, when the server runs requests on one (its
/// HTTP connection's event loop, `EventLoopConnections`). Group commit starts its writer there.
///
/// Why a task-local: the store's interface stays the same, and work started outside a request
/// (the deriver, the evaluator, tests) sees nil and runs on Swift's global pool as before.
public enum RequestExecutor {
    @TaskLocal public static var current: (any TaskExecutor)?
}

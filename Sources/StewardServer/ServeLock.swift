import Foundation

/// One `steward serve` per SQLite data directory. A server keeps state in memory (the product
/// catalog, the token cache, the evaluation schedule) that a second server on the same database
/// would not see, so the second one refuses to start and names the first. Commands such as
/// `steward token create` do not take the lock: they work beside a running server. PostgreSQL
/// needs no lock (replicas share it by design).
///
/// An `flock` on `DIR/serve.lock`, which holds the owner's pid for the message: the kernel drops
/// it when the process ends, even by kill -9, so a stale file never blocks a restart.
final class ServeLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    /// Nil when the lock file cannot be created: opening the store then reports what is wrong
    /// with the directory.
    static func acquire(directory: String) throws(ServerError) -> ServeLock? {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent("serve.lock")
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            throw .dataDirectoryInUse(directory: directory, pid: holder.flatMap(Int.init))
        }
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(fd, 0) == 0 { _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) } }
        return ServeLock(descriptor: fd)
    }

    deinit { close(descriptor) }
}

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Paths exported by scripts/test.sh. Process-level tests need the built `steward` binary and
/// PostgreSQL's binaries; a bare `swift test` without them skips those tests (see their traits).
enum TestEnvironment {
    static let env = ProcessInfo.processInfo.environment
    static var stewardBinary: String? { env["STEWARD_BIN"].flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil } }
    static var postgresURL: String? { env["STEWARD_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 } }
    static var postgresBin: String? { env["STEWARD_PG_BIN"].flatMap { $0.isEmpty ? nil : $0 } }
    static var required: Bool { env["STEWARD_REQUIRE_POSTGRES"] == "1" }
    /// A Python with openlineage-python installed (scripts/test.sh makes a virtualenv).
    static var lineagePython: String? { env["STEWARD_LINEAGE_PYTHON"].flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil } }

    /// Conditions of the tests that run the real binary: without what they need (a bare `swift
    /// test`), they are skipped with this reason instead of failing.
    static var needsSteward: ConditionTrait {
        .enabled(if: stewardBinary != nil, "needs the steward binary (STEWARD_BIN, set by scripts/test.sh)")
    }
    static var needsStewardAndPostgres: ConditionTrait {
        .enabled(if: stewardBinary != nil && postgresBin != nil,
                 "needs the steward binary and PostgreSQL (STEWARD_BIN, STEWARD_PG_BIN, set by scripts/test.sh)")
    }

    static func temporaryDirectory(_ prefix: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

@Suite struct TestEnvironmentCheck {
    @Test func theTestCommandProvidesWhatProcessTestsNeed() {
        if TestEnvironment.required {
            #expect(TestEnvironment.stewardBinary != nil, "scripts/test.sh should export STEWARD_BIN")
            #expect(TestEnvironment.postgresBin != nil, "scripts/test.sh should export STEWARD_PG_BIN")
            #expect(TestEnvironment.postgresURL != nil, "scripts/test.sh should export STEWARD_TEST_POSTGRES_URL")
            #expect(TestEnvironment.lineagePython != nil, "scripts/test.sh should export STEWARD_LINEAGE_PYTHON")
        }
    }
}

/// Runs a command to completion and returns its standard output.
@discardableResult
func runCommand(_ path: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else {
        throw CommandFailed(command: ([path] + arguments).joined(separator: " "), status: process.terminationStatus, output: text)
    }
    return text
}

/// Runs a command that must fail, and returns what it wrote to standard error.
func runFailingCommand(_ path: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let err = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = err
    try process.run()
    let data = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    try #require(process.terminationStatus != 0, "\(path) \(arguments.joined(separator: " ")) succeeded: \(text)")
    return text
}

struct CommandFailed: Error, CustomStringConvertible {
    var command: String
    var status: Int32
    var output: String
    var description: String { "\(command) exited \(status): \(output)" }
}

/// A `steward serve` child process.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let baseURL: String

    /// - Parameters:
    ///   - logPath: where the server's log (standard error) goes, from `logLevel` up; none by default.
    ///   - outputPath: where its standard output goes (a file, not a terminal); none by default.
    init(arguments: [String], logPath: String? = nil, logLevel: String = "notice", outputPath: String? = nil) throws {
        port = try TestEnvironment.freePort()
        baseURL = "http://127.0.0.1:\(port)"
        process.executableURL = URL(fileURLWithPath: try #require(TestEnvironment.stewardBinary))
        process.arguments = ["serve", "--port", String(port), "--log-level", logPath == nil ? "warning" : logLevel] + arguments
        process.standardOutput = try Self.sink(outputPath)
        process.standardError = try Self.sink(logPath)
        try process.run()
    }

    private static func sink(_ path: String?) throws -> FileHandle {
        guard let path else { return FileHandle.nullDevice }
        try #require(FileManager.default.createFile(atPath: path, contents: nil), "cannot create \(path)")
        return try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    /// Waits until /readyz answers 200.
    func waitUntilReady(timeout: Double = 30) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let (status, _) = try? await http("GET", "/readyz"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CommandFailed(command: "steward serve", status: -1, output: "not ready after \(timeout)s")
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func terminate() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    func http(_ method: String, _ path: String, token: String? = nil, body: String? = nil) async throws -> (Int, String) {
        let reply = try await request(method, path, token: token, body: body)
        return (reply.status, reply.body)
    }

    func request(_ method: String, _ path: String, token: String? = nil, body: String? = nil) async throws
        -> (status: Int, body: String, headers: HTTPHeaders) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = HTTPMethod(rawValue: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), String(buffer: bytes), response.headers)
    }
}

/// A PostgreSQL cluster of the test's own, so a test may stop and start it.
final class PostgresCluster: @unchecked Sendable {
    let directory: String
    let port: Int
    let bin: String

    init() throws {
        bin = try #require(TestEnvironment.postgresBin)
        directory = try TestEnvironment.temporaryDirectory("steward-pg")
        port = try TestEnvironment.freePort()
        if getuid() == 0 { try spawnAndWait("/bin/chown", ["postgres", directory]) }
        try pg("initdb", ["-D", directory + "/data", "-U", "postgres", "--auth=trust"])
        try start()
    }

    var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres?sslmode=disable" }

    func start() throws {
        try pg("pg_ctl", ["-D", directory + "/data", "-w", "-l", directory + "/log",
                          "-o", "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1", "start"])
    }

    func stop() throws { try pg("pg_ctl", ["-D", directory + "/data", "-m", "fast", "-w", "stop"]) }

    /// Sets server settings (ALTER SYSTEM) and reloads them.
    func set(_ settings: KeyValuePairs<String, String>) throws {
        for (name, value) in settings {
            try pg("psql", ["-h", directory, "-p", String(port), "-U", "postgres", "-c", "ALTER SYSTEM SET \(name) = '\(value)'", "postgres"])
        }
        try pg("pg_ctl", ["-D", directory + "/data", "reload"])
    }

    func destroy() {
        try? pg("pg_ctl", ["-D", directory + "/data", "-m", "immediate", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// initdb refuses to run as root, so as root run PostgreSQL's tools as the postgres user.
    private func pg(_ tool: String, _ arguments: [String]) throws {
        if getuid() == 0 {
            try spawnAndWait("/usr/sbin/runuser", ["-u", "postgres", "--", "\(bin)/\(tool)"] + arguments)
        } else {
            try spawnAndWait("\(bin)/\(tool)", arguments)
        }
    }
}

/// posix_spawn + waitpid, stdio to /dev/null. Foundation's Process notices a child's exit through a
/// descriptor that `pg_ctl start`'s postmaster inherits and keeps open, so waitUntilExit never returns.
func spawnAndWait(_ path: String, _ arguments: [String]) throws {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] {
        posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY, 0)
    }
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid = pid_t()
    let rc = posix_spawn(&pid, path, &actions, nil, argv, environ)
    guard rc == 0 else { throw CommandFailed(command: path, status: rc, output: "posix_spawn failed") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let exitCode = (status >> 8) & 0xFF
    guard status & 0x7F == 0, exitCode == 0 else {
        throw CommandFailed(command: ([path] + arguments).joined(separator: " "), status: exitCode, output: "")
    }
}

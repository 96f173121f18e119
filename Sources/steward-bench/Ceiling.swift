import Foundation

/// The machine's bulk-load ceiling for the same rows: sqlite3's `.import` or psql's `\copy`
/// into a table shaped like Steward's observations (same columns and indexes), no HTTP, no validation.
enum Ceiling {
    static func measure(backend: String, postgresURL: String?, rows: Int) throws -> (tool: String, rate: Double) {
        let dir = NSTemporaryDirectory() + "steward-ceiling-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = dir + "/rows.csv"
        var text = ""
        text.reserveCapacity(rows * 120)
        let base: Int64 = 1_795_000_000_000_000
        for i in 0..<rows {
            text += "\(i % 20 + 1),\(i % 100 + 1),\(i % 5 + 1),check_\(i % 7),\(base + Int64(i)),\(base),pass,\(i % 1000),\"{\"\"check\"\":\"\"not_null\"\",\"\"status\"\":\"\"pass\"\",\"\"value\"\":1}\"\n"
        }
        try text.write(toFile: csv, atomically: false, encoding: .utf8)
        let table = """
            CREATE TABLE observations (product_id BIGINT NOT NULL, dataset_id BIGINT NOT NULL, kind SMALLINT NOT NULL,
              subject TEXT NOT NULL, observed_at BIGINT NOT NULL, recorded_at BIGINT NOT NULL, status TEXT, value DOUBLE PRECISION,
              payload TEXT NOT NULL);
            CREATE INDEX o2 ON observations (product_id, kind, observed_at);
            """
        if backend == "postgres" {
            try Shell.psql(postgresURL, "DROP TABLE IF EXISTS ceiling_observations; " + table.replacingOccurrences(of: "observations", with: "ceiling_observations"))
            let t0 = Date()
            try Shell.psql(postgresURL, "\\copy ceiling_observations FROM '\(csv)' WITH (FORMAT csv)")
            let secs = Date().timeIntervalSince(t0)
            try Shell.psql(postgresURL, "DROP TABLE ceiling_observations")
            return ("psql \\copy", Double(rows) / secs)
        }
        let db = dir + "/ceiling.sqlite"
        let script = "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\n\(table)\n.mode csv\n.import \(csv) observations\n"
        try script.write(toFile: dir + "/load.sql", atomically: false, encoding: .utf8)
        let t0 = Date()
        _ = try Shell.run("/bin/sh", ["-c", "sqlite3 \(db) < \(dir)/load.sql"])
        return ("sqlite3 .import", Double(rows) / Date().timeIntervalSince(t0))
    }
}

enum Shell {
    @discardableResult
    static func run(_ path: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw BenchError("\(path) \(arguments.joined(separator: " ")) failed") }
        return String(decoding: data, as: UTF8.self)
    }

    static func psql(_ url: String?, _ sql: String) throws {
        guard let url else { throw BenchError("--postgres-url is required") }
        try run("/usr/bin/env", ["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql])
    }
}

enum Machine {
    static func describe() -> String {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?
            .trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        return "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpu), \(ProcessInfo.processInfo.physicalMemory >> 30) GiB"
    }
}

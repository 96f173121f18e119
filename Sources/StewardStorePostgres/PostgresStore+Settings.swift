import Logging
import PostgresNIO
import StewardStore

/// The PostgreSQL settings that decide whether commits wait on PostgreSQL's own writes under
/// heavy ingest (README, "On PostgreSQL under heavy ingest"; BENCHMARKS.md, sessions 13 and 29).
/// Operators rarely read benchmark notes, so the server says at start-up what to change.
struct IngestSettings: Equatable, Sendable {
    /// In bytes, as `pg_settings` gives them times their unit.
    var minWALSize: Int64
    var maxWALSize: Int64
    var backendFlushAfter: Int64

    /// One line saying what to change, or nil when both are set as the README advises.
    var advice: String? {
        var changes: [String] = []
        if minWALSize < maxWALSize {
            changes.append("min_wal_size is \(Self.size(minWALSize)), below max_wal_size (\(Self.size(maxWALSize))), so an "
                + "ingest burst after a quiet spell creates WAL files while commits wait: set min_wal_size = '\(Self.size(maxWALSize))'")
        }
        if backendFlushAfter == 0 {
            changes.append("backend_flush_after is 0, so a checkpoint flushes what backends wrote all at once while commits "
                + "wait: set backend_flush_after = '256kB'")
        }
        if changes.isEmpty { return nil }
        return "PostgreSQL is not set up for heavy ingest (README, \"On PostgreSQL under heavy ingest\"): "
            + changes.joined(separator: "; ")
    }

    /// As PostgreSQL spells sizes: 80MB, 1GB, 256kB.
    static func size(_ bytes: Int64) -> String {
        for (unit, scale) in [("GB", Int64(1) << 30), ("MB", Int64(1) << 20), ("kB", Int64(1) << 10)] where bytes >= scale && bytes % scale == 0 {
            return "\(bytes / scale)\(unit)"
        }
        return "\(bytes)B"
    }
}

extension PostgresStore {
    /// The settings as the server sees them (any role may read `pg_settings`).
    func ingestSettings() async throws(StoreError) -> IngestSettings {
        let rows = try await rows("""
            SELECT name, setting::bigint * CASE unit WHEN 'GB' THEN 1073741824 WHEN 'MB' THEN 1048576 WHEN '8kB' THEN 8192
                                                      WHEN 'kB' THEN 1024 ELSE 1 END
            FROM pg_settings WHERE name IN ('min_wal_size', 'max_wal_size', 'backend_flush_after')
            """)
        var values: [String: Int64] = [:]
        for row in rows {
            let (name, bytes) = try Self.decode(row, (String, Int64).self)
            values[name] = bytes
        }
        guard let min = values["min_wal_size"], let max = values["max_wal_size"], let flush = values["backend_flush_after"] else {
            throw .failed("PostgreSQL did not report its WAL and flush settings")
        }
        return IngestSettings(minWALSize: min, maxWALSize: max, backendFlushAfter: flush)
    }

    /// Logs what to change, once at start-up. Advice only: a failure to read the settings is no
    /// reason not to start.
    func adviseOnIngestSettings() async {
        do {
            if let advice = try await ingestSettings().advice { logger.notice("\(advice)") }
        } catch {
            logger.debug("could not read PostgreSQL's settings", metadata: ["error": "\(error)"])
        }
    }
}

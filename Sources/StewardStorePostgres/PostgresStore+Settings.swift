import Logging
import PostgresNIO
import StewardStore

/// The PostgreSQL settings that decide whether commits wait on PostgreSQL's own writes under
/// heavy ingest (README, "On PostgreSQL under heavy ingest"; BENCHMARKS.md, sessions 13 and 29).
/// Operators rarely read benchmark notes, so the server says at start-up what to change.
struct IngestSettings: Equatable, Sendable {
    /// In bytes.
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
    /// The settings as the server sees them, in bytes as PostgreSQL itself converts them (any
    /// role may read them).
    func ingestSettings() async throws(StoreError) -> IngestSettings {
        let rows = try await rows("""
            SELECT pg_size_bytes(current_setting('min_wal_size')), pg_size_bytes(current_setting('max_wal_size')),
                   pg_size_bytes(current_setting('backend_flush_after'))
            """)
        guard let row = rows.first else { throw .failed("PostgreSQL did not report its WAL and flush settings") }
        let (min, max, flush) = try Self.decode(row, (Int64, Int64, Int64).self)
        return IngestSettings(minWALSize: min, maxWALSize: max, backendFlushAfter: flush)
    }

    /// Logs what to change (`steward serve` calls it once at start-up). Advice only: a failure to
    /// read the settings is no reason not to start.
    public func adviseOnIngestSettings() async {
        do {
            if let advice = try await ingestSettings().advice { logger.notice("\(advice)") }
        } catch {
            logger.debug("could not read PostgreSQL's settings", metadata: ["error": "\(error)"])
        }
    }
}

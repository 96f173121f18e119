@testable import StewardStorePostgres
import Testing

/// The start-up advice on PostgreSQL's WAL and flush settings (PostgresStore+Settings.swift);
/// PostgresAdviceTests reads them from a real server through `steward serve`.
@Suite struct IngestSettingsAdviceTests {
    static let mb: Int64 = 1 << 20

    @Test func postgresDefaultsGetBothChanges() throws {
        let advice = try #require(IngestSettings(minWALSize: 80 * Self.mb, maxWALSize: 1024 * Self.mb, backendFlushAfter: 0).advice)
        #expect(advice.contains("min_wal_size is 80MB, below max_wal_size (1GB)"))
        #expect(advice.contains("set min_wal_size = '1GB'"))
        #expect(advice.contains("set backend_flush_after = '256kB'"))
    }

    @Test func onlyWhatIsNotSetAsAdvisedIsNamed() throws {
        let wal = try #require(IngestSettings(minWALSize: 80 * Self.mb, maxWALSize: 2048 * Self.mb, backendFlushAfter: 256 << 10).advice)
        #expect(wal.contains("set min_wal_size = '2GB'") && !wal.contains("backend_flush_after"))
        let flush = try #require(IngestSettings(minWALSize: 1024 * Self.mb, maxWALSize: 1024 * Self.mb, backendFlushAfter: 0).advice)
        #expect(flush.contains("backend_flush_after is 0") && !flush.contains("min_wal_size"))
    }

    @Test func settingsAsAdvisedGetNoAdvice() {
        #expect(IngestSettings(minWALSize: 1024 * Self.mb, maxWALSize: 1024 * Self.mb, backendFlushAfter: 256 << 10).advice == nil)
        #expect(IngestSettings(minWALSize: 4096 * Self.mb, maxWALSize: 1024 * Self.mb, backendFlushAfter: 8192).advice == nil)
    }

    @Test func sizesAreSpelledAsPostgreSQLSpellsThem() {
        #expect(IngestSettings.size(80 * Self.mb) == "80MB")
        #expect(IngestSettings.size(1024 * Self.mb) == "1GB")
        #expect(IngestSettings.size(1536 * Self.mb) == "1536MB")
        #expect(IngestSettings.size(256 << 10) == "256kB")
        #expect(IngestSettings.size(100) == "100B")
    }
}

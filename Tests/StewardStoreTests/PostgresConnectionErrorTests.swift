import StewardStore
@testable import StewardStorePostgres
import Testing

/// What an operator reads when `--postgres` is wrong: where Steward tried to connect, and never
/// the password the URL holds. Needs no PostgreSQL: nothing listens on port 1.
@Suite struct PostgresConnectionErrorTests {
    @Test func anUnreachableServerIsNamedWithoutThePassword() async throws {
        let store = try PostgresStore(url: "postgres://steward:s3cret-pw@127.0.0.1:1/mesh?sslmode=disable")
        do {
            try await store.migrate()
            Issue.record("migrate() succeeded with no server")
        } catch {
            #expect(error.code == "store_unavailable")
            #expect(error.description.contains("PostgreSQL at 127.0.0.1:1/mesh"), "\(error)")
            #expect(!error.description.contains("s3cret"))
        }
        await store.close()
    }

    @Test func aMalformedURLIsRefusedWithoutEchoingIt() {
        #expect {
            _ = try PostgresStore(url: "postgres://steward:s3cret-pw@/mesh")
        } throws: { error in
            let text = "\(error)"
            return text.contains("postgres://user:password@host:port/database") && !text.contains("s3cret")
        }
    }
}

import PostgresNIO
import StewardStore

/// Statements prepared once per connection (postgres-nio names them after their type), for the
/// hot paths whose planning cost as much as running them: every request's token, a product's
/// latest observations (0.9 of 1.2 ms was planning the merge with what is pending, measured with
/// pgbench) and the group insert (about 0.2 ms of planning per group). Rows come back
/// undecoded, for the same decoding as the unprepared queries.
protocol PreparedQuery: PostgresPreparedStatement where Row == PostgresRow {
    var bindings: [any PostgresThrowingDynamicTypeEncodable & Sendable] { get }
}

extension PreparedQuery {
    func makeBindings() throws -> PostgresBindings {
        var b = PostgresBindings(capacity: bindings.count)
        for value in bindings { try b.append(value) }
        return b
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

extension PostgresStore {
    func rows<Statement: PreparedQuery>(_ c: PostgresConnection, _ statement: Statement) async throws(StoreError) -> [PostgresRow] {
        do {
            let sequence: AsyncThrowingMapSequence<PostgresRowSequence, PostgresRow> = try await c.execute(statement, logger: logger)
            var rows: [PostgresRow] = []
            for try await row in sequence { rows.append(row) }
            return rows
        } catch {
            throw Self.map(error)
        }
    }

    func rows(_ statement: some PreparedQuery) async throws(StoreError) -> [PostgresRow] {
        try await withConnection { c throws(StoreError) in try await self.rows(c, statement) }
    }
}

import PostgresNIO
import StewardCore
import StewardStore

extension PostgresStore {
    public func registerProduct(_ descriptor: ProductDescriptor, at time: Timestamp) async throws(StoreError) -> ProductVersion {
        let json = DescriptorCoding.encode(descriptor)
        let domain = descriptor.domain.rawValue
        let name = descriptor.name
        let t = time.microseconds
        return try await transaction { c throws(StoreError) -> ProductVersion in
            // Create the row if missing, then lock it: concurrent registrations of one product serialise here.
            try await self.run(c, """
                INSERT INTO products (domain, name, current_version, updated_at) VALUES (\(domain), \(name), 0, \(t))
                ON CONFLICT (domain, name) DO NOTHING
                """)
            let rows = try await self.rows(c, """
                SELECT p.id, p.current_version, v.descriptor, v.registered_at FROM products p
                LEFT JOIN product_versions v ON v.product_id = p.id AND v.version = p.current_version
                WHERE p.domain = \(domain) AND p.name = \(name) FOR UPDATE OF p
                """)
            guard let row = rows.first else { throw .failed("product row vanished") }
            let (id, current, existing, registeredAt): (Int64, Int, String?, Int64?)
            do { (id, current, existing, registeredAt) = try row.decode((Int64, Int, String?, Int64?).self) } catch {
                throw .failed("unexpected column type")
            }
            if existing == json, let registeredAt {
                return ProductVersion(descriptor: descriptor, json: json, version: current, registeredAt: Timestamp(microseconds: registeredAt), changed: false)
            }
            let version = current + 1
            try await self.run(c, "UPDATE products SET current_version = \(version), updated_at = \(t) WHERE id = \(id)")
            try await self.run(c, """
                INSERT INTO product_versions (product_id, version, registered_at, descriptor) VALUES (\(id), \(version), \(t), \(json))
                """)
            let namespaces = descriptor.datasets.map(\.namespace)
            let names = descriptor.datasets.map(\.name)
            try await self.run(c, """
                INSERT INTO datasets (product_id, namespace, name) SELECT \(id), * FROM UNNEST(\(namespaces)::text[], \(names)::text[])
                ON CONFLICT DO NOTHING
                """)
            return ProductVersion(descriptor: descriptor, json: json, version: version, registeredAt: time)
        }
    }

    public func products(domain: DomainName?) async throws(StoreError) -> [ProductVersion] {
        let rows = try await self.rows("""
            SELECT v.descriptor, v.version, v.registered_at FROM products p
            JOIN product_versions v ON v.product_id = p.id AND v.version = p.current_version
            WHERE \(domain?.rawValue)::text IS NULL OR p.domain = \(domain?.rawValue)
            ORDER BY p.domain, p.name
            """)
        return try rows.map { row throws(StoreError) in try Self.version(row) }
    }

    public func product(_ id: ProductID, asOf: Timestamp?) async throws(StoreError) -> ProductVersion? {
        let rows = try await self.rows(ProductAsOf(bindings: [id.domain.rawValue, id.name, asOf?.microseconds ?? Int64.max]))
        return try rows.first.map { row throws(StoreError) in try Self.version(row) }
    }

    /// A product's descriptor as of $3 (every product page and ingest check reads it), prepared.
    struct ProductAsOf: PreparedQuery {
        static let sql = """
            SELECT v.descriptor, v.version, v.registered_at FROM products p
            JOIN product_versions v ON v.product_id = p.id
            WHERE p.domain = $1 AND p.name = $2 AND v.registered_at <= $3
            ORDER BY v.version DESC LIMIT 1
            """
        var bindings: [any PostgresThrowingDynamicTypeEncodable & Sendable]
    }

    /// A version from its descriptor, version and registration time, the row's columns after the
    /// first `skipped` (a product page's first row leads with an observation's empty columns).
    static func version(_ row: PostgresRow, after skipped: Int = 0) throws(StoreError) -> ProductVersion {
        var c = Columns(row)
        try c.skip(skipped)
        let json = try c.next(String.self), version = try c.next(Int.self), registeredAt = try c.next(Int64.self)
        return try ProductVersion(json: json, version: version, registeredAt: Timestamp(microseconds: registeredAt))
    }

    public func catalog() async throws(StoreError) -> [CatalogEntry] {
        let products = try await rows("""
            SELECT p.id, v.descriptor FROM products p
            JOIN product_versions v ON v.product_id = p.id AND v.version = p.current_version
            """)
        let datasets = try await rows("SELECT id, product_id, namespace, name FROM datasets")
        var keys: [Int64: [DatasetRef: Int64]] = [:]
        for row in datasets {
            let (id, product, namespace, name) = try Self.decode(row, (Int64, Int64, String, String).self)
            keys[product, default: [:]][DatasetRef(namespace: namespace, name: name)] = id
        }
        return try products.map { row throws(StoreError) in
            let (id, json) = try Self.decode(row, (Int64, String).self)
            let descriptor = try DescriptorCoding.decode(json)
            let current = Set(descriptor.datasets.map(\.ref))
            return CatalogEntry(productKey: id, descriptor: descriptor,
                                datasetKeys: (keys[id] ?? [:]).filter { current.contains($0.key) })
        }
    }
}

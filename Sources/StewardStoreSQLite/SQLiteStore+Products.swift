import SQLiteNIO
import StewardCore
import StewardStore

extension SQLiteStore {
    public func registerProduct(_ descriptor: ProductDescriptor, at time: Timestamp) async throws(StoreError) -> ProductVersion {
        let json = DescriptorCoding.encode(descriptor)
        return try await gate.run { () async throws(StoreError) -> ProductVersion in
            try await self.transaction { () async throws(StoreError) -> ProductVersion in
                let w = self.writer
                let existing = try await self.query(w, """
                    SELECT p.id, p.current_version, v.descriptor, v.registered_at FROM products p
                    JOIN product_versions v ON v.product_id = p.id AND v.version = p.current_version
                    WHERE p.domain = ? AND p.name = ?
                    """, [.text(descriptor.domain.rawValue), .text(descriptor.name)])
                let productID: Int64
                let version: Int
                if let row = existing.first {
                    if row.text("descriptor") == json {
                        return ProductVersion(descriptor: descriptor, json: json, version: Int(row.int("current_version")),
                                              registeredAt: row.time("registered_at"), changed: false)
                    }
                    productID = row.int("id")
                    version = Int(row.int("current_version")) + 1
                    try await self.exec(w, "UPDATE products SET current_version = ?, updated_at = ? WHERE id = ?",
                                        [.integer(version), .time(time), .int(productID)])
                } else {
                    version = 1
                    let rows = try await self.query(w, """
                        INSERT INTO products (domain, name, current_version, updated_at) VALUES (?, ?, 1, ?) RETURNING id
                        """, [.text(descriptor.domain.rawValue), .text(descriptor.name), .time(time)])
                    productID = rows.first?.int("id") ?? 0
                }
                try await self.exec(w, "INSERT INTO product_versions (product_id, version, registered_at, descriptor) VALUES (?, ?, ?, ?)",
                                    [.int(productID), .integer(version), .time(time), .text(json)])
                for dataset in descriptor.datasets {
                    try await self.exec(w, "INSERT INTO datasets (product_id, namespace, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                                        [.int(productID), .text(dataset.namespace), .text(dataset.name)])
                }
                return ProductVersion(descriptor: descriptor, json: json, version: version, registeredAt: time)
            }
        }
    }

    public func products(domain: DomainName?) async throws(StoreError) -> [ProductVersion] {
        var sql = """
            SELECT v.descriptor, v.version, v.registered_at FROM products p
            JOIN product_versions v ON v.product_id = p.id AND v.version = p.current_version
            """
        var binds: [SQLiteData] = []
        if let domain {
            sql += " WHERE p.domain = ?"
            binds.append(.text(domain.rawValue))
        }
        sql += " ORDER BY p.domain, p.name"
        return try await query(reader, sql, binds).map { row throws(StoreError) in
            try ProductVersion(json: row.text("descriptor"), version: Int(row.int("version")), registeredAt: row.time("registered_at"))
        }
    }

    public func product(_ id: ProductID, asOf: Timestamp?) async throws(StoreError) -> ProductVersion? {
        let rows = try await query(reader, """
            SELECT v.descriptor, v.version, v.registered_at FROM products p
            JOIN product_versions v ON v.product_id = p.id
            WHERE p.domain = ? AND p.name = ? AND v.registered_at <= ?
            ORDER BY v.version DESC LIMIT 1
            """, [.text(id.domain.rawValue), .text(id.name), .integer(Int(asOf?.microseconds ?? Int64.max))])
        guard let row = rows.first else { return nil }
        return try ProductVersion(json: row.text("descriptor"), version: Int(row.int("version")), registeredAt: row.time("registered_at"))
    }

    public func catalog() async throws(StoreError) -> [CatalogEntry] {
        let products = try await query(reader, """
            SELECT p.id, v.descriptor FROM products p
            JOIN product_versions v ON v.product_id = p.id AND v.version = p.current_version
            """)
        let datasets = try await query(reader, "SELECT id, product_id, namespace, name FROM datasets")
        var keys: [Int64: [DatasetRef: Int64]] = [:]
        for row in datasets {
            keys[row.int("product_id"), default: [:]][DatasetRef(namespace: row.text("namespace"), name: row.text("name"))] = row.int("id")
        }
        return try products.map { row throws(StoreError) in
            let descriptor = try DescriptorCoding.decode(row.text("descriptor"))
            let all = keys[row.int("id")] ?? [:]
            // Only datasets the current descriptor declares accept observations.
            let current = Set(descriptor.datasets.map(\.ref))
            return CatalogEntry(productKey: row.int("id"), descriptor: descriptor,
                                datasetKeys: all.filter { current.contains($0.key) })
        }
    }
}

import StewardCore

/// A small, realistic mesh for `steward serve --demo`: three domains, twelve products, PII columns,
/// consumers and SLOs. Some products are set up to go stale or fail checks, so the overview shows
/// what trouble looks like.
enum DemoMesh {
    struct Product {
        var descriptor: ProductDescriptor
        /// How far behind its data runs (seconds); beyond the SLO means stale.
        var lag: Double
        /// Checks with the status they keep reporting.
        var checks: [(String, Observation.QualityStatus)]
    }

    static func product(_ domain: String, _ name: String, _ title: String, tier: ProductDescriptor.Tier,
                        classification: ProductDescriptor.Classification, db: String,
                        columns: [(String, String, [String])], slo: String?, retention: String?,
                        consumers: [String], lag: Double, checks: [(String, Observation.QualityStatus)]) -> Product {
        let d = ProductDescriptor(
            domain: DomainName(trusted: domain), name: name, title: title,
            description: "\(title), owned by the \(domain) team.",
            owner: "team-\(domain)", oncall: "\(domain)-oncall", tier: tier, classification: classification,
            datasets: [.init(namespace: db, name: "public.\(name.replacingOccurrences(of: "-", with: "_"))",
                             columns: columns.map { .init(name: $0.0, type: $0.1, tags: $0.2.isEmpty ? nil : $0.2) })],
            slo: .init(maxStaleness: slo.flatMap { try? ISODuration($0) }, minQualityPassRate: tier == .gold ? 0.99 : 0.95),
            retention: retention.flatMap { try? ISODuration($0) }, consumers: consumers)
        return Product(descriptor: d, lag: lag, checks: checks)
    }

    static let payments = "postgres://payments-db:5432/payments"
    static let logistics = "postgres://logistics-db:5432/logistics"
    static let marketing = "snowflake://acme.eu-west-1/marketing"

    static let products: [Product] = [
        product("payments", "orders", "Orders", tier: .gold, classification: .confidential, db: payments,
                columns: [("id", "bigint", []), ("customer_email", "text", ["pii:email"]), ("amount", "numeric", []), ("created_at", "timestamptz", [])],
                slo: "PT1H", retention: "P365D", consumers: ["analytics", "finance"], lag: 120,
                checks: [("id_not_null", .pass), ("amount_positive", .pass)]),
        product("payments", "refunds", "Refunds", tier: .silver, classification: .confidential, db: payments,
                columns: [("id", "bigint", []), ("order_id", "bigint", []), ("amount", "numeric", [])],
                slo: "PT6H", retention: "P365D", consumers: ["finance"], lag: 900,
                checks: [("amount_positive", .fail), ("order_exists", .pass)]),
        product("payments", "payouts", "Merchant payouts", tier: .gold, classification: .restricted, db: payments,
                columns: [("id", "bigint", []), ("iban", "text", ["pii:iban"]), ("amount", "numeric", [])],
                slo: "PT30M", retention: "P2555D", consumers: ["finance", "treasury"], lag: 3 * 3600,
                checks: [("iban_valid", .pass)]),
        product("payments", "card-transactions", "Card transactions", tier: .gold, classification: .restricted, db: payments,
                columns: [("id", "bigint", []), ("card_last4", "text", []), ("cardholder_name", "text", ["pii:name"])],
                slo: "PT15M", retention: "P400D", consumers: ["fraud", "analytics"], lag: 60,
                checks: [("no_duplicates", .pass), ("settled_within_3d", .warn)]),
        product("logistics", "shipments", "Shipments", tier: .gold, classification: .confidential, db: logistics,
                columns: [("id", "bigint", []), ("recipient_address", "text", ["pii:address"]), ("status", "text", [])],
                slo: "PT1H", retention: "P730D", consumers: ["analytics", "customer-care"], lag: 3 * 3600 + 600,
                checks: [("status_known", .pass)]),
        product("logistics", "warehouses", "Warehouses", tier: .bronze, classification: .internal, db: logistics,
                columns: [("id", "int", []), ("city", "text", []), ("capacity", "int", [])],
                slo: "P1D", retention: nil, consumers: ["analytics"], lag: 4 * 3600, checks: [("capacity_positive", .pass)]),
        product("logistics", "carriers", "Carriers", tier: .silver, classification: .internal, db: logistics,
                columns: [("id", "int", []), ("name", "text", []), ("contact_phone", "text", ["pii:phone"])],
                slo: "PT12H", retention: "P365D", consumers: ["analytics"], lag: 1800, checks: [("phone_format", .pass)]),
        product("logistics", "delivery-events", "Delivery events", tier: .silver, classification: .internal, db: logistics,
                columns: [("shipment_id", "bigint", []), ("event", "text", []), ("at", "timestamptz", [])],
                slo: "PT15M", retention: "P90D", consumers: ["analytics", "customer-care"], lag: 90,
                checks: [("event_known", .pass), ("monotonic_time", .error)]),
        product("marketing", "campaigns", "Campaigns", tier: .bronze, classification: .internal, db: marketing,
                columns: [("id", "int", []), ("name", "text", []), ("budget", "numeric", [])],
                slo: "P1D", retention: nil, consumers: ["analytics"], lag: 7200, checks: [("budget_set", .pass)]),
        product("marketing", "customer-segments", "Customer segments", tier: .silver, classification: .confidential, db: marketing,
                columns: [("customer_id", "bigint", []), ("email", "text", ["pii:email"]), ("segment", "text", [])],
                slo: "PT6H", retention: "P180D", consumers: ["analytics", "crm"], lag: 3600, checks: [("segment_known", .pass)]),
        product("marketing", "email-events", "Email events", tier: .silver, classification: .confidential, db: marketing,
                columns: [("message_id", "text", []), ("recipient", "text", ["pii:email"]), ("event", "text", [])],
                slo: "PT1H", retention: "P90D", consumers: ["analytics"], lag: 600,
                checks: [("recipient_valid", .warn), ("bounce_rate_below_5pct", .fail)]),
        product("marketing", "web-sessions", "Web sessions", tier: .bronze, classification: .internal, db: marketing,
                columns: [("session_id", "text", []), ("ip_address", "text", ["pii:ip"]), ("page_views", "int", [])],
                slo: "PT2H", retention: "P30D", consumers: ["analytics", "growth"], lag: 300, checks: [("sessions_not_empty", .pass)]),
    ]

    static var domains: [String] { Array(Set(products.map(\.descriptor.domain.rawValue))).sorted() }
}

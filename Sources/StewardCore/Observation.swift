/// One thing a domain agent observed about a dataset (or, for a heartbeat, about itself).
public struct Observation: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case freshness, volume, quality, usage, grants, schema, retention, heartbeat

        /// Stable small integer stored in the database. Never renumber.
        public var code: Int {
            switch self {
            case .freshness: 1
            case .volume: 2
            case .quality: 3
            case .usage: 4
            case .grants: 5
            case .schema: 6
            case .retention: 7
            case .heartbeat: 8
            }
        }

        public init?(code: Int) {
            guard let kind = Kind.allCases.first(where: { $0.code == code }) else { return nil }
            self = kind
        }
    }

    public enum QualityStatus: String, Sendable, Codable, CaseIterable { case pass, warn, fail, error }

    public struct Grant: Sendable, Equatable, Codable {
        public var grantee: String
        public var privileges: [String]
        public init(grantee: String, privileges: [String]) { self.grantee = grantee; self.privileges = privileges }
    }

    public struct PIIFinding: Sendable, Equatable, Codable {
        public var detector: String
        public var matchRatio: Double
        public init(detector: String, matchRatio: Double) { self.detector = detector; self.matchRatio = matchRatio }
    }

    public struct ObservedColumn: Sendable, Equatable, Codable {
        public var name: String
        public var type: String
        public var pii: [PIIFinding]?
        public init(name: String, type: String, pii: [PIIFinding]? = nil) { self.name = name; self.type = type; self.pii = pii }
    }

    public enum Detail: Sendable, Equatable {
        case freshness(lastUpdatedAt: Timestamp)
        case volume(rowCount: Int64)
        case quality(check: String, status: QualityStatus, value: Double?, threshold: Double?, message: String?)
        case usage(consumer: String, reads: Int64, rowsRead: Int64?, windowStart: Timestamp?, windowEnd: Timestamp?)
        case grants([Grant])
        case schema([ObservedColumn])
        case retention(oldestRecordAt: Timestamp)
        case heartbeat
    }

    public var product: ProductID?
    public var dataset: DatasetRef?
    public var observedAt: Timestamp
    public var detail: Detail

    public init(product: ProductID?, dataset: DatasetRef?, observedAt: Timestamp, detail: Detail) {
        self.product = product; self.dataset = dataset; self.observedAt = observedAt; self.detail = detail
    }

    public var kind: Kind {
        switch detail {
        case .freshness: .freshness
        case .volume: .volume
        case .quality: .quality
        case .usage: .usage
        case .grants: .grants
        case .schema: .schema
        case .retention: .retention
        case .heartbeat: .heartbeat
        }
    }

    /// What distinguishes two observations of the same kind on the same dataset that are both
    /// "latest": each quality check and each consumer keeps its own latest value.
    public var subject: String {
        switch detail {
        case .quality(let check, _, _, _, _): check
        case .usage(let consumer, _, _, _, _): consumer
        default: ""
        }
    }

    /// The kind's main figure, stored in its own column so later features can query it in SQL.
    public var value: Double? {
        switch detail {
        case .freshness(let t): Double(t.microseconds) / 1_000_000
        case .volume(let n): Double(n)
        case .quality(_, _, let v, _, _): v
        case .usage(_, let reads, _, _, _): Double(reads)
        case .retention(let t): Double(t.microseconds) / 1_000_000
        case .grants, .schema, .heartbeat: nil
        }
    }

    public var status: String? {
        if case .quality(_, let status, _, _, _) = detail { return status.rawValue }
        return nil
    }

    /// The kind-specific fields as a JSON object, exactly as the API spells them.
    public var payloadJSON: String {
        var w = JSONWriter()
        w.beginObject()
        switch detail {
        case .freshness(let t): w.field("lastUpdatedAt", t)
        case .volume(let n): w.field("rowCount", n)
        case .quality(let check, let status, let value, let threshold, let message):
            w.field("check", check)
            w.field("status", status.rawValue)
            if let value { w.field("value", value) }
            if let threshold { w.field("threshold", threshold) }
            if let message { w.field("message", message) }
        case .usage(let consumer, let reads, let rowsRead, let start, let end):
            w.field("consumer", consumer)
            w.field("reads", reads)
            if let rowsRead { w.field("rowsRead", rowsRead) }
            if let start { w.field("windowStart", start) }
            if let end { w.field("windowEnd", end) }
        case .grants(let grants):
            w.key("grants")
            w.beginArray()
            for g in grants {
                w.beginObject()
                w.field("grantee", g.grantee)
                w.field("privileges", g.privileges)
                w.endObject()
            }
            w.endArray()
        case .schema(let columns):
            w.key("columns")
            w.beginArray()
            for c in columns {
                w.beginObject()
                w.field("name", c.name)
                w.field("type", c.type)
                if let pii = c.pii {
                    w.key("pii")
                    w.beginArray()
                    for p in pii {
                        w.beginObject()
                        w.field("detector", p.detector)
                        w.field("matchRatio", p.matchRatio)
                        w.endObject()
                    }
                    w.endArray()
                }
                w.endObject()
            }
            w.endArray()
        case .retention(let t): w.field("oldestRecordAt", t)
        case .heartbeat: break
        }
        w.endObject()
        return w.output
    }
}

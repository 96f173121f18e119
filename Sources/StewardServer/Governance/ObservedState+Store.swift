import Foundation
import StewardCore
import StewardPolicy
import StewardStore

extension ObservedState {
    /// Summarises a product's latest observations (one per kind, dataset and subject).
    init(latest: [StoredObservation]) {
        self.init()
        for o in latest {
            let dataset = o.dataset?.name ?? ""
            switch o.kind {
            case .freshness:
                if let t = o.payloadTimestamp("lastUpdatedAt") { freshness(t) }
            case .retention:
                if let t = o.payloadTimestamp("oldestRecordAt") { retention(t) }
            case .volume:
                if let n = o.value { volume(Self.count(n)) }
            case .quality:
                quality(dataset: dataset, check: o.subject, status: o.status ?? "")
            case .usage:
                // A usage window's end is when the consumer last read; without one, when it was observed.
                let end = o.payloadTimestamp("windowEnd") ?? o.observedAt
                usage(dataset: dataset, consumer: o.subject, reads: Self.count(o.value ?? 0), lastReadAt: end)
            case .grants:
                for g in o.payloadObject["grants"] as? [[String: Any]] ?? [] {
                    grant(dataset: dataset, grantee: g["grantee"] as? String ?? "", privileges: g["privileges"] as? [String] ?? [])
                }
            case .schema:
                for c in o.payloadObject["columns"] as? [[String: Any]] ?? [] {
                    for p in c["pii"] as? [[String: Any]] ?? [] {
                        pii(dataset: dataset, column: c["name"] as? String ?? "", detector: p["detector"] as? String ?? "",
                            matchRatio: (p["matchRatio"] as? NSNumber)?.doubleValue ?? 0)
                    }
                }
            case .heartbeat:
                break
            }
        }
    }
}

extension ObservedState {
    /// A stored count (kept as a double) as an Int64. An agent may send rowCount
    /// 9223372036854775807, which reads back as 2^63: that, and anything beyond, saturates
    /// instead of trapping.
    static func count(_ value: Double) -> Int64 {
        guard value.isFinite else { return 0 }
        if value >= 9.223372036854775808e18 { return .max }
        if value < -9.223372036854775808e18 { return .min }
        return Int64(value)
    }
}

extension StoredObservation {
    /// The payload as written by `Observation.payloadJSON` (always an object).
    var payloadObject: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any] ?? [:]
    }

    func payloadTimestamp(_ field: String) -> Timestamp? {
        (payloadObject[field] as? String).flatMap { try? Timestamp(rfc3339: $0) }
    }
}

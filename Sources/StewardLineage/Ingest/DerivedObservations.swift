import StewardCore

/// What an event tells about registered products, as ordinary observations, so policies, the
/// report and alerts see lineage-fed facts exactly like agent-pushed ones.
///
/// - a COMPLETE run refreshes its outputs (freshness = event time);
/// - `outputStatistics.rowCount` (else `dataQualityMetrics.rowCount`) is volume;
/// - each `dataQualityAssertions` assertion is a quality result (`assertion` or `assertion:column`);
/// - `dataQualityMetrics.columnMetrics.*.nullCount` is a quality result `nullCount:column`, warn when above 0
///   (a metric has no threshold, so nulls are a warning, never a failure);
///
/// Schema facets are not observations: they are kept as schema versions (see `EventRows`), which the
/// policy input compares with declared columns (schema drift), leaving agents' PII scans in place.
public enum DerivedObservations {
    /// Observations per product, only for products of `domain` (all products for admin writers).
    public static func of(_ e: LineageEvent, ownership: Ownership, writer domain: DomainName?) -> [Observation] {
        var out: [Observation] = []
        let at = e.eventTime
        for (d, isOutput) in e.inputs.map({ ($0, false) }) + e.outputs.map({ ($0, true) }) {
            guard let product = ownership.product(of: d.ref), domain == nil || product.domain == domain else { continue }
            func add(_ detail: Observation.Detail) {
                out.append(Observation(product: product, dataset: d.ref, observedAt: at, detail: detail))
            }
            if isOutput && e.eventType == "COMPLETE" { add(.freshness(lastUpdatedAt: at)) }
            if let n = d.rowCount, isOutput || e.kind != .run { add(.volume(rowCount: n)) }
            for a in d.assertions {
                add(.quality(check: a.column.map { "\(a.assertion):\($0)" } ?? a.assertion, status: a.success ? .pass : .fail,
                             value: nil, threshold: nil, message: nil))
            }
            for (column, n) in d.nullCounts {
                add(.quality(check: "nullCount:\(column)", status: n > 0 ? .warn : .pass, value: Double(n), threshold: 0,
                             message: n > 0 ? "\(n) null values in \(column)" : nil))
            }
        }
        return out
    }
}

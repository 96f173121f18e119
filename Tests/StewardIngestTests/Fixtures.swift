import Foundation

enum Fixture {
    static let orders = #"{"namespace": "postgres://payments-db:5432/payments", "name": "public.orders"}"#

    /// The issue's example batch: one observation of every kind.
    static let everyKind = """
    {"batchId": "b-1", "domain": "payments", "agent": {"id": "payments-agent-1", "version": "1.0.0"},
     "observations": [
      {"kind": "freshness", "product": "payments/orders", "dataset": \(orders), "observedAt": "2026-11-21T10:00:00Z", "lastUpdatedAt": "2026-11-21T09:58:00Z"},
      {"kind": "volume", "product": "payments/orders", "dataset": \(orders), "observedAt": "2026-11-21T10:00:00Z", "rowCount": 123456},
      {"kind": "quality", "product": "payments/orders", "dataset": \(orders), "observedAt": "2026-11-21T10:00:00Z", "check": "id_not_null", "status": "fail", "value": 3, "threshold": 0, "message": "3 null ids"},
      {"kind": "usage", "product": "payments/orders", "dataset": \(orders), "observedAt": "2026-11-21T10:00:00Z", "consumer": "analytics", "reads": 42, "rowsRead": 100000, "windowStart": "2026-11-21T09:00:00Z", "windowEnd": "2026-11-21T10:00:00Z"},
      {"kind": "grants", "product": "payments/orders", "dataset": \(orders), "observedAt": "2026-11-21T10:00:00Z", "grants": [{"grantee": "PUBLIC", "privileges": ["SELECT"]}]},
      {"kind": "schema", "product": "payments/orders", "dataset": \(orders), "observedAt": "2026-11-21T10:00:00Z", "columns": [{"name": "email", "type": "text", "pii": [{"detector": "email", "matchRatio": 0.97}]}]},
      {"kind": "retention", "product": "payments/orders", "dataset": \(orders), "observedAt": "2026-11-21T10:00:00Z", "oldestRecordAt": "2025-01-01T00:00:00Z"},
      {"kind": "heartbeat", "observedAt": "2026-11-21T10:00:00Z"}
     ]}
    """

    static let descriptor = """
    {"domain": "payments", "name": "orders", "title": "Orders", "description": "All orders",
     "owner": "team-payments", "oncall": "payments-oncall", "tier": "gold", "classification": "confidential",
     "datasets": [{"namespace": "postgres://payments-db:5432/payments", "name": "public.orders",
                   "columns": [{"name": "id", "type": "bigint"}, {"name": "email", "type": "text", "tags": ["pii:email"]}]}],
     "slo": {"maxStaleness": "PT1H", "minQualityPassRate": 0.99}, "retention": "P365D", "consumers": ["analytics", "finance"]}
    """
}

import StewardCore

/// Answer to `POST /api/v1/observations`.
public struct BatchAccepted: Codable, Sendable, Equatable {
    public var batchId: String
    /// Observations stored by this request (0 for a duplicate).
    public var stored: Int
    public var duplicate: Bool

    public init(batchId: String, stored: Int, duplicate: Bool) {
        self.batchId = batchId; self.stored = stored; self.duplicate = duplicate
    }
}

/// Answer to `PUT /api/v1/products/{domain}/{name}`.
public struct ProductRegistered: Codable, Sendable, Equatable {
    public var product: String
    public var version: Int
    public var registeredAt: Timestamp
    /// False when the descriptor is identical to the current version (no new version kept).
    public var changed: Bool

    public init(product: String, version: Int, registeredAt: Timestamp, changed: Bool) {
        self.product = product; self.version = version; self.registeredAt = registeredAt; self.changed = changed
    }
}

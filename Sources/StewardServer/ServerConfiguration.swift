import Logging

/// Everything `steward serve` can be told. Flags map one to one (see `steward serve --help`).
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// SQLite database, admin token file. Used unless `postgresURL` is set.
    public var dataDirectory = "./steward-data"
    public var postgresURL: String?
    public var demo = false
    /// Serve the HTML overview without a token (always on with `demo`).
    public var publicOverview = false
    /// The council's policy files (see policies/README.md); policies submitted through the API come on top.
    public var policyDirectory: String? = "policies"
    /// How often every product is re-evaluated (time-based rules, waiver expiry, other replicas' changes).
    public var evaluationInterval: Duration = .seconds(60)
    public var maxBodyBytes = 16 * 1024 * 1024
    /// One OpenLineage event above this is refused (a batch is bounded by `maxBodyBytes`).
    public var maxLineageEventBytes = 1024 * 1024
    /// Also check input-dataset facets against their schemas (upstream checks them only when asked).
    public var strictInputFacets = false
    public var logLevel: Logger.Level = .info

    public init() {}
}

/// Paths and media types shared by the server, the agent and the benchmark, so they cannot drift.
public enum Routes {
    public static let observations = "/api/v1/observations"
    public static let products = "/api/v1/products"
    public static func product(_ domain: String, _ name: String) -> String { "\(products)/\(domain)/\(name)" }
}

public enum MediaType {
    public static let json = "application/json"
    public static let yaml = "application/yaml"
    public static let protobuf = "application/x-protobuf"
}

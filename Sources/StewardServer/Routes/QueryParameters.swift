import Hummingbird
import StewardCore

/// Typed access to path and query parameters; a bad value is a 400 naming the parameter.
extension StewardContext {
    func productID() throws -> ProductID {
        let domain = parameters.get("domain") ?? ""
        let name = parameters.get("name") ?? ""
        do { return try ProductID(domain: DomainName(domain), name: name) } catch {
            throw ServerError.invalidParameter(field: "path", message: "must name a product as /{domain}/{name}: \(error.description)")
        }
    }
}

extension Request {
    func query(_ name: String) -> String? {
        guard let value = uri.queryParameters.get(name), !value.isEmpty else { return nil }
        return value
    }

    func timestamp(_ name: String) throws -> Timestamp? {
        guard let text = query(name) else { return nil }
        do { return try Timestamp(rfc3339: text) } catch {
            throw ServerError.invalidParameter(field: name, message: "must be an RFC 3339 timestamp such as 2026-11-21T10:00:00Z")
        }
    }

    func domain(_ name: String) throws -> DomainName? {
        guard let text = query(name) else { return nil }
        do { return try DomainName(text) } catch {
            throw ServerError.invalidParameter(field: name, message: error.description)
        }
    }
}

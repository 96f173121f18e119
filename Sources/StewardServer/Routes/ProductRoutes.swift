import Foundation
import Hummingbird
import StewardAPI
import StewardCore
import StewardIngest
import StewardStore

/// Registering, listing and reading data products.
struct ProductRoutes {
    let ingestor: Ingestor
    let governance: Governance
    let maxBodyBytes: Int

    func add(to api: RouterGroup<StewardContext>) {
        api.get("products", use: list)
        api.put("products/:domain/:name", use: register)
        api.get("products/:domain/:name", use: show)
    }

    @Sendable func register(_ request: Request, context: StewardContext) async throws -> Response {
        let id = try context.productID()
        try context.caller().requireWrite(id.domain)
        let body = Data(buffer: try await request.collectBody(limit: maxBodyBytes), byteTransferStrategy: .noCopy)
        let format: DescriptorDecoder.Format
        switch request.mediaType {
        case MediaType.json: format = .json
        case MediaType.yaml, "application/x-yaml", "text/yaml", "text/x-yaml": format = .yaml
        case let other: throw IngestError.unsupportedMediaType(other)
        }
        let descriptor = try DescriptorDecoder.decode(body, format: format, expected: id)
        let version = try await ingestor.register(descriptor, at: .now)
        if version.changed { governance.changed([id]) }
        let answer = ProductRegistered(product: id.description, version: version.version,
                                       registeredAt: version.registeredAt, changed: version.changed)
        return try JSONResponse.make(answer, status: version.changed ? .created : .ok)
    }

    @Sendable func list(_ request: Request, context: StewardContext) async throws -> Response {
        let caller = try context.caller()
        var domain = try request.domain("domain")
        if let domain { try caller.requireRead(domain) }
        // An agent token sees its own domain only; listing "everything" means its domain.
        if caller.role == .agent { domain = caller.domain }
        let products = try await ingestor.store.products(domain: domain)
        var w = JSONWriter(capacity: 512 * products.count)
        w.beginObject()
        w.key("products")
        w.beginArray()
        for p in products {
            w.beginObject()
            ObservationJSON.writeVersion(p, to: &w)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return JSONResponse.raw(w)
    }

    @Sendable func show(_ request: Request, context: StewardContext) async throws -> Response {
        let id = try context.productID()
        try context.caller().requireRead(id.domain)
        let asOf = try request.timestamp("asOf")
        guard let page = try await ingestor.store.productPage(id, asOf: asOf) else {
            throw ServerError.notFound(asOf == nil ? "Product \(id)" : "Product \(id) as of \(asOf!)")
        }
        let (version, latest) = (page.version, page.latest)
        var w = JSONWriter(capacity: 2048)
        w.beginObject()
        ObservationJSON.writeVersion(version, to: &w)
        w.key("datasets")
        w.beginArray()
        for dataset in version.descriptor.datasets {
            w.beginObject()
            w.field("namespace", dataset.namespace)
            w.field("name", dataset.name)
            w.key("latest")
            w.beginArray()
            for o in latest where o.dataset == dataset.ref { ObservationJSON.write(o, to: &w, includeProduct: false) }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return JSONResponse.raw(w)
    }
}

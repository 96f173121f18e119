import Foundation
import Hummingbird
import StewardAPI
import StewardCore
import StewardIngest
import StewardStore

/// `POST /api/v1/observations` and the history of one product.
struct ObservationRoutes {
    let ingestor: Ingestor
    let governance: Governance
    let maxBodyBytes: Int

    func add(to api: RouterGroup<StewardContext>) {
        api.post("observations", use: post)
        api.get("products/:domain/:name/observations", use: history)
    }

    @Sendable func post(_ request: Request, context: StewardContext) async throws -> Response {
        let caller = try context.caller()
        let body = Data(buffer: try await request.collectBody(limit: maxBodyBytes), byteTransferStrategy: .noCopy)
        let batch: ObservationBatch
        switch request.mediaType {
        case MediaType.json: batch = try JSONBatchDecoder.decode(body)
        case MediaType.protobuf, "application/protobuf", "application/vnd.google.protobuf": batch = try ProtoBatchDecoder.decode(body)
        case let other: throw IngestError.unsupportedMediaType(other)
        }
        try caller.requireWrite(batch.domain)
        let result = try await ingestor.ingest(batch, receivedAt: .now)
        if case .stored = result { governance.changed(Self.products(of: batch)) }
        let answer = switch result {
        case .stored(let n): BatchAccepted(batchId: batch.batchId, stored: n, duplicate: false)
        case .duplicate: BatchAccepted(batchId: batch.batchId, stored: 0, duplicate: true)
        }
        return try JSONResponse.make(answer)
    }

    /// The products a batch touched. Batches hold runs of one product, so comparing with the
    /// previous one first skips most hashing on this hot path.
    static func products(of batch: ObservationBatch) -> Set<ProductID> {
        var ids = Set<ProductID>()
        var last: ProductID?
        for o in batch.observations {
            guard let p = o.product, p != last else { continue }
            ids.insert(p)
            last = p
        }
        return ids
    }

    @Sendable func history(_ request: Request, context: StewardContext) async throws -> Response {
        let id = try context.productID()
        try context.caller().requireRead(id.domain)
        var kind: Observation.Kind?
        if let k = request.query("kind") {
            guard let parsed = Observation.Kind(rawValue: k) else {
                throw ServerError.invalidParameter(field: "kind", message: "must be one of " + Observation.Kind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            kind = parsed
        }
        var limit = 100
        if let l = request.query("limit") {
            guard let n = Int(l), (1...1000).contains(n) else {
                throw ServerError.invalidParameter(field: "limit", message: "must be an integer from 1 to 1000")
            }
            limit = n
        }
        var cursor: HistoryCursor?
        if let c = request.query("cursor") {
            guard let parsed = HistoryCursor(token: c) else {
                throw ServerError.invalidParameter(field: "cursor", message: "must be a nextCursor value from a previous page")
            }
            cursor = parsed
        }
        guard try await ingestor.store.product(id, asOf: nil) != nil else { throw ServerError.notFound("Product \(id)") }
        let page = try await ingestor.store.history(HistoryQuery(
            product: id, kind: kind, since: try request.timestamp("since"), until: try request.timestamp("until"),
            limit: limit, cursor: cursor))
        var w = JSONWriter(capacity: 256 + page.items.count * 300)
        w.beginObject()
        w.key("observations")
        w.beginArray()
        for item in page.items { ObservationJSON.write(item, to: &w) }
        w.endArray()
        if let next = page.next { w.field("nextCursor", next.token) } else { w.key("nextCursor"); w.null() }
        w.endObject()
        return JSONResponse.raw(w)
    }
}

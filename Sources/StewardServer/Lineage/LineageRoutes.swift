import Foundation
import Hummingbird
import StewardCore
import StewardLineage
import StewardStore

/// OpenLineage in (`POST /lineage`, `POST /lineage/batch`, as the spec's OpenAPI describes) and the
/// graph out: lineage (Steward's and Marquez's form), column lineage, impact, runs, schema
/// versions, and namespace claims.
struct LineageRoutes {
    let ingest: LineageIngest
    let maxBodyBytes: Int
    var index: LineageIndex { ingest.index }

    func add(to api: RouterGroup<StewardContext>) {
        api.post("lineage", use: postOne)
        api.post("lineage/batch", use: postBatch)
        api.get("lineage", use: lineage)
        api.get("column-lineage", use: columnLineage)
        api.get("impact", use: impact)
        api.get("lineage/runs/:run", use: run)
        api.get("lineage/schemas", use: schemas)
        api.post("domains/:domain/namespaces", use: claim)
        api.get("namespaces", use: claims)
    }

    // MARK: Ingest

    /// Who writes: an agent for its domain, an admin for any (nil). Council tokens only read.
    private func writer(_ context: StewardContext) throws -> DomainName? {
        let caller = try context.caller()
        switch caller.role {
        case .council: throw ServerError.forbiddenRole("send lineage (council tokens are read-only)")
        case .admin: return nil
        case .agent: return caller.domain
        }
    }

    @Sendable func postOne(_ request: Request, context: StewardContext) async throws -> Response {
        let domain = try writer(context)
        let bytes = Array(buffer: try await request.collectBody(limit: maxBodyBytes))
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw LineageError.malformed(error.message) }
        if case .array = value { throw LineageError.unknownEventType("a JSON array is a batch; send it to /api/v1/lineage/batch") }
        let outcome = try await ingest.ingest([(value, String(decoding: bytes, as: UTF8.self))], writer: domain, receivedAt: .now)
        if let failure = outcome.failures.first { throw failure.error }
        var w = JSONWriter()
        w.beginObject(); w.field("status", "success"); w.field("duplicate", outcome.stored == 0); w.endObject()
        return JSONResponse.raw(w)
    }

    @Sendable func postBatch(_ request: Request, context: StewardContext) async throws -> Response {
        let domain = try writer(context)
        let bytes = Array(buffer: try await request.collectBody(limit: maxBodyBytes))
        let parsed: (isArray: Bool, elements: [(value: JSONValue, range: Range<Int>)])
        do { parsed = try JSONParser.parseElements(bytes) } catch { throw LineageError.malformed(error.message) }
        var events: [(value: JSONValue, raw: String)]
        if parsed.isArray {
            events = parsed.elements.map { ($0.value, String(decoding: bytes[$0.range], as: UTF8.self)) }
        } else if let list = parsed.elements.first?.value["events"]?.array {
            // {"events": [...]}: byte ranges of nested elements are not tracked, so each is kept re-serialised.
            events = list.map { ($0, JSONText.encode($0)) }
        } else {
            throw LineageError.unknownEventType("a batch is a JSON array of events, or {\"events\": [...]}")
        }
        let outcome = try await ingest.ingest(events, writer: domain, receivedAt: .now)
        let failed = outcome.failures.count
        if failed > 0 && failed == outcome.received {
            // Nothing was accepted: answer as an error, with every event's reason.
            let forbidden = outcome.failures.allSatisfy { if case .foreignDataset = $0.error { true } else { false } }
            throw APIFailure(status: forbidden ? .forbidden : .badRequest, code: "lineage_batch_rejected",
                             message: "None of the \(failed) events was accepted; nothing was stored. See details for each event's reason.",
                             details: outcome.failures.map { FieldProblem(index: $0.index, field: Self.field($0.error), message: $0.error.message) })
        }
        var w = JSONWriter(capacity: 256 + failed * 200)
        w.beginObject()
        w.field("status", failed == 0 ? "success" : "partial_success")
        w.key("summary")
        w.beginObject()
        w.field("received", outcome.received)
        w.field("successful", outcome.received - failed)
        w.field("failed", failed)
        w.field("retriable", outcome.failures.count { $0.error.retriable })
        w.field("non_retriable", outcome.failures.count { !$0.error.retriable })
        w.endObject()
        w.key("failed_events")
        w.beginArray()
        for f in outcome.failures {
            w.beginObject()
            w.field("index", f.index)
            w.field("reason", f.error.message)
            w.field("code", f.error.code)
            w.field("retriable", f.error.retriable)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return JSONResponse.raw(w)
    }

    private static func field(_ e: LineageError) -> String { e.details.first?.field ?? "" }

    // MARK: Graph

    /// `NAMESPACE:NAME`, where the namespace usually holds colons itself (`postgres://h:5432`):
    /// the split that names a dataset in the graph wins, else the last colon.
    private func dataset(_ text: String?, _ graph: LineageGraph, field: String) throws -> DatasetRef {
        guard let text, !text.isEmpty else { throw ServerError.invalidParameter(field: field, message: "is required, as NAMESPACE:NAME") }
        var candidates: [DatasetRef] = []
        var i = text.endIndex
        while let colon = text[..<i].lastIndex(of: ":") {
            candidates.append(DatasetRef(namespace: String(text[..<colon]), name: String(text[text.index(after: colon)...])))
            i = colon
        }
        guard let last = candidates.first else { throw ServerError.invalidParameter(field: field, message: "must be NAMESPACE:NAME") }
        guard let found = candidates.first(where: graph.contains) else { throw ServerError.notFound("Dataset \(last) in the lineage graph") }
        return found
    }

    private func depth(_ request: Request, default value: Int) throws -> Int {
        guard let text = request.query("depth") else { return value }
        guard let n = Int(text), (1...100).contains(n) else { throw ServerError.invalidParameter(field: "depth", message: "must be an integer from 1 to 100") }
        return n
    }

    @Sendable func lineage(_ request: Request, context: StewardContext) async throws -> Response {
        _ = try context.caller()
        let graph = try await index.current()
        let ownership = try await index.ownership(fresh: false)
        if let node = request.query("nodeId") {
            // Marquez: GET /api/v1/lineage?nodeId=dataset:NAMESPACE:NAME&depth=N (both directions).
            guard node.hasPrefix("dataset:") else {
                throw ServerError.invalidParameter(field: "nodeId", message: "must be dataset:NAMESPACE:NAME")
            }
            let start = try dataset(String(node.dropFirst("dataset:".count)), graph, field: "nodeId")
            let sub = graph.lineage(of: start, depth: try depth(request, default: 20), direction: .both)!
            return JSONResponse.raw(LineageJSON.marquez(sub, ownership))
        }
        let start = try dataset(request.query("dataset"), graph, field: "dataset")
        var direction = LineageDirection.both
        if let d = request.query("direction") {
            guard let parsed = LineageDirection(rawValue: d) else {
                throw ServerError.invalidParameter(field: "direction", message: "must be upstream, downstream or both")
            }
            direction = parsed
        }
        let depth = try depth(request, default: 5)
        let sub = graph.lineage(of: start, depth: depth, direction: direction)!
        return JSONResponse.raw(LineageJSON.subgraph(sub, start: start, depth: depth, direction: direction, ownership))
    }

    @Sendable func columnLineage(_ request: Request, context: StewardContext) async throws -> Response {
        _ = try context.caller()
        let graph = try await index.current()
        let start = try dataset(request.query("dataset"), graph, field: "dataset")
        guard let column = request.query("column") else { throw ServerError.invalidParameter(field: "column", message: "is required") }
        guard let sub = graph.columnLineage(of: start, column: column, depth: try depth(request, default: 20)) else {
            throw ServerError.notFound("Column \(column) of \(start) in the column lineage")
        }
        let ownership = try await index.ownership(fresh: false)
        return JSONResponse.raw(LineageJSON.columns(sub, start: ColumnRef(dataset: start, field: column), index: index, ownership))
    }

    @Sendable func impact(_ request: Request, context: StewardContext) async throws -> Response {
        _ = try context.caller()
        let graph = try await index.current()
        let start = try dataset(request.query("dataset"), graph, field: "dataset")
        let ownership = try await index.ownership(fresh: false)
        let reached = graph.downstream(of: start)!
        return JSONResponse.raw(LineageJSON.impact(start: start, reached: reached, catalog: index.catalog, ownership))
    }

    @Sendable func run(_ request: Request, context: StewardContext) async throws -> Response {
        let caller = try context.caller()
        let id = context.parameters.get("run") ?? ""
        var events = try await index.store.lineageEvents(run: id)
        // Events can carry SQL and environment facets: agents see only their own domain's.
        if caller.role == .agent { events = events.filter { $0.domain == caller.domain?.rawValue } }
        guard !events.isEmpty else { throw ServerError.notFound("Run \(id)") }
        return JSONResponse.raw(LineageJSON.run(id, events))
    }

    @Sendable func schemas(_ request: Request, context: StewardContext) async throws -> Response {
        _ = try context.caller()
        let graph = try await index.current()
        let d = try dataset(request.query("dataset"), graph, field: "dataset")
        return JSONResponse.raw(LineageJSON.schemas(d, try await index.store.schemaVersions(d)))
    }

    // MARK: Namespaces

    @Sendable func claim(_ request: Request, context: StewardContext) async throws -> Response {
        let caller = try context.caller()
        let domain: DomainName
        do { domain = try DomainName(context.parameters.get("domain") ?? "") } catch {
            throw ServerError.invalidParameter(field: "domain", message: error.description)
        }
        try caller.requireWrite(domain)
        let body = Data(buffer: try await request.collectBody(fixedLimit: 64 * 1024), byteTransferStrategy: .noCopy)
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let namespace = object["namespace"] as? String, !namespace.isEmpty, namespace.utf8.count <= 1024 else {
            throw ServerError.invalidBody([FieldProblem(field: "namespace", message: "is required: a non-empty string of at most 1024 bytes, e.g. kafka://broker:9092")])
        }
        let held = try await index.store.claimNamespace(NamespaceClaim(namespace: namespace, domain: domain, claimedBy: caller.tokenID, claimedAt: .now))
        guard held.domain == domain else {
            throw APIFailure(status: .conflict, code: "lineage_namespace_taken",
                             message: "Namespace \(namespace) already belongs to domain \(held.domain); ask the council to resolve the conflict.")
        }
        return JSONResponse.raw(LineageJSON.claims([held]))
    }

    @Sendable func claims(_ request: Request, context: StewardContext) async throws -> Response {
        _ = try context.caller()
        return JSONResponse.raw(LineageJSON.claims(try await index.store.namespaceClaims()))
    }
}

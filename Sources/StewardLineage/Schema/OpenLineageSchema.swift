import StewardCore

/// The OpenLineage 2-0-2 schemas, compiled once: the three event types and, for each place a
/// facet can appear, the schema of every standard facet by its key (`schema`, `columnLineage`,
/// `parent`, ...). Facets with other keys are custom facets: kept, checked only as base facets.
public struct OpenLineageSchema: Sendable {
    public enum FacetPlace: String, Sendable, CaseIterable {
        case run = "RunFacet", job = "JobFacet", dataset = "DatasetFacet"
        case input = "InputDatasetFacet", output = "OutputDatasetFacet"
    }

    let runEvent: JSONSchema
    let datasetEvent: JSONSchema
    let jobEvent: JSONSchema
    let facets: [FacetPlace: [String: JSONSchema]]

    /// Compiled on first use; the embedded documents are known good, so failure is a build defect.
    public static let shared: OpenLineageSchema = {
        do { return try OpenLineageSchema() } catch { fatalError("embedded OpenLineage schemas do not compile: \(error)") }
    }()

    init() throws {
        var compiler = SchemaCompiler()
        let core = compiler.add(try JSONParser.parse(Array(OpenLineageSchemas.core.utf8)))
        runEvent = try compiler.schema(core, "#/$defs/RunEvent")
        datasetEvent = try compiler.schema(core, "#/$defs/DatasetEvent")
        jobEvent = try compiler.schema(core, "#/$defs/JobEvent")
        // OpenLineage 1.x producers send no schemaURL; the issue asks that they be accepted.
        try compiler.schema(core, "#/$defs/BaseEvent").required.removeAll { $0 == "schemaURL" }

        var facets: [FacetPlace: [String: JSONSchema]] = [:]
        for text in OpenLineageSchemas.facets {
            let document = try JSONParser.parse(Array(text.utf8))
            let id = compiler.add(document)
            for (key, property) in document["properties"]?.members ?? [] {
                let refs = ([property["$ref"]] + (property["anyOf"]?.array ?? []).map { $0["$ref"] }).compactMap { $0?.string }
                for ref in refs {
                    let (doc, pointer) = SchemaCompiler.split(ref, base: id)
                    // A facet that extends no base facet (the abstract `subset`) describes a dataset.
                    let place = Self.place(of: compiler.document(doc), pointer) ?? .dataset
                    facets[place, default: [:]][key] = try compiler.schema(doc, pointer)
                }
            }
        }
        self.facets = facets
    }

    /// Which base facet a facet definition extends (its `allOf` names the core definition).
    private static func place(of document: JSONValue?, _ pointer: String) -> FacetPlace? {
        var def = document
        for part in pointer.dropFirst().split(separator: "/") { def = def?[String(part)] }
        for part in def?["allOf"]?.array ?? [] {
            guard let ref = part["$ref"]?.string, let name = ref.split(separator: "/").last else { continue }
            if let place = FacetPlace(rawValue: String(name)) { return place }
        }
        return nil
    }
}

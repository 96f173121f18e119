import Foundation
import StewardCore
import Yams

/// Decodes and validates a product descriptor from JSON or YAML, listing every problem.
public enum DescriptorDecoder {
    public enum Format: Sendable { case json, yaml }

    /// - Parameter expected: the product named by the URL; the body must agree with it.
    public static func decode(_ bytes: Data, format: Format, expected: ProductID) throws(IngestError) -> ProductDescriptor {
        let parsed: Parsed
        do {
            switch format {
            case .json:
                parsed = try JSONDecoder().decode(Parsed.self, from: bytes)
            case .yaml:
                guard let text = String(data: bytes, encoding: .utf8) else { throw IngestError.malformedBody("YAML must be UTF-8") }
                parsed = try YAMLDecoder().decode(Parsed.self, from: text)
            }
        } catch let error as IngestError {
            throw error
        } catch let error as DecodingError {
            throw .malformedBody(JSONBatchDecoder.describe(error))
        } catch {
            throw .malformedBody(format == .json ? "not valid JSON" : "not valid YAML")
        }
        var problems = parsed.problems
        if let d = parsed.descriptor {
            if d.domain != expected.domain {
                problems.append(FieldProblem(field: "domain", message: "is \(d.domain) but the URL names domain \(expected.domain)"))
            }
            if d.name != expected.name {
                problems.append(FieldProblem(field: "name", message: "is \(d.name) but the URL names product \(expected.name)"))
            }
        }
        guard problems.isEmpty, let descriptor = parsed.descriptor else { throw .invalidDescriptor(problems) }
        return descriptor
    }

    private struct Parsed: Decodable {
        var descriptor: ProductDescriptor?
        var problems: [FieldProblem]

        init(from decoder: any Decoder) throws {
            var r = try FieldReader(decoder, index: nil, prefix: "")
            r.rejectUnknown(["domain", "name", "title", "description", "owner", "oncall", "tier", "classification",
                             "datasets", "slo", "retention", "consumers"])
            var domain: DomainName?
            if let text = r.string("domain", maxLength: 63) {
                do { domain = try DomainName(text) } catch { r.problem("domain", error.description) }
            }
            var name: String?
            if let text = r.string("name", maxLength: 63) {
                if let problem = NameRule.problem(text) { r.problem("name", problem) } else { name = text }
            }
            let title = r.string("title", required: false, maxLength: 256)
            let description = r.string("description", required: false, maxLength: 8192)
            let owner = r.string("owner", maxLength: 256)
            let oncall = r.string("oncall", required: false, maxLength: 256)
            let tier = r.enumValue(ProductDescriptor.Tier.self, "tier")
            let classification = r.enumValue(ProductDescriptor.Classification.self, "classification")
            var seen = Set<DatasetRef>()
            let datasets = r.objects("datasets") { d -> ProductDescriptor.Dataset? in
                d.rejectUnknown(["namespace", "name", "columns"])
                let ns = d.string("namespace")
                let dsName = d.string("name")
                var columnNames = Set<String>()
                let columns = d.objects("columns", required: false) { c -> ProductDescriptor.Column? in
                    c.rejectUnknown(["name", "type", "tags"])
                    let cn = c.string("name", maxLength: 256)
                    let ct = c.string("type", maxLength: 256)
                    let tags = c.stringArray("tags", required: false)
                    if let cn, !columnNames.insert(cn).inserted { c.problem("name", "duplicates column \(cn)") }
                    guard let cn, let ct else { return nil }
                    return ProductDescriptor.Column(name: cn, type: ct, tags: tags)
                }
                guard let ns, let dsName else { return nil }
                let ref = DatasetRef(namespace: ns, name: dsName)
                if !seen.insert(ref).inserted { d.problem("name", "duplicates dataset \(ref)") }
                return ProductDescriptor.Dataset(namespace: ns, name: dsName, columns: columns)
            }
            if let datasets, datasets.isEmpty { r.problem("datasets", "must list at least one dataset") }
            let slo = r.object("slo", required: false) { s -> ProductDescriptor.SLO? in
                s.rejectUnknown(["maxStaleness", "minQualityPassRate"])
                let staleness = s.duration("maxStaleness")
                let rate = s.double("minQualityPassRate", required: false, range: 0...1)
                return ProductDescriptor.SLO(maxStaleness: staleness, minQualityPassRate: rate)
            }
            let retention = r.duration("retention")
            let consumers = r.stringArray("consumers", required: false)
            problems = r.problems
            if problems.isEmpty, let domain, let name, let owner, let tier, let classification, let datasets {
                descriptor = ProductDescriptor(domain: domain, name: name, title: title, description: description,
                                               owner: owner, oncall: oncall, tier: tier, classification: classification,
                                               datasets: datasets, slo: slo, retention: retention, consumers: consumers)
            }
        }
    }
}

import Foundation
import StewardCore
import StewardYAML
import Yams

/// Decodes and validates a product descriptor from JSON or YAML, listing every problem.
public enum DescriptorDecoder {
    public enum Format: Sendable { case json, yaml }

    /// - Parameter expected: the product named by the URL; the body must agree with it.
    public static func decode(_ bytes: Data, format: Format, expected: ProductID) throws(IngestError) -> ProductDescriptor {
        let document: JSONValue
        switch format {
        case .json:
            document = try JSONBatchDecoder.parse(bytes)
        case .yaml:
            guard let text = String(data: bytes, encoding: .utf8) else { throw .malformedBody("YAML must be UTF-8") }
            do {
                guard let node = try YAMLDocument.compose(text) else { throw IngestError.malformedBody("the YAML document is empty") }
                document = try value(of: node, depth: 0)
            } catch let error as IngestError {
                throw error
            } catch let error as YAMLError {
                throw .malformedBody(error.description)
            } catch {
                throw .malformedBody("not valid YAML (\(error))")
            }
        }
        guard let members = document.members else {
            throw .malformedBody("expected a product descriptor object, not \(document.typeName)")
        }
        let parsed = Parsed(members)
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

    /// A YAML node as the JSON value it reads as: plain scalars take the type YAML 1.2's core
    /// schema resolves (`42` an integer, `true` a boolean), quoted ones stay strings.
    static func value(of node: Node, depth: Int) throws(IngestError) -> JSONValue {
        guard depth < JSONParser.maxDepth else { throw .malformedBody("YAML nested deeper than \(JSONParser.maxDepth) levels") }
        switch node {
        case .scalar(let scalar):
            switch node.tag.rawValue {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return node.bool.map { .bool($0) } ?? .string(scalar.string)
            case Tag.Name.int.rawValue: return node.int.map { .int(Int64($0)) } ?? .string(scalar.string)
            case Tag.Name.float.rawValue: return node.float.map { .double($0) } ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for item in sequence { items.append(try value(of: item, depth: depth + 1)) }
            return .array(items)
        case .mapping(let mapping):
            var members: [(key: String, value: JSONValue)] = []
            for (key, item) in mapping {
                guard let name = key.string else { throw .malformedBody("YAML mapping keys must be strings") }
                members.append((name, try value(of: item, depth: depth + 1)))
            }
            return .object(members)
        case .alias:
            throw .malformedBody("YAML aliases are not supported in descriptors")
        }
    }

    private struct Parsed {
        var descriptor: ProductDescriptor?
        var problems: [FieldProblem]

        init(_ members: [(key: String, value: JSONValue)]) {
            var r = FieldReader(members, index: nil, prefix: "")
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

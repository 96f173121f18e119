import StewardCore
import StewardIngest
import StewardLineage
import StewardPolicy
import StewardStore

/// Response bodies of the lineage routes, written directly (graphs can hold thousands of nodes).
enum LineageJSON {
    static func datasetFields(_ d: DatasetRef, _ ownership: Ownership, to w: inout JSONWriter) {
        w.field("namespace", d.namespace)
        w.field("name", d.name)
        let (product, owner) = ownership.productAndOwner(of: d)
        if let product { w.field("product", product.description) } else { w.key("product"); w.null() }
        if let owner { w.field("domain", owner.rawValue) } else { w.key("domain"); w.null() }
    }

    /// Node ids (`dataset:NS:NAME`, `job:NS:NAME`) built once per node, not once per edge.
    struct NodeIDs {
        let datasets: [String]
        let jobs: [String]
        init(_ g: Subgraph) {
            datasets = g.datasets.map { LineageNode.dataset($0).description }
            jobs = g.jobs.map { LineageNode.job($0.job).description }
        }
        func ends(_ e: Subgraph.Edge) -> (origin: String, destination: String) {
            e.reads ? (datasets[e.dataset], jobs[e.job]) : (jobs[e.job], datasets[e.dataset])
        }
    }

    static func jobFields(_ job: JobRef, _ domain: String?, to w: inout JSONWriter) {
        w.field("namespace", job.namespace)
        w.field("name", job.name)
        if let domain { w.field("domain", domain) } else { w.key("domain"); w.null() }
    }

    static func subgraph(_ g: Subgraph, start: DatasetRef, depth: Int, direction: LineageDirection, _ ownership: Ownership) -> JSONWriter {
        let ids = NodeIDs(g)
        var w = JSONWriter(capacity: 256 + (g.datasets.count + g.jobs.count) * 160 + g.edges.count * 120)
        w.beginObject()
        w.field("dataset", LineageNode.dataset(start).description)
        w.field("depth", depth)
        w.field("direction", direction.rawValue)
        w.key("nodes")
        w.beginArray()
        for (i, d) in g.datasets.enumerated() {
            w.beginObject(); w.field("id", ids.datasets[i]); w.field("type", "DATASET")
            datasetFields(d, ownership, to: &w); w.endObject()
        }
        for (i, (j, domain)) in g.jobs.enumerated() {
            w.beginObject(); w.field("id", ids.jobs[i]); w.field("type", "JOB"); jobFields(j, domain, to: &w); w.endObject()
        }
        w.endArray()
        w.key("edges")
        w.beginArray()
        for e in g.edges {
            let (origin, destination) = ids.ends(e)
            w.beginObject(); w.field("origin", origin); w.field("destination", destination); w.endObject()
        }
        w.endArray()
        w.endObject()
        return w
    }

    /// Marquez's lineage shape: `{"graph": [{"id", "type", "data", "inEdges", "outEdges"}]}`.
    static func marquez(_ g: Subgraph, _ ownership: Ownership) -> JSONWriter {
        let ids = NodeIDs(g)
        var datasetEdges = [[Subgraph.Edge]](repeating: [], count: g.datasets.count)
        var jobEdges = [[Subgraph.Edge]](repeating: [], count: g.jobs.count)
        for e in g.edges { datasetEdges[e.dataset].append(e); jobEdges[e.job].append(e) }
        var w = JSONWriter(capacity: 256 + (g.datasets.count + g.jobs.count) * 300)
        /// In-edges end at the node, out-edges start there.
        func edges(_ id: String, _ list: [Subgraph.Edge]) {
            for (name, incoming) in [("inEdges", true), ("outEdges", false)] {
                w.key(name); w.beginArray()
                for e in list {
                    let (origin, destination) = ids.ends(e)
                    guard (destination == id) == incoming else { continue }
                    w.beginObject(); w.field("origin", origin); w.field("destination", destination); w.endObject()
                }
                w.endArray()
            }
        }
        w.beginObject()
        w.key("graph")
        w.beginArray()
        for (i, d) in g.datasets.enumerated() {
            w.beginObject(); w.field("id", ids.datasets[i]); w.field("type", "DATASET")
            w.key("data"); w.beginObject(); w.field("type", "DATASET"); datasetFields(d, ownership, to: &w); w.endObject()
            edges(ids.datasets[i], datasetEdges[i]); w.endObject()
        }
        for (i, (j, domain)) in g.jobs.enumerated() {
            w.beginObject(); w.field("id", ids.jobs[i]); w.field("type", "JOB")
            w.key("data"); w.beginObject(); w.field("type", "JOB"); jobFields(j, domain, to: &w); w.endObject()
            edges(ids.jobs[i], jobEdges[i]); w.endObject()
        }
        w.endArray()
        w.endObject()
        return w
    }

    static func columns(_ g: ColumnSubgraph, start: ColumnRef, index: LineageIndex, _ ownership: Ownership) -> JSONWriter {
        var w = JSONWriter(capacity: 256 + g.columns.count * 200 + g.edges.count * 200)
        w.beginObject()
        w.field("column", start.description)
        w.key("columns")
        w.beginArray()
        var propagated: [DatasetRef: [ObservedState.PropagatedTag]] = [:]
        for c in g.columns {
            w.beginObject()
            w.field("id", c.description)
            w.field("dataset", LineageNode.dataset(c.dataset).description)
            w.field("field", c.field)
            if let p = ownership.product(of: c.dataset) { w.field("product", p.description) } else { w.key("product"); w.null() }
            w.key("tags"); w.beginArray(); for t in index.declaredTags(c, ownership) { w.value(t) }; w.endArray()
            w.key("propagatedTags"); w.beginArray()
            // Propagation is computed for a whole dataset; answers name several columns of one.
            let tags = propagated[c.dataset] ?? index.propagatedTags(c.dataset, ownership)
            propagated[c.dataset] = tags
            for t in tags where t.column == c.field {
                w.beginObject(); w.field("tag", t.tag); w.field("from", t.from); w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.key("edges")
        w.beginArray()
        for e in g.edges {
            w.beginObject(); w.field("from", e.from.description); w.field("to", e.to.description)
            w.key("transformations"); w.raw(e.transformations); w.endObject()
        }
        w.endArray()
        w.endObject()
        return w
    }

    /// Downstream products other than the source's own, nearest first, each with the path to it.
    static func impact(start: DatasetRef, reached: [(dataset: DatasetRef, path: [LineageNode])], catalog: Catalog, _ ownership: Ownership) -> JSONWriter {
        let own = ownership.product(of: start)
        var seen = Set<ProductID>()
        var w = JSONWriter(capacity: 512 + reached.count * 64)
        w.beginObject()
        w.field("dataset", LineageNode.dataset(start).description)
        if let own { w.field("product", own.description) } else { w.key("product"); w.null() }
        w.field("downstreamDatasets", reached.count)
        w.key("products")
        w.beginArray()
        var domains = Set<String>()
        for (d, path) in reached {
            guard let id = ownership.product(of: d), id != own, seen.insert(id).inserted else { continue }
            domains.insert(id.domain.rawValue)
            let p = catalog.entry(id)?.descriptor
            w.beginObject()
            w.field("product", id.description)
            w.field("domain", id.domain.rawValue)
            w.field("owner", p?.owner ?? "")
            if let oncall = p?.oncall { w.field("oncall", oncall) } else { w.key("oncall"); w.null() }
            if let tier = p?.tier { w.field("tier", tier.rawValue) }
            w.field("dataset", LineageNode.dataset(d).description)
            w.field("distance", path.count / 2)
            w.key("path"); w.beginArray(); for n in path { w.value(n.description) }; w.endArray()
            w.endObject()
        }
        w.endArray()
        w.key("domains"); w.beginArray(); for d in domains.sorted() { w.value(d) }; w.endArray()
        w.endObject()
        return w
    }

    static func run(_ id: String, _ events: [LineageEventRecord]) -> JSONWriter {
        var w = JSONWriter(capacity: 256 + events.reduce(0) { $0 + $1.body.utf8.count + 128 })
        w.beginObject()
        w.field("runId", id)
        if let last = events.last(where: { $0.eventType != nil }) { w.field("state", last.eventType!) }
        w.key("transitions")
        w.beginArray()
        for e in events {
            w.beginObject()
            w.field("eventType", e.eventType ?? "")
            w.field("eventTime", e.eventTime)
            w.field("receivedAt", e.receivedAt)
            w.key("event"); w.raw(e.body)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w
    }

    static func schemas(_ d: DatasetRef, _ versions: [SchemaVersionRecord]) -> JSONWriter {
        var w = JSONWriter()
        w.beginObject()
        w.field("dataset", LineageNode.dataset(d).description)
        w.key("versions")
        w.beginArray()
        for v in versions {
            w.beginObject(); w.field("version", v.version); w.field("seenAt", v.seenAt); w.key("fields"); w.raw(v.fields); w.endObject()
        }
        w.endArray()
        w.endObject()
        return w
    }

    static func claims(_ claims: [NamespaceClaim]) -> JSONWriter {
        var w = JSONWriter()
        w.beginObject()
        w.key("namespaces")
        w.beginArray()
        for c in claims {
            w.beginObject(); w.field("namespace", c.namespace); w.field("domain", c.domain.rawValue)
            w.field("claimedAt", c.claimedAt); w.endObject()
        }
        w.endArray()
        w.endObject()
        return w
    }
}

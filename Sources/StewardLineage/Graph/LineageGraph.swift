import Synchronization
import StewardCore
import StewardStore

/// The lineage graph in memory: datasets and jobs as small integers, adjacency as arrays, so a
/// depth-10 walk over hundreds of thousands of edges touches only what it visits. The store is
/// the source of truth; every replica catches up from it by edge seq before answering
/// (`catchUp`), so writes through any replica are seen by all.
public final class LineageGraph: Sendable {
    private let state = Mutex(GraphState())

    public init() {}

    /// Reads the edges stored since the last catch-up.
    public func catchUp(from store: any Store) async throws(StoreError) {
        let page = 50_000
        while true {
            let after = state.withLock { $0.edgeSeq }
            let rows = try await store.lineageEdges(after: after, limit: page)
            state.withLock { s in for r in rows where r.seq > s.edgeSeq { s.add(r) } }
            if rows.count < page { break }
        }
        while true {
            let after = state.withLock { $0.columnSeq }
            let rows = try await store.columnEdges(after: after, limit: page)
            state.withLock { s in for r in rows where r.seq > s.columnSeq { s.add(r) } }
            if rows.count < page { break }
        }
    }

    public func contains(_ dataset: DatasetRef) -> Bool { state.withLock { $0.datasetID[dataset] != nil } }

    /// Datasets and jobs within `depth` job hops of `dataset`, and the edges walked.
    public func lineage(of dataset: DatasetRef, depth: Int, direction: LineageDirection) -> Subgraph? {
        state.withLock { s in
            guard let start = s.datasetID[dataset] else { return nil }
            var out = SubgraphBuilder()
            if direction != .upstream { s.walk(from: start, depth: depth, downstream: true, into: &out) }
            if direction != .downstream { s.walk(from: start, depth: depth, downstream: false, into: &out) }
            out.datasets.insert(start)
            return out.build(s)
        }
    }

    /// Every dataset downstream of `dataset`, nearest first, each with the shortest path to it
    /// (dataset, job, dataset, ...). Cycles end where a dataset was already reached.
    public func downstream(of dataset: DatasetRef) -> [(dataset: DatasetRef, path: [LineageNode])]? {
        state.withLock { s in
            guard let start = s.datasetID[dataset] else { return nil }
            return s.downstreamPaths(from: start)
        }
    }

    /// The columns `column` of `dataset` is computed from (upstream) and feeds (downstream), transitively.
    public func columnLineage(of dataset: DatasetRef, column: String, depth: Int) -> ColumnSubgraph? {
        state.withLock { s in s.columnWalk(dataset, column, depth: depth) }
    }

    /// For each column of `dataset`, the upstream columns it derives from (transitively), nearest first.
    public func upstreamColumns(of dataset: DatasetRef) -> [String: [ColumnRef]] {
        state.withLock { s in s.upstreamColumns(of: dataset) }
    }
}

public enum LineageDirection: String, Sendable, CaseIterable { case upstream, downstream, both }

public enum LineageNode: Hashable, Sendable, CustomStringConvertible {
    case dataset(DatasetRef)
    case job(JobRef)

    /// Marquez's node id form: `dataset:NAMESPACE:NAME`, `job:NAMESPACE:NAME`.
    public var description: String {
        switch self {
        case .dataset(let d): "dataset:\(d.namespace):\(d.name)"
        case .job(let j): "job:\(j.namespace):\(j.name)"
        }
    }
}

public struct Subgraph: Sendable {
    public var datasets: [DatasetRef]
    public var jobs: [(job: JobRef, domain: String?)]
    /// Positions in `datasets` and `jobs`: the job reads the dataset (dataset → job) or writes it (job → dataset).
    public var edges: [Edge]

    public struct Edge: Sendable, Hashable {
        public var job: Int
        public var dataset: Int
        public var reads: Bool
    }
}

public struct ColumnRef: Hashable, Sendable, CustomStringConvertible {
    public var dataset: DatasetRef
    public var field: String
    public init(dataset: DatasetRef, field: String) { self.dataset = dataset; self.field = field }
    public var description: String { "\(dataset.namespace):\(dataset.name).\(field)" }
}

public struct ColumnSubgraph: Sendable {
    public var columns: [ColumnRef]
    /// Input column → output column, with the facet's transformations (JSON text).
    public var edges: [(from: ColumnRef, to: ColumnRef, transformations: String)]
}

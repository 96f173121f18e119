import StewardCore
import StewardStore

/// The graph's data, only ever touched under `LineageGraph`'s lock. Node ids are array indexes.
struct GraphState {
    var edgeSeq: Int64 = 0
    var columnSeq: Int64 = 0

    var datasets: [DatasetRef] = []
    var datasetID: [DatasetRef: Int32] = [:]
    /// Jobs reading / writing each dataset.
    var readers: [[Int32]] = []
    var writers: [[Int32]] = []

    var jobs: [JobRef] = []
    var jobID: [JobRef: Int32] = [:]
    var jobDomain: [String?] = []
    var jobInputs: [[Int32]] = []
    var jobOutputs: [[Int32]] = []

    var columns: [ColumnRef] = []
    var columnID: [ColumnRef: Int32] = [:]
    var columnsOfDataset: [Int32: [Int32]] = [:]
    /// Input column → output columns, and back.
    var columnDown: [[Int32]] = []
    var columnUp: [[Int32]] = []
    var transformations: [UInt64: String] = [:]

    /// Stamps instead of cleared sets: a walk marks nodes with a fresh stamp, so no per-query allocation.
    var datasetMark: [UInt32] = []
    var jobMark: [UInt32] = []
    var columnMark: [UInt32] = []
    var stamp: UInt32 = 0

    mutating func dataset(_ d: DatasetRef) -> Int32 {
        if let id = datasetID[d] { return id }
        let id = Int32(datasets.count)
        datasets.append(d); datasetID[d] = id; readers.append([]); writers.append([]); datasetMark.append(0)
        return id
    }

    mutating func job(_ j: JobRef) -> Int32 {
        if let id = jobID[j] { return id }
        let id = Int32(jobs.count)
        jobs.append(j); jobID[j] = id; jobDomain.append(nil); jobInputs.append([]); jobOutputs.append([]); jobMark.append(0)
        return id
    }

    mutating func column(_ c: ColumnRef) -> Int32 {
        if let id = columnID[c] { return id }
        let id = Int32(columns.count)
        columns.append(c); columnID[c] = id; columnDown.append([]); columnUp.append([]); columnMark.append(0)
        columnsOfDataset[dataset(c.dataset), default: []].append(id)
        return id
    }

    mutating func add(_ e: LineageEdgeRecord) {
        edgeSeq = e.seq
        let d = dataset(e.dataset)
        let j = job(JobRef(namespace: e.jobNamespace, name: e.jobName))
        if let domain = e.domain { jobDomain[Int(j)] = domain }
        switch e.direction {
        case .input: readers[Int(d)].append(j); jobInputs[Int(j)].append(d)
        case .output: writers[Int(d)].append(j); jobOutputs[Int(j)].append(d)
        }
    }

    mutating func add(_ r: ColumnEdgeRecord) {
        columnSeq = r.seq
        let from = column(ColumnRef(dataset: r.edge.input, field: r.edge.inputField))
        let to = column(ColumnRef(dataset: r.edge.output, field: r.edge.field))
        let key = UInt64(UInt32(from)) << 32 | UInt64(UInt32(to))
        if transformations.updateValue(r.edge.transformations, forKey: key) == nil {
            columnDown[Int(from)].append(to)
            columnUp[Int(to)].append(from)
        }
    }

    mutating func nextStamp() -> UInt32 {
        stamp &+= 1
        if stamp == 0 { // wrapped: clear once every 4 billion walks
            for i in datasetMark.indices { datasetMark[i] = 0 }
            for i in jobMark.indices { jobMark[i] = 0 }
            for i in columnMark.indices { columnMark[i] = 0 }
            stamp = 1
        }
        return stamp
    }

    // MARK: Walks

    /// Breadth-first over dataset → job → dataset, at most `depth` job hops.
    mutating func walk(from start: Int32, depth: Int, downstream: Bool, into out: inout SubgraphBuilder) {
        let mark = nextStamp()
        datasetMark[Int(start)] = mark
        var frontier = [start]
        var next: [Int32] = []
        for _ in 0..<depth where !frontier.isEmpty {
            for d in frontier {
                for j in (downstream ? readers : writers)[Int(d)] {
                    if downstream { out.read(d, by: j) } else { out.write(d, by: j) }
                    if jobMark[Int(j)] == mark { continue }
                    jobMark[Int(j)] = mark
                    out.jobs.insert(j)
                    for d2 in (downstream ? jobOutputs : jobInputs)[Int(j)] {
                        if downstream { out.write(d2, by: j) } else { out.read(d2, by: j) }
                        if datasetMark[Int(d2)] == mark { continue }
                        datasetMark[Int(d2)] = mark
                        out.datasets.insert(d2)
                        next.append(d2)
                    }
                }
            }
            swap(&frontier, &next)
            next.removeAll(keepingCapacity: true)
        }
    }

    mutating func downstreamPaths(from start: Int32) -> [(dataset: DatasetRef, path: [LineageNode])] {
        let mark = nextStamp()
        datasetMark[Int(start)] = mark
        // parent[i] = (job, previous dataset index in `order`)
        var order: [Int32] = [start]
        var parent: [(job: Int32, from: Int)] = [(-1, -1)]
        var head = 0
        while head < order.count {
            let d = order[head]
            for j in readers[Int(d)] {
                for d2 in jobOutputs[Int(j)] where datasetMark[Int(d2)] != mark {
                    datasetMark[Int(d2)] = mark
                    order.append(d2)
                    parent.append((j, head))
                }
            }
            head += 1
        }
        var result: [(dataset: DatasetRef, path: [LineageNode])] = []
        result.reserveCapacity(order.count - 1)
        for i in 1..<max(order.count, 1) {
            var path: [LineageNode] = []
            var k = i
            while k > 0 {
                path.append(.dataset(datasets[Int(order[k])]))
                path.append(.job(jobs[Int(parent[k].job)]))
                k = parent[k].from
            }
            path.append(.dataset(datasets[Int(start)]))
            result.append((datasets[Int(order[i])], path.reversed()))
        }
        return result
    }

    mutating func columnWalk(_ dataset: DatasetRef, _ field: String, depth: Int) -> ColumnSubgraph? {
        guard let start = columnID[ColumnRef(dataset: dataset, field: field)] else { return nil }
        var seen: [Int32] = [start]
        var edges: [(from: ColumnRef, to: ColumnRef, transformations: String)] = []
        for downstream in [true, false] {
            let mark = nextStamp()
            columnMark[Int(start)] = mark
            var frontier = [start]
            for _ in 0..<depth where !frontier.isEmpty {
                var next: [Int32] = []
                for c in frontier {
                    for c2 in (downstream ? columnDown : columnUp)[Int(c)] {
                        let (from, to) = downstream ? (c, c2) : (c2, c)
                        edges.append((columns[Int(from)], columns[Int(to)], transformations[UInt64(UInt32(from)) << 32 | UInt64(UInt32(to))] ?? "[]"))
                        if columnMark[Int(c2)] == mark { continue }
                        columnMark[Int(c2)] = mark
                        seen.append(c2)
                        next.append(c2)
                    }
                }
                frontier = next
            }
        }
        return ColumnSubgraph(columns: seen.map { columns[Int($0)] }, edges: edges)
    }

    mutating func upstreamColumns(of dataset: DatasetRef) -> [String: [ColumnRef]] {
        guard let d = datasetID[dataset], let own = columnsOfDataset[d] else { return [:] }
        var result: [String: [ColumnRef]] = [:]
        for c in own {
            let mark = nextStamp()
            columnMark[Int(c)] = mark
            var found: [ColumnRef] = []
            var frontier = [c]
            while !frontier.isEmpty {
                var next: [Int32] = []
                for x in frontier {
                    for up in columnUp[Int(x)] where columnMark[Int(up)] != mark {
                        columnMark[Int(up)] = mark
                        found.append(columns[Int(up)])
                        next.append(up)
                    }
                }
                frontier = next
            }
            if !found.isEmpty { result[columns[Int(c)].field] = found }
        }
        return result
    }
}

/// Collects a walk's result as ids; turned into references once, at the end.
struct SubgraphBuilder {
    var datasets = Set<Int32>()
    var jobs = Set<Int32>()
    /// (job, dataset, reads) packed in one integer: a job-dataset edge is either a read or a write.
    var edges: [UInt64] = []

    mutating func read(_ d: Int32, by j: Int32) { edges.append(UInt64(UInt32(j)) << 33 | UInt64(UInt32(d)) << 1 | 1) }
    mutating func write(_ d: Int32, by j: Int32) { edges.append(UInt64(UInt32(j)) << 33 | UInt64(UInt32(d)) << 1) }

    func build(_ s: GraphState) -> Subgraph {
        let datasetIDs = datasets.sorted(), jobIDs = jobs.sorted()
        var datasetAt = [Int32: Int](minimumCapacity: datasetIDs.count), jobAt = [Int32: Int](minimumCapacity: jobIDs.count)
        for (i, d) in datasetIDs.enumerated() { datasetAt[d] = i }
        for (i, j) in jobIDs.enumerated() { jobAt[j] = i }
        var seen = Set<UInt64>(minimumCapacity: edges.count)
        var out: [Subgraph.Edge] = []
        out.reserveCapacity(edges.count)
        for e in edges where seen.insert(e).inserted {
            guard let job = jobAt[Int32(e >> 33)], let dataset = datasetAt[Int32((e >> 1) & 0xFFFF_FFFF)] else { continue }
            out.append(Subgraph.Edge(job: job, dataset: dataset, reads: e & 1 == 1))
        }
        return Subgraph(datasets: datasetIDs.map { s.datasets[Int($0)] },
                        jobs: jobIDs.map { (s.jobs[Int($0)], s.jobDomain[Int($0)]) },
                        edges: out)
    }
}

import StewardCore

/// Validates one OpenLineage event against the 2-0-2 schemas and reads what Steward interprets.
public struct EventReader: Sendable {
    /// Upstream's validators check input-dataset facets only when asked; so does Steward by default,
    /// since producers attach loosely-filled metrics there and losing the whole event would be worse.
    public var validateInputFacets: Bool
    let schema = OpenLineageSchema.shared

    public init(validateInputFacets: Bool = false) { self.validateInputFacets = validateInputFacets }

    public func read(_ value: JSONValue, raw: String) throws(LineageError) -> LineageEvent {
        guard case .object = value else { throw .unknownEventType("an event is a JSON object, not \(value.typeName)") }
        let kind: LineageEvent.Kind
        let eventSchema: JSONSchema
        if value["run"] != nil { (kind, eventSchema) = (.run, schema.runEvent) }
        else if value["dataset"] != nil { (kind, eventSchema) = (.dataset, schema.datasetEvent) }
        else if value["job"] != nil { (kind, eventSchema) = (.job, schema.jobEvent) }
        else { throw .unknownEventType("an event carries run and job (RunEvent), dataset (DatasetEvent) or job (JobEvent)") }

        var problems = eventSchema.validate(value)
        checkFacets(value["run"]?["facets"], .run, "run.facets", &problems)
        checkFacets(value["job"]?["facets"], .job, "job.facets", &problems)
        checkFacets(value["dataset"]?["facets"], .dataset, "dataset.facets", &problems)
        for (index, d) in (value["inputs"]?.array ?? []).enumerated() {
            checkFacets(d["facets"], .dataset, "inputs.\(index).facets", &problems)
            if validateInputFacets { checkFacets(d["inputFacets"], .input, "inputs.\(index).inputFacets", &problems) }
        }
        for (index, d) in (value["outputs"]?.array ?? []).enumerated() {
            checkFacets(d["facets"], .dataset, "outputs.\(index).facets", &problems)
            checkFacets(d["outputFacets"], .output, "outputs.\(index).outputFacets", &problems)
        }
        var eventTime = Timestamp(microseconds: 0)
        if let text = value["eventTime"]?.string {
            if let t = Self.time(text) { eventTime = t } else {
                problems.append(JSONSchema.Problem(path: "eventTime", message: "must be an RFC 3339 date-time such as 2026-11-21T10:00:00Z"))
            }
        }
        let runID = value["run"]?["runId"]?.string
        if let runID, !Self.isUUID(runID) {
            problems.append(JSONSchema.Problem(path: "run.runId", message: "must be a UUID such as 0176a8c2-fe01-7439-87e6-56a1a1b4029f"))
        }
        if !problems.isEmpty { throw .invalid(problems.map { FieldProblem(field: $0.path, message: $0.message) }) }

        var outputs = (value["outputs"]?.array ?? []).map(Self.dataset)
        if let d = value["dataset"] { outputs.append(Self.dataset(d)) }
        return LineageEvent(
            kind: kind, eventType: kind == .run ? (value["eventType"]?.string ?? "OTHER") : nil, eventTime: eventTime,
            runID: runID,
            job: value["job"].flatMap { j in j["namespace"]?.string.flatMap { ns in j["name"]?.string.map { JobRef(namespace: ns, name: $0) } } },
            inputs: (value["inputs"]?.array ?? []).map(Self.dataset), outputs: outputs, raw: raw)
    }

    private func checkFacets(_ facets: JSONValue?, _ place: OpenLineageSchema.FacetPlace, _ path: String, _ out: inout [JSONSchema.Problem]) {
        guard let members = facets?.members, let known = schema.facets[place] else { return }
        for (key, facet) in members {
            guard let s = known[key] else { continue }
            s.check(facet, path + "." + key, &out, 20)
        }
    }

    // MARK: Reading the interpreted facets

    static func dataset(_ d: JSONValue) -> LineageDataset {
        let ref = DatasetRef(namespace: d["namespace"]?.string ?? "", name: d["name"]?.string ?? "")
        var out = LineageDataset(ref: ref)
        let facets = d["facets"]
        if let fields = facets?["schema"]?["fields"]?.array {
            out.fields = fields.compactMap { f in f["name"]?.string.map { LineageDataset.SchemaField(name: $0, type: f["type"]?.string ?? "") } }
        }
        for (field, entry) in facets?["columnLineage"]?["fields"]?.members ?? [] {
            for input in entry["inputFields"]?.array ?? [] {
                guard let ns = input["namespace"]?.string, let name = input["name"]?.string, let f = input["field"]?.string else { continue }
                out.columnLineage.append(.init(field: field, input: DatasetRef(namespace: ns, name: name), inputField: f,
                                               transformations: input["transformations"].map(JSONText.encode) ?? "[]"))
            }
        }
        // Quality facets appear under inputFacets (the 2-0-2 place), or under facets (older producers).
        let quality = [d["inputFacets"], facets]
        for place in quality {
            for a in place?["dataQualityAssertions"]?["assertions"]?.array ?? [] {
                guard let name = a["assertion"]?.string, let success = a["success"]?.bool else { continue }
                out.assertions.append(.init(assertion: name, success: success, column: a["column"]?.string))
            }
            if let metrics = place?["dataQualityMetrics"] {
                if out.rowCount == nil { out.rowCount = metrics["rowCount"]?.int }
                for (column, m) in metrics["columnMetrics"]?.members ?? [] {
                    if let n = m["nullCount"]?.int { out.nullCounts.append((column, n)) }
                }
            }
        }
        if let n = d["outputFacets"]?["outputStatistics"]?["rowCount"]?.int { out.rowCount = n }
        return out
    }

    /// RFC 3339; a time without an offset (as the Python client's own examples send) is read as UTC.
    static func time(_ text: String) -> Timestamp? {
        if let t = try? Timestamp(rfc3339: text) { return t }
        guard text.count >= 19, text.utf8.allSatisfy({ $0 != UInt8(ascii: "Z") && $0 != UInt8(ascii: "+") }) else { return nil }
        return try? Timestamp(rfc3339: text + "Z")
    }

    static func isUUID(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 36 else { return false }
        for (i, c) in u.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 { if c != UInt8(ascii: "-") { return false } }
            else if !((0x30...0x39).contains(c) || (0x61...0x66).contains(c) || (0x41...0x46).contains(c)) { return false }
        }
        return true
    }
}

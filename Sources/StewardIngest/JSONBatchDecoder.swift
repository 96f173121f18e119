import Foundation
import StewardCore

/// Decodes the JSON form of `POST /api/v1/observations`.
public enum JSONBatchDecoder {
    public static func decode(_ bytes: Data) throws(IngestError) -> ObservationBatch {
        let document = try parse(bytes)
        guard let members = document.members else {
            throw .malformedBody("expected a JSON object with batchId, domain, agent and observations, not \(document.typeName)")
        }
        var r = FieldReader(members, index: nil, prefix: "")
        r.rejectUnknown(["batchId", "domain", "agent", "observations"])
        let batchId = r.string("batchId", maxLength: 256)
        var domain: DomainName?
        if let text = r.string("domain", maxLength: 63) {
            do { domain = try DomainName(text) } catch { r.problem("domain", error.description) }
        }
        let agent = r.object("agent") { a -> (String, String)? in
            a.rejectUnknown(["id", "version"])
            guard let id = a.string("id", maxLength: 256) else { return nil }
            return (id, a.string("version", required: false, maxLength: 64) ?? "")
        }
        var problems = r.problems
        var observations: [Observation] = []
        switch r.value("observations") {
        case nil:
            problems.append(FieldProblem(field: "observations", message: "is required"))
        case .array(let list)?:
            if list.isEmpty { problems.append(FieldProblem(field: "observations", message: "must not be empty")) }
            if list.count > ObservationBatch.maxObservations {
                problems.append(FieldProblem(field: "observations", message: "must hold at most \(ObservationBatch.maxObservations) observations; split the batch"))
                break
            }
            observations.reserveCapacity(list.count)
            var products = ProductParser(batchDomain: domain)
            for (index, item) in list.enumerated() {
                guard let fields = item.members else {
                    problems.append(FieldProblem(index: index, field: "", message: "must be an object"))
                    continue
                }
                var o = FieldReader(fields, index: index, prefix: "")
                if let observation = ObservationReader.read(&o, products: &products) { observations.append(observation) }
                problems += o.problems
            }
        case .some:
            problems.append(FieldProblem(field: "observations", message: "must be a list"))
        }
        guard problems.isEmpty, let batchId, let domain, let agent else { throw .invalidBatch(problems) }
        return ObservationBatch(batchId: batchId, domain: domain, agentID: agent.0, agentVersion: agent.1, observations: observations)
    }

    /// Parses a whole body, naming where it stops being JSON.
    static func parse(_ bytes: Data) throws(IngestError) -> JSONValue {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONParser.Failure) in try JSONParser.parse(raw.bindMemory(to: UInt8.self)) }
        }
        switch result {
        case .success(let value): return value
        case .failure(let failure): throw .malformedBody("not valid JSON (\(failure.message))")
        }
    }
}

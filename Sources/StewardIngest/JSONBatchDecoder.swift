import Foundation
import StewardCore

/// Decodes the JSON form of `POST /api/v1/observations`.
public enum JSONBatchDecoder {
    public static func decode(_ bytes: Data) throws(IngestError) -> ObservationBatch {
        let parsed: Parsed
        do {
            parsed = try JSONDecoder().decode(Parsed.self, from: bytes)
        } catch let error as DecodingError {
            throw .malformedBody(describe(error))
        } catch {
            throw .malformedBody("not valid JSON")
        }
        guard parsed.problems.isEmpty, let batch = parsed.batch else {
            throw .invalidBatch(parsed.problems)
        }
        return batch
    }

    /// The top-level object; decoding never throws for field problems, it records them.
    private struct Parsed: Decodable {
        var batch: ObservationBatch?
        var problems: [FieldProblem]

        init(from decoder: any Decoder) throws {
            var r = try FieldReader(decoder, index: nil, prefix: "")
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
            var observations: [Observation] = []
            var problems = r.problems
            let key = AnyKey("observations")
            if !r.container.contains(key) {
                problems.append(FieldProblem(field: "observations", message: "is required"))
            } else if var list = try? r.container.nestedUnkeyedContainer(forKey: key) {
                observations.reserveCapacity(list.count ?? 0)
                var index = 0
                while !list.isAtEnd {
                    if index >= ObservationBatch.maxObservations {
                        problems.append(FieldProblem(field: "observations", message: "must hold at most \(ObservationBatch.maxObservations) observations; split the batch"))
                        break
                    }
                    if let obj = try? list.nestedContainer(keyedBy: AnyKey.self) {
                        var o = FieldReader(obj, index: index, prefix: "")
                        if let observation = ObservationReader.read(&o, domain: domain) {
                            observations.append(observation)
                        }
                        problems += o.problems
                    } else {
                        _ = try? list.decode(Skip.self)
                        problems.append(FieldProblem(index: index, field: "", message: "must be an object"))
                    }
                    index += 1
                }
                if index == 0 { problems.append(FieldProblem(field: "observations", message: "must not be empty")) }
            } else {
                problems.append(FieldProblem(field: "observations", message: "must be a list"))
            }
            self.problems = problems
            if problems.isEmpty, let batchId, let domain, let agent {
                batch = ObservationBatch(batchId: batchId, domain: domain, agentID: agent.0, agentVersion: agent.1,
                                         observations: observations)
            }
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let ctx):
            if let underlying = ctx.underlyingError { return "not valid JSON (\(underlying.localizedDescription))" }
            return "not valid JSON (\(ctx.debugDescription))"
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx), .keyNotFound(_, let ctx):
            return "expected a JSON object at \(ctx.codingPath.map(\.stringValue).joined(separator: ".")) (\(ctx.debugDescription))"
        @unknown default:
            return "not valid JSON"
        }
    }
}

import Foundation
import StewardCore
import Testing
@testable import StewardLineage

/// Every example event copied from upstream (Examples/README.md), accepted or rejected as the
/// conformance README says, each rejection with the reason that names the field.
@Suite struct ExampleEventTests {
    /// nil: accepted. Otherwise a fragment the rejection must contain.
    static let expected: [String: String?] = [
        "client/python/tests/example_full_event.json": nil,
        // eventTime has no offset ("2021-11-03T10:53:52.427343"); the Python client writes such
        // times, so Steward reads them as UTC instead of losing the events.
        "client/python/tests/serde_example_run_event.json": nil,
        "client/python/tests/serde_example_job_event.json": nil,
        "client/python/tests/serde_example_dataset_event.json": nil,
        "client/python/tests/nominal_time_without_end.json": "Unknown event type",
        "proxy/fluentd/docker/test-start.json": nil,
        "proxy/fluentd/docker/test-complete.json": nil,
        "proxy/fluentd/events/event_simple.json": nil,
        "proxy/fluentd/events/event_full.json": nil,
        "proxy/fluentd/events/event_no_run_id.json": "run.runId is required",
        "proxy/fluentd/events/event_invalid_run_facet.json": "run.facets.parent.run.runId is required",
        "proxy/fluentd/events/event_invalid_job_facet.json": "job.facets.ownership.owners.0.name is required",
        "proxy/fluentd/events/event_invalid_dataset_facet.json": "outputs.0.facets.ownership.owners.0.name is required",
        "proxy/fluentd/events/event_invalid_output_dataset_facet.json": "outputs.0.outputFacets.outputStatistics.rowCount must be integer",
        // Input-dataset facets are checked only in strict mode, as upstream does (see below).
        "proxy/fluentd/events/event_invalid_input_dataset_facet.json": nil,
        "spec/tests/example_full_event.json": nil,
    ]

    static func examples() throws -> URL {
        try #require(Bundle.module.url(forResource: "Examples", withExtension: nil))
    }

    static func outcome(_ path: String, reader: EventReader = EventReader()) throws -> String? {
        let bytes = Array(try Data(contentsOf: examples().appendingPathComponent(path)))
        do {
            let value = try JSONParser.parse(bytes)
            _ = try reader.read(value, raw: String(decoding: bytes, as: UTF8.self))
            return nil
        } catch let e as LineageError {
            return e.message
        }
    }

    @Test(arguments: expected.keys.sorted())
    func exampleIsAcceptedOrRejectedAsTheREADMESays(_ path: String) throws {
        let result = try Self.outcome(path)
        switch Self.expected[path]! {
        case nil: #expect(result == nil, "\(path) was rejected: \(result ?? "")")
        case let fragment?: #expect(result?.contains(fragment) == true, "\(path): \(result ?? "accepted")")
        }
    }

    @Test func strictModeChecksInputFacetsAndThenRejectsBothLooseMetricsExamples() throws {
        // The README's caveat: event_full.json's inputFacets.dataQualityMetrics lacks columnMetrics
        // too, so under the current schema both examples fail when input facets are checked.
        let strict = EventReader(validateInputFacets: true)
        let invalid = try Self.outcome("proxy/fluentd/events/event_invalid_input_dataset_facet.json", reader: strict)
        #expect(invalid?.contains("inputs.0.inputFacets.dataQualityMetrics.columnMetrics is required") == true)
        let full = try Self.outcome("proxy/fluentd/events/event_full.json", reader: strict)
        #expect(full?.contains("columnMetrics is required") == true)
    }

    @Test func everyUpstreamFacetInstanceValidatesAgainstItsFacetSchema() throws {
        let root = try Self.examples().appendingPathComponent("spec/tests")
        let schema = OpenLineageSchema.shared
        var checked = 0
        for folder in try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() {
            let dir = root.appendingPathComponent(folder)
            guard (try? dir.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true else { continue }
            for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) where file.hasSuffix(".json") {
                let value = try JSONParser.parse(Array(try Data(contentsOf: dir.appendingPathComponent(file))))
                for (key, facet) in try #require(value.members) {
                    let candidates = schema.facets.values.compactMap { $0[key] }
                    #expect(!candidates.isEmpty, "no schema for facet \(key) (\(folder)/\(file))")
                    let ok = candidates.contains { $0.validate(facet).isEmpty }
                    #expect(ok, "\(folder)/\(file): \(candidates.first.map { $0.validate(facet) } ?? [])")
                    checked += 1
                }
            }
        }
        #expect(checked >= 46)
    }
}

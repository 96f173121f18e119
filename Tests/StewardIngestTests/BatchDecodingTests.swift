import Foundation
import StewardAPI
import StewardCore
import Testing
@testable import StewardIngest

@Suite struct BatchDecodingTests {
    @Test func decodesEveryKindFromJSON() throws {
        let batch = try JSONBatchDecoder.decode(Data(Fixture.everyKind.utf8))
        #expect(batch.batchId == "b-1")
        #expect(batch.domain.rawValue == "payments")
        #expect(batch.agentVersion == "1.0.0")
        #expect(batch.observations.map(\.kind) == Observation.Kind.allCases)
        #expect(batch.observations[2].detail == .quality(check: "id_not_null", status: .fail, value: 3, threshold: 0, message: "3 null ids"))
        #expect(batch.observations[7].product == nil)
    }

    @Test func protobufCarriesExactlyWhatJSONCarries() throws {
        let json = try JSONBatchDecoder.decode(Data(Fixture.everyKind.utf8))
        let bytes = try BatchProto.encode(batchId: json.batchId, domain: json.domain.rawValue, agentID: json.agentID,
                                          agentVersion: json.agentVersion, observations: json.observations)
        let proto = try ProtoBatchDecoder.decode(bytes)
        #expect(proto.observations == json.observations)
        #expect(proto.batchId == json.batchId)
    }

    @Test func jsonEncoderRoundTrips() throws {
        let batch = try JSONBatchDecoder.decode(Data(Fixture.everyKind.utf8))
        let text = BatchJSON.encode(batchId: "b-2", domain: "payments", agentID: "a", agentVersion: "1", observations: batch.observations)
        #expect(try JSONBatchDecoder.decode(Data(text.utf8)).observations == batch.observations)
    }

    @Test func listsEveryProblemByIndexAndField() throws {
        let body = """
        {"batchId": "b", "domain": "payments", "agent": {"id": "a"}, "observations": [
          {"kind": "volume", "product": "payments/orders", "dataset": \(Fixture.orders), "observedAt": "2026-11-21T10:00:00Z", "rowCount": -1},
          {"kind": "freshness", "product": "payments/orders", "dataset": \(Fixture.orders), "observedAt": "2026-11-21T10:00:00Z", "lastUpdatedAt": "yesterday"},
          {"kind": "quality", "product": "payments/orders", "dataset": \(Fixture.orders), "observedAt": "2026-11-21T10:00:00Z", "check": "c", "status": "ok"},
          {"kind": "volume", "product": "payments/orders", "dataset": \(Fixture.orders), "observedAt": "2026-11-21T10:00:00Z", "rowCount": "many", "rowcount": 1},
          {"kind": "telepathy", "observedAt": "2026-11-21T10:00:00Z"},
          {"kind": "volume", "product": "logistics/shipments", "dataset": \(Fixture.orders), "observedAt": "2026-11-21T10:00:00Z", "rowCount": 1},
          42
        ]}
        """
        let error = #expect(throws: IngestError.self) { try JSONBatchDecoder.decode(Data(body.utf8)) }
        guard case .invalidBatch(let problems) = error else { Issue.record("expected invalidBatch, got \(String(describing: error))"); return }
        let found = Set(problems.map { "\($0.index ?? -1):\($0.field)" })
        #expect(found == ["0:rowCount", "1:lastUpdatedAt", "2:status", "3:rowCount", "3:rowcount", "4:kind", "5:product", "6:"])
        #expect(problems.first { $0.index == 2 }?.message == "must be one of pass, warn, fail, error")
    }

    @Test func rejectsMissingTopLevelFields() throws {
        let error = #expect(throws: IngestError.self) { try JSONBatchDecoder.decode(Data(#"{"observations": []}"#.utf8)) }
        #expect(Set(error?.details.map(\.field) ?? []) == ["batchId", "domain", "agent", "observations"])
    }

    @Test(arguments: ["", "{", "[1,2]", "null", #"{"batchId": 1"#])
    func malformedJSONIsAMalformedBody(_ text: String) throws {
        let error = #expect(throws: IngestError.self) { try JSONBatchDecoder.decode(Data(text.utf8)) }
        #expect(error?.code == "ingest_malformed_body" || error?.code == "ingest_invalid_batch")
    }

    @Test func malformedJSONSaysWhereAndNestingIsBounded() throws {
        let truncated = #expect(throws: IngestError.self) { try JSONBatchDecoder.decode(Data(#"{"batchId": "b", "domain": "#.utf8)) }
        #expect(truncated?.code == "ingest_malformed_body")
        #expect(truncated?.message.contains("not valid JSON (unexpected end of input at byte 27)") == true)
        let deep = String(repeating: "[", count: 10_000)
        let nested = #expect(throws: IngestError.self) { try JSONBatchDecoder.decode(Data(#"{"observations": \#(deep)"#.utf8)) }
        #expect(nested?.message.contains("nested deeper than 64 levels") == true)
    }

    @Test func typedYAMLScalarsReadAsTheirJSONTypes() throws {
        let yaml = """
            domain: payments
            name: orders
            owner: team-payments
            tier: gold
            classification: "internal"
            datasets: [{namespace: pg, name: public.orders, columns: [{name: id, type: 42}]}]
            retention: P30D
            slo: {minQualityPassRate: 1.5}
            """
        let error = #expect(throws: IngestError.self) {
            try DescriptorDecoder.decode(Data(yaml.utf8), format: .yaml, expected: ProductID(trustedDomain: "payments", name: "orders"))
        }
        #expect(error?.details.map(\.field).sorted() == ["datasets[0].columns[0].type", "slo.minQualityPassRate"])
    }

    @Test func garbageIsNotProtobuf() {
        let error = #expect(throws: IngestError.self) { try ProtoBatchDecoder.decode(Data([0xFF, 0xFF, 0xFF, 0x01])) }
        #expect(error?.code == "ingest_malformed_body")
    }

    @Test func protobufProblemsUseJSONFieldNames() throws {
        var batch = Steward_V1_ObservationBatch()
        batch.batchID = "b"
        batch.domain = "payments"
        batch.agent.id = "a"
        var o = Steward_V1_Observation()
        o.product = "payments/orders"
        o.dataset.namespace = "ns"
        o.dataset.name = "n"
        o.volume.rowCount = -5
        batch.observations = [o]
        let error = #expect(throws: IngestError.self) { try ProtoBatchDecoder.decode(try batch.serializedData()) }
        #expect(Set(error?.details.map(\.field) ?? []) == ["observedAt", "rowCount"])
    }
}

@Suite struct DescriptorDecodingTests {
    let orders = try! ProductID(path: "payments/orders")

    @Test func decodesTheIssueExample() throws {
        let d = try DescriptorDecoder.decode(Data(Fixture.descriptor.utf8), format: .json, expected: orders)
        #expect(d.tier == .gold)
        #expect(d.slo?.maxStaleness?.seconds == 3600)
        #expect(d.datasets[0].columns?[1].tags == ["pii:email"])
    }

    @Test func yamlAndJSONGiveTheSameDescriptor() throws {
        let yaml = """
        domain: payments
        name: orders
        title: Orders
        description: All orders
        owner: team-payments
        oncall: payments-oncall
        tier: gold
        classification: confidential
        datasets:
          - namespace: postgres://payments-db:5432/payments
            name: public.orders
            columns:
              - {name: id, type: bigint}
              - {name: email, type: text, tags: ["pii:email"]}
        slo: {maxStaleness: PT1H, minQualityPassRate: 0.99}
        retention: P365D
        consumers: [analytics, finance]
        """
        let fromYAML = try DescriptorDecoder.decode(Data(yaml.utf8), format: .yaml, expected: orders)
        let fromJSON = try DescriptorDecoder.decode(Data(Fixture.descriptor.utf8), format: .json, expected: orders)
        #expect(fromYAML == fromJSON)
    }

    @Test func listsEveryProblemWithItsPath() throws {
        let body = """
        {"domain": "payments", "name": "refunds", "tier": "platinum", "classification": "secret",
         "datasets": [{"namespace": "ns", "columns": [{"name": "a"}, {"name": "a", "type": "int"}]}],
         "slo": {"maxStaleness": "1 hour", "minQualityPassRate": 1.5}, "retention": "forever", "colour": "blue"}
        """
        let error = #expect(throws: IngestError.self) { try DescriptorDecoder.decode(Data(body.utf8), format: .json, expected: orders) }
        let fields = Set(error?.details.map(\.field) ?? [])
        #expect(fields == ["colour", "owner", "tier", "classification", "datasets[0].name", "datasets[0].columns[0].type",
                           "datasets[0].columns[1].name", "slo.maxStaleness", "slo.minQualityPassRate", "retention"])
    }

    @Test func durationsBeyond292YearsAreAProblemOfTheirField() throws {
        let body = Fixture.descriptor.replacingOccurrences(of: #""retention": "P365D""#, with: #""retention": "P3999999999999999999990D""#)
        #expect(body != Fixture.descriptor)
        let error = #expect(throws: IngestError.self) { try DescriptorDecoder.decode(Data(body.utf8), format: .json, expected: orders) }
        #expect(error?.details.map(\.field) == ["retention"])
        #expect(error?.details.first?.message == "must be at most 292 years (the longest duration policies can compare)")
    }

    @Test func bodyMustAgreeWithTheURL() throws {
        let error = #expect(throws: IngestError.self) {
            try DescriptorDecoder.decode(Data(Fixture.descriptor.utf8), format: .json, expected: try ProductID(path: "sales/orders"))
        }
        #expect(error?.details.map(\.field) == ["domain"])
    }
}

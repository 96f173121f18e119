import ArgumentParser
import Foundation
import StewardAPI
import StewardIngest

/// Decoding and validation alone, without HTTP or a store: µs per observation for each wire format.
struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Time batch decoding and validation (JSON and protobuf), in-process.")

    @Option(help: "Observations per batch.") var batch = 1000
    @Option(help: "Batches to decode per format.") var iterations = 300

    func run() throws {
        let observations = IngestBench.observations(batch, seed: 1, start: .now)
        let json = Data(BatchJSON.encode(batchId: "b", domain: "bench", agentID: "a", agentVersion: "1", observations: observations).utf8)
        let proto = try BatchProto.encode(batchId: "b", domain: "bench", agentID: "a", agentVersion: "1", observations: observations)
        for (name, body, decode) in [("JSON", json, { (d: Data) throws -> Int in try JSONBatchDecoder.decode(d).observations.count }),
                                     ("protobuf", proto, { (d: Data) throws -> Int in try ProtoBatchDecoder.decode(d).observations.count })] {
            _ = try decode(body)
            let start = ContinuousClock.now
            var total = 0
            for _ in 0..<iterations { total += try decode(body) }
            let us = start.duration(to: .now).milliseconds * 1000 / Double(total)
            say(String(format: "%@: %.2f µs per observation (%.0f observations/s on one core, %d-byte batches of %d)",
                       name, us, 1_000_000 / us, body.count, batch))
        }
    }
}

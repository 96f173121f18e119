import Foundation
import Logging
import StewardServer
import Synchronization
import Testing

/// `steward serve --log-format json`: every event is one line holding one JSON object.
@Suite struct JSONLogHandlerTests {
    @Test func eachEventIsOneJSONObjectWithItsMetadata() throws {
        let lines = Mutex<[[UInt8]]>([])
        var handler = JSONLogHandler(label: "steward.test", metadataProvider: nil, output: { line in lines.withLock { $0.append(line) } })
        handler[metadataKey: "replica"] = "a"
        let logger = Logger(label: "steward.test", factory: { _ in handler })
        logger.debug("below the level: not written")
        logger.warning("store \"unavailable\"\nretrying", metadata: [
            "attempt": "3", "level": "shadowed", "tags": ["x", "y"], "nested": ["k": "v"],
        ])

        let written = lines.withLock { $0 }
        try #require(written.count == 1)
        let line = written[0]
        #expect(line.last == UInt8(ascii: "\n") && !line.dropLast().contains(UInt8(ascii: "\n")), "one event, one line")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        #expect(object["level"] as? String == "warning")
        #expect(object["logger"] as? String == "steward.test")
        #expect(object["message"] as? String == "store \"unavailable\"\nretrying")
        #expect((object["time"] as? String)?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/) != nil)
        #expect(object["replica"] as? String == "a")
        #expect(object["attempt"] as? String == "3")
        #expect(object["metadata.level"] as? String == "shadowed", "metadata may not overwrite the line's own fields")
        #expect(object["tags"] as? [String] == ["x", "y"])
        #expect(object["nested"] as? [String: String] == ["k": "v"])
    }

    @Test(TestEnvironment.needsSteward)
    func serveLogsJSONLinesWhenAsked() async throws {
        let data = try TestEnvironment.temporaryDirectory("steward-json-log")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let log = data + "/serve.log"
        let server = try ServerProcess(arguments: ["--data", data, "--log-format", "json"], logPath: log, logLevel: "info")
        defer { server.terminate() }
        try await server.waitUntilReady()
        server.terminate()

        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        let objects = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "not JSON: \($0)") }
        let listening = try #require(objects.first { $0["message"] as? String == "steward is listening" }, "\(lines)")
        #expect(listening["level"] as? String == "info")
        #expect(listening["store"] as? String == "sqlite:\(data)")
        #expect((listening["address"] as? String)?.contains(String(server.port)) == true)
    }
}

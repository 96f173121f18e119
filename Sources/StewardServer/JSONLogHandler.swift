import Foundation
import Logging
import StewardCore

/// `steward serve --log-format json`: one JSON object per line on standard error, for log
/// shippers (Loki, Elasticsearch, Cloud Logging) that would otherwise have to parse text.
/// Each line holds `time`, `level`, `logger` and `message`, then the metadata as fields.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let output: @Sendable ([UInt8]) -> Void

    /// The fields every line starts with; metadata under these names is written as `metadata.<name>`.
    static let reserved: Set<String> = ["time", "level", "logger", "message"]

    public init(label: String, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider,
                output: @escaping @Sendable ([UInt8]) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.output = output
    }

    /// One unbuffered write per line, so lines from concurrent loggers do not interleave.
    public static let standardError: @Sendable ([UInt8]) -> Void = { line in
        FileHandle.standardError.write(Data(line))
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { _, new in new } }
        if let own = event.metadata { fields.merge(own) { _, new in new } }
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.field("time", Timestamp.now)
        w.field("level", event.level.rawValue)
        w.field("logger", label)
        w.field("message", event.message.description)
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            w.key(Self.reserved.contains(key) ? "metadata.\(key)" : key)
            Self.write(value, to: &w)
        }
        w.endObject()
        output(w.bytes + [UInt8(ascii: "\n")])
    }

    private static func write(_ value: Logger.Metadata.Value, to w: inout JSONWriter) {
        switch value {
        case .string(let s): w.value(s)
        case .stringConvertible(let c): w.value(c.description)
        case .array(let values):
            w.beginArray()
            for v in values { write(v, to: &w) }
            w.endArray()
        case .dictionary(let dictionary):
            w.beginObject()
            for (k, v) in dictionary.sorted(by: { $0.key < $1.key }) { w.key(k); write(v, to: &w) }
            w.endObject()
        }
    }
}

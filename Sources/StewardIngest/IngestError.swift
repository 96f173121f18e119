import StewardCore

/// Everything ingest can refuse. Each case has a stable code; messages never echo secrets.
public enum IngestError: Error, Sendable, Equatable {
    /// The body is not parseable JSON, YAML or protobuf.
    case malformedBody(String)
    /// Parsed, but some fields are wrong; every problem is listed.
    case invalidBatch([FieldProblem])
    case invalidDescriptor([FieldProblem])
    /// Well-formed observations about products or datasets that are not registered.
    case unknownTargets([FieldProblem])
    case unsupportedMediaType(String)

    public var code: String {
        switch self {
        case .malformedBody: "ingest_malformed_body"
        case .invalidBatch: "ingest_invalid_batch"
        case .invalidDescriptor: "ingest_invalid_descriptor"
        case .unknownTargets: "ingest_unknown_target"
        case .unsupportedMediaType: "ingest_unsupported_media_type"
        }
    }

    public var message: String {
        switch self {
        case .malformedBody(let why): "The body could not be parsed: \(why)"
        case .invalidBatch(let p): "The batch has \(p.count) invalid field(s); nothing was stored. Fix them and resend the whole batch."
        case .invalidDescriptor(let p): "The descriptor has \(p.count) problem(s); nothing was stored."
        case .unknownTargets(let p): "\(p.count) observation(s) name products or datasets that are not registered; nothing was stored. Register them with PUT /api/v1/products/{domain}/{name} first."
        case .unsupportedMediaType(let t): "Content-Type \(t) is not supported; use application/json or application/x-protobuf (descriptors also accept application/yaml)."
        }
    }

    public var details: [FieldProblem] {
        switch self {
        case .invalidBatch(let p), .invalidDescriptor(let p), .unknownTargets(let p): p
        case .malformedBody, .unsupportedMediaType: []
        }
    }
}

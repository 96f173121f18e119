import StewardCore

/// Why an OpenLineage event or request was refused. Stable codes; messages name the field.
public enum LineageError: Error, Sendable, Equatable {
    /// The body is not JSON (or nests too deep); nothing in it was read.
    case malformed(String)
    /// Neither a RunEvent, a DatasetEvent nor a JobEvent.
    case unknownEventType(String)
    /// The event breaks the OpenLineage schema; each problem names its path.
    case invalid([FieldProblem])
    /// The event writes to datasets another domain owns.
    case foreignDataset(dataset: String, owner: String)
    case tooManyEvents(limit: Int)
    case eventTooLarge(bytes: Int, limit: Int)

    public var code: String {
        switch self {
        case .malformed: "lineage_malformed"
        case .unknownEventType: "lineage_unknown_event_type"
        case .invalid: "lineage_invalid_event"
        case .foreignDataset: "lineage_forbidden_dataset"
        case .tooManyEvents: "lineage_too_many_events"
        case .eventTooLarge: "lineage_event_too_large"
        }
    }

    public var message: String {
        switch self {
        case .malformed(let why): "The body is not valid JSON: \(why)."
        case .unknownEventType(let why): "Unknown event type: \(why)."
        case .invalid(let p):
            "The event breaks the OpenLineage 2-0-2 schema: " + p.prefix(3).map { "\($0.field) \($0.message)" }.joined(separator: "; ")
                + (p.count > 3 ? " (and \(p.count - 3) more)" : "") + "."
        case .foreignDataset(let dataset, let owner):
            "The event writes to dataset \(dataset), which domain \(owner) owns; a domain may write only to its own datasets or to ones nobody owns."
        case .tooManyEvents(let limit): "A batch holds at most \(limit) events; split it."
        case .eventTooLarge(let bytes, let limit):
            "The event is \(bytes) bytes; one event may be at most \(limit) bytes (raise --max-lineage-event-bytes, or trim large facets)."
        }
    }

    public var details: [FieldProblem] {
        if case .invalid(let p) = self { return p }
        return []
    }

    /// Whether sending the same event again could succeed (the batch answer's `retriable`). Never,
    /// for these: each is about the event itself. Transient failures (the store unavailable) fail
    /// the whole request with 503 instead, and nothing of it is stored.
    public var retriable: Bool { false }
}

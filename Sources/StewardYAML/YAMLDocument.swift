// libyaml's C API, which Yams is built on (its `CYaml` module, visible to Yams' dependents).
import CYaml
import Yams

/// YAML from people and agents, parsed with Yams once it is known to hold no anchor (`&name`)
/// and no alias (`*name`). Yams resolves an alias to the node it names, so a few hundred bytes of
/// nested aliases ("billion laughs") stand for billions of nodes: hashing one as a mapping key
/// inside `Yams.compose`, or walking one afterwards, takes minutes of CPU or gigabytes of memory.
/// Descriptors and policies have no use for them, so they are refused before Yams runs.
public enum YAMLDocument {
    /// `Yams.compose`, after `refuseAnchorsAndAliases`. Nil for an empty document.
    public static func compose(_ text: String) throws -> Node? {
        try refuseAnchorsAndAliases(text)
        return try Yams.compose(yaml: text)
    }

    /// Throws `YAMLError.anchorOrAlias` at the first anchor or alias. Syntax errors pass: Yams
    /// reports them with its own message when it parses the same text.
    public static func refuseAnchorsAndAliases(_ text: String) throws(YAMLError) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        let bytes = Array(text.utf8)
        let found: (line: Int, column: Int)? = bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                var anchored = false
                switch event.type {
                case YAML_ALIAS_EVENT: anchored = true
                case YAML_SCALAR_EVENT: anchored = event.data.scalar.anchor != nil
                case YAML_SEQUENCE_START_EVENT: anchored = event.data.sequence_start.anchor != nil
                case YAML_MAPPING_START_EVENT: anchored = event.data.mapping_start.anchor != nil
                case YAML_STREAM_END_EVENT: return nil
                default: break
                }
                if anchored { return (Int(event.start_mark.line) + 1, Int(event.start_mark.column) + 1) }
            }
            return nil
        }
        if let found { throw .anchorOrAlias(line: found.line, column: found.column) }
    }
}

/// The one error this module raises.
public enum YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    case anchorOrAlias(line: Int, column: Int)

    public var code: String { "yaml_anchor_or_alias" }

    /// What is wrong and what to do, without the place (for callers that give it their own way).
    public var message: String {
        "YAML anchors and aliases (&name, *name) are not supported; write the value out, or quote it if it begins with & or *"
    }

    public var description: String {
        switch self {
        case .anchorOrAlias(let line, let column): "line \(line), column \(column): \(message)"
        }
    }
}

import StewardYAML
import Testing

@Suite struct YAMLDocumentTests {
    /// Nine levels of nine aliases each: 9^9 strings from about 400 bytes. Unguarded, Yams spends
    /// minutes hashing the last one as a mapping key (each level costs nine times the one before).
    static let aliasBomb: String = {
        var lines = [#"a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]"#]
        for i in 1..<10 { lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]") }
        lines.append("bomb: {? *a9 : 1, ? [x] : 2}")
        return lines.joined(separator: "\n")
    }()

    @Test func refusesTheAliasBombAtItsFirstAnchor() {
        #expect(throws: YAMLError.anchorOrAlias(line: 1, column: 5)) { try YAMLDocument.compose(Self.aliasBomb) }
    }

    @Test(arguments: [
        ("a: &x 1\nb: 2\n", 1, 4),            // an anchor on a scalar
        ("a: [1, 2]\nb: &s [3]\n", 2, 4),     // on a sequence
        ("- &m {k: v}\n", 1, 3),              // on a mapping
        ("a: 1\nb:\n  - *x\n", 3, 5),         // an alias (undefined, refused before Yams would say so)
        ("a: !!str &t 1\n", 1, 4),            // after a tag (the event starts at the tag)
    ])
    func refusesEveryAnchorAndAlias(_ text: String, _ line: Int, _ column: Int) {
        #expect(throws: YAMLError.anchorOrAlias(line: line, column: column)) { try YAMLDocument.compose(text) }
    }

    /// & and * inside values are text, not YAML syntax.
    @Test func acceptsAmpersandsAndAsterisksThatAreText() throws {
        let text = """
            title: Fish &chips
            quoted: "*starred*"
            single: '&amp'
            inline: see *notes* and R&D  # a comment with *stars* and &amps
            description: |
              * a bullet
              & more
            """
        let node = try #require(try YAMLDocument.compose(text))
        #expect(node["title"]?.string == "Fish &chips")
        #expect(node["quoted"]?.string == "*starred*")
        #expect(node["inline"]?.string == "see *notes* and R&D")
        #expect(node["description"]?.string == "* a bullet\n& more")  // the text ends without a newline
    }

    /// Syntax errors are Yams' to report, with its message.
    @Test func leavesSyntaxErrorsToYams() {
        let error = #expect(throws: (any Error).self) { try YAMLDocument.compose("a: [1, 2\n") }
        #expect(error != nil && !(error is YAMLError), "\(String(describing: error))")
    }
}

/// Parses RE2 syntax into a small tree. Supported: literals and escapes, `.`, classes with
/// ranges, negation and POSIX names, `\d \w \s` (and negations), `^ $ \A \z \b \B`, groups
/// (capturing, `(?:...)`, named), flags `i`, `s`, `m`, alternation, and the quantifiers
/// `* + ? {n} {n,} {n,m}` (greedy or lazy). Backreferences and lookaround are not RE2, so they
/// are rejected, which keeps matching linear in the input.
indirect enum RegexNode {
    case empty
    case scalars(ScalarSet)
    case concat([RegexNode])
    case alternate([RegexNode])
    case repeatNode(RegexNode, min: Int, max: Int?)   // max nil = unbounded
    case assertion(RegexAssertion)
}

enum RegexAssertion { case lineStart, lineEnd, textStart, textEnd, wordBoundary, notWordBoundary }

/// A set of Unicode scalars as sorted ranges, optionally negated, optionally case-folded.
struct ScalarSet {
    var ranges: [ClosedRange<UInt32>] = []
    var negated = false

    func contains(_ c: UInt32) -> Bool {
        var found = false
        for r in ranges where r.contains(c) { found = true; break }
        return found != negated
    }

    static func single(_ c: UInt32) -> ScalarSet { ScalarSet(ranges: [c...c]) }
    static let digit = ScalarSet(ranges: [48...57])
    static let word = ScalarSet(ranges: [48...57, 65...90, 95...95, 97...122])
    static let space = ScalarSet(ranges: [9...10, 12...13, 32...32])
    static let anyButNewline = ScalarSet(ranges: [10...10], negated: true)
    static let any = ScalarSet(ranges: [], negated: true)

    /// Adds the other case of every ASCII and simple Unicode letter in the set.
    func caseFolded() -> ScalarSet {
        var out = self
        for r in ranges where r.count <= 0x3000 {
            for c in r {
                guard let s = Unicode.Scalar(c) else { continue }
                for other in [s.properties.lowercaseMapping, s.properties.uppercaseMapping] {
                    if other.unicodeScalars.count == 1, let o = other.unicodeScalars.first, o.value != c {
                        out.ranges.append(o.value...o.value)
                    }
                }
            }
        }
        return out
    }
}

struct RegexParser {
    private var chars: [Unicode.Scalar]
    private var i = 0
    private var caseInsensitive = false
    private var dotAll = false
    private var multiLine = false
    private var depth = 0

    init(_ pattern: String) { chars = Array(pattern.unicodeScalars) }

    mutating func parse() throws(CELError) -> RegexNode {
        let node = try alternation()
        guard i == chars.count else { throw fail("unexpected ')'") }
        return node
    }

    private func fail(_ message: String) -> CELError {
        CELError(.invalidArgument, "invalid regular expression: \(message)")
    }

    private var atEnd: Bool { i >= chars.count }
    private func peek() -> Unicode.Scalar? { atEnd ? nil : chars[i] }

    private mutating func alternation() throws(CELError) -> RegexNode {
        depth += 1
        defer { depth -= 1 }
        guard depth < 200 else { throw fail("nesting too deep") }
        var branches = [try concatenation()]
        while peek() == "|" {
            i += 1
            branches.append(try concatenation())
        }
        return branches.count == 1 ? branches[0] : .alternate(branches)
    }

    private mutating func concatenation() throws(CELError) -> RegexNode {
        var items: [RegexNode] = []
        while let c = peek(), c != "|", c != ")" {
            var atom = try self.atom()
            atom = try quantified(atom)
            items.append(atom)
        }
        return items.count == 1 ? items[0] : .concat(items)
    }

    private mutating func quantified(_ atom: RegexNode) throws(CELError) -> RegexNode {
        var node = atom
        var quantified = false
        while let c = peek() {
            var min = 0, max: Int? = nil
            switch c {
            case "*": i += 1
            case "+": i += 1; min = 1
            case "?": i += 1; max = 1
            case "{":
                guard let (lo, hi) = try counted() else { return node }
                min = lo; max = hi
            default: return node
            }
            if case .assertion = node { throw fail("missing argument to repetition operator") }
            if peek() == "?" { i += 1 }   // lazy: same language, and matches() only asks whether one exists
            // RE2 rejects `a**` (a quantifier straight after a quantifier) but not `(a+)+`.
            if quantified { throw fail("invalid nested repetition operator") }
            quantified = true
            node = .repeatNode(node, min: min, max: max)
        }
        return node
    }

    /// `{n}`, `{n,}`, `{n,m}`; nil (and no input consumed) if the brace is a literal.
    private mutating func counted() throws(CELError) -> (Int, Int?)? {
        let start = i
        i += 1
        func number() -> Int? {
            var digits = ""
            while let c = peek(), c.properties.numericType == .decimal, c.isASCII { digits.unicodeScalars.append(c); i += 1 }
            return Int(digits)
        }
        guard let lo = number() else { i = start; return nil }
        var hi: Int? = lo
        if peek() == "," {
            i += 1
            hi = number()
        }
        guard peek() == "}" else { i = start; return nil }
        i += 1
        guard lo <= 1000, (hi ?? 0) <= 1000, hi.map({ $0 >= lo }) ?? true else { throw fail("invalid repeat count") }
        return (lo, hi)
    }

    private mutating func atom() throws(CELError) -> RegexNode {
        guard let c = peek() else { throw fail("unexpected end") }
        i += 1
        switch c {
        case "(": return try group()
        case "[": return .scalars(fold(try charClass()))
        case ".": return .scalars(dotAll ? .any : .anyButNewline)
        case "^": return .assertion(multiLine ? .lineStart : .textStart)
        case "$": return .assertion(multiLine ? .lineEnd : .textEnd)
        case "\\":
            if let assertion = escapedAssertion() { return .assertion(assertion) }
            return .scalars(fold(try escape()))
        case "*", "+", "?": throw fail("missing argument to repetition operator: '\(c)'")
        default: return .scalars(fold(.single(c.value)))
        }
    }

    private func fold(_ set: ScalarSet) -> ScalarSet { caseInsensitive ? set.caseFolded() : set }

    private mutating func group() throws(CELError) -> RegexNode {
        if peek() == "?" {
            i += 1
            if peek() == "P" || peek() == "<" {
                if peek() == "P" { i += 1 }
                guard peek() == "<" else { throw fail("invalid named group") }
                while let c = peek(), c != ">" { i += 1 }
                guard peek() == ">" else { throw fail("invalid named group") }
                i += 1
            } else {
                // Flags: (?i) (?s) (?m) (?-i) or (?i:...)
                var on = true
                let saved = (caseInsensitive, dotAll, multiLine)
                while let c = peek(), c != ")", c != ":" {
                    switch c {
                    case "i": caseInsensitive = on
                    case "s": dotAll = on
                    case "m": multiLine = on
                    case "U": break
                    case "-": on = false
                    default: throw fail("invalid or unsupported Perl syntax '(?\(c)'")
                    }
                    i += 1
                }
                guard let end = peek() else { throw fail("missing ')'") }
                i += 1
                if end == ")" { return .empty }   // flags apply to the rest of the enclosing group
                let inner = try alternation()
                guard peek() == ")" else { throw fail("missing ')'") }
                i += 1
                (caseInsensitive, dotAll, multiLine) = saved
                return inner
            }
        }
        let saved = (caseInsensitive, dotAll, multiLine)
        let inner = try alternation()
        (caseInsensitive, dotAll, multiLine) = saved
        guard peek() == ")" else { throw fail("missing ')'") }
        i += 1
        return inner
    }

    /// After a backslash: `\A \z \b \B` (consumed), or nil for an escape that stands for scalars.
    private mutating func escapedAssertion() -> RegexAssertion? {
        let assertions: [Unicode.Scalar: RegexAssertion] = ["A": .textStart, "z": .textEnd, "b": .wordBoundary, "B": .notWordBoundary]
        guard let c = peek(), let assertion = assertions[c] else { return nil }
        i += 1
        return assertion
    }

    /// After a backslash: the scalars the escape stands for.
    private mutating func escape() throws(CELError) -> ScalarSet {
        guard let c = peek() else { throw fail("trailing backslash") }
        i += 1
        switch c {
        case "d": return .digit
        case "D": return ScalarSet(ranges: ScalarSet.digit.ranges, negated: true)
        case "w": return .word
        case "W": return ScalarSet(ranges: ScalarSet.word.ranges, negated: true)
        case "s": return .space
        case "S": return ScalarSet(ranges: ScalarSet.space.ranges, negated: true)
        case "n": return .single(10)
        case "t": return .single(9)
        case "r": return .single(13)
        case "f": return .single(12)
        case "v": return .single(11)
        case "a": return .single(7)
        case "x":
            var hex = ""
            if peek() == "{" {
                i += 1
                while let h = peek(), h != "}" { hex.unicodeScalars.append(h); i += 1 }
                i += 1
            } else {
                for _ in 0..<2 { if let h = peek() { hex.unicodeScalars.append(h); i += 1 } }
            }
            guard let v = UInt32(hex, radix: 16) else { throw fail("invalid escape \\x\(hex)") }
            return .single(v)
        case "A", "z", "b", "B":
            throw fail("invalid escape \\\(c) in a character class")
        case "p", "P":
            throw fail("Unicode classes \\p are not supported")
        default:
            if c.properties.isAlphabetic || c.properties.numericType != nil {
                throw fail("invalid escape sequence \\\(c)")
            }
            return .single(c.value)   // escaped punctuation is itself
        }
    }

    private mutating func charClass() throws(CELError) -> ScalarSet {
        var set = ScalarSet()
        if peek() == "^" { set.negated = true; i += 1 }
        var first = true
        while let c = peek(), c != "]" || first {
            first = false
            if c == "[", i + 1 < chars.count, chars[i + 1] == ":" {
                set.ranges += try posixClass()
                continue
            }
            i += 1
            var lo: UInt32
            if c == "\\" {
                let escaped = try escape()
                if escaped.negated || escaped.ranges.count != 1 || escaped.ranges[0].count != 1 {
                    guard !escaped.negated else { throw fail("negated escapes inside classes are not supported") }
                    set.ranges += escaped.ranges
                    continue
                }
                lo = escaped.ranges[0].lowerBound
            } else {
                lo = c.value
            }
            if peek() == "-", i + 1 < chars.count, chars[i + 1] != "]" {
                i += 1
                guard var hiScalar = peek() else { throw fail("missing ']'") }
                i += 1
                if hiScalar == "\\" {
                    let e = try escape()
                    guard e.ranges.count == 1, let s = Unicode.Scalar(e.ranges[0].lowerBound) else {
                        throw fail("invalid class range")
                    }
                    hiScalar = s
                }
                guard hiScalar.value >= lo else { throw fail("invalid character class range") }
                set.ranges.append(lo...hiScalar.value)
            } else {
                set.ranges.append(lo...lo)
            }
        }
        guard peek() == "]" else { throw fail("missing closing ]") }
        i += 1
        return set
    }

    private mutating func posixClass() throws(CELError) -> [ClosedRange<UInt32>] {
        var name = ""
        i += 2
        while let c = peek(), c != ":" { name.unicodeScalars.append(c); i += 1 }
        i += 1
        guard peek() == "]" else { throw fail("invalid POSIX class") }
        i += 1
        switch name {
        case "alpha": return [65...90, 97...122]
        case "digit": return [48...57]
        case "alnum": return [48...57, 65...90, 97...122]
        case "upper": return [65...90]
        case "lower": return [97...122]
        case "space": return [9...13, 32...32]
        case "word": return ScalarSet.word.ranges
        case "xdigit": return [48...57, 65...70, 97...102]
        case "punct": return [33...47, 58...64, 91...96, 123...126]
        default: throw fail("unknown POSIX class [:\(name):]")
        }
    }
}

import StewardCore
import Testing

/// Strings are read on a fast path when they hold no escape; ASCII is taken as it is, anything
/// else is checked as UTF-8.
struct JSONParserTests {
    static func string(_ bytes: [UInt8]) throws(JSONParser.Failure) -> String? {
        if case .string(let s) = try JSONParser.parse(bytes) { return s }
        return nil
    }

    @Test func readsASCIIAndOtherUTF8AndEscapes() throws {
        #expect(try Self.string(Array(#""public.orders""#.utf8)) == "public.orders")
        #expect(try Self.string(Array(#""Zürich 東京 🚀""#.utf8)) == "Zürich 東京 🚀")
        #expect(try Self.string(Array(#""a\"b\\c\n\u00e9\ud83d\ude80""#.utf8)) == "a\"b\\c\né🚀")
        #expect(try Self.string(Array(#""""#.utf8)) == "")
    }

    @Test(arguments: [
        [0x22, 0xC3, 0x28, 0x22],              // a lead byte followed by no continuation
        [0x22, 0x61, 0xFF, 0x22],              // never valid in UTF-8
        [0x22, 0xED, 0xA0, 0x80, 0x22],        // an encoded surrogate
        [0x22, 0x5C, 0x6E, 0xC3, 0x22],        // after an escape, a truncated sequence
    ] as [[UInt8]])
    func refusesInvalidUTF8(_ bytes: [UInt8]) {
        do {
            let s = try Self.string(bytes)
            Issue.record("read \(s.debugDescription)")
        } catch {
            #expect(error.message.hasPrefix("invalid UTF-8 in a string at byte"))
        }
    }

    @Test func refusesControlCharactersAndUnterminatedStrings() {
        #expect(throws: JSONParser.Failure.self) { try Self.string([0x22, 0x61, 0x0A, 0x22]) }
        #expect(throws: JSONParser.Failure.self) { try Self.string([0x22, 0x61, 0x62]) }
    }
}

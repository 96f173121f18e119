import Testing
@testable import StewardCore

@Suite struct TimestampTests {
    @Test func parsesUTCAndOffsetsToTheSameInstant() throws {
        let utc = try Timestamp(rfc3339: "2026-11-21T10:00:00Z")
        let plusOne = try Timestamp(rfc3339: "2026-11-21T11:00:00+01:00")
        let minus = try Timestamp(rfc3339: "2026-11-21T05:30:00-04:30")
        #expect(utc == plusOne)
        #expect(utc == minus)
        #expect(utc.microseconds == 1_795_255_200_000_000)
    }

    @Test func keepsMicrosecondsAndFormatsBack() throws {
        let t = try Timestamp(rfc3339: "2024-02-29T23:59:59.123456Z")
        #expect(t.rfc3339 == "2024-02-29T23:59:59.123456Z")
        #expect(try Timestamp(rfc3339: "1970-01-01T00:00:00Z").microseconds == 0)
        #expect(try Timestamp(rfc3339: "1969-12-31T23:59:59.5Z").rfc3339 == "1969-12-31T23:59:59.5Z")
        #expect(try Timestamp(rfc3339: "2026-01-02T03:04:05.000070Z").rfc3339 == "2026-01-02T03:04:05.00007Z")
        #expect(try Timestamp(rfc3339: "0001-01-01T00:00:00Z").rfc3339 == "0001-01-01T00:00:00Z")
        #expect(try Timestamp(rfc3339: "9999-12-31T23:59:59.999999Z").rfc3339 == "9999-12-31T23:59:59.999999Z")
    }

    @Test func wholeSecondsRoundsDownOnBothSidesOfTheEpoch() throws {
        #expect(try Timestamp(rfc3339: "2026-11-21T10:00:00.999999Z").wholeSeconds.rfc3339 == "2026-11-21T10:00:00Z")
        #expect(try Timestamp(rfc3339: "2026-11-21T10:00:00Z").wholeSeconds.rfc3339 == "2026-11-21T10:00:00Z")
        #expect(try Timestamp(rfc3339: "1969-12-31T23:59:59.5Z").wholeSeconds.rfc3339 == "1969-12-31T23:59:59Z")
    }

    @Test(arguments: ["", "2026-11-21", "2026-11-21T10:00:00", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                      "2026-11-21T25:00:00Z", "2026-11-21T10:00:00.Z", "2026-11-21T10:00:00+0100", "2026-11-21T10:00:00Zjunk"])
    func rejectsMalformed(_ text: String) {
        #expect(throws: CoreError.self) { try Timestamp(rfc3339: text) }
    }
}

@Suite struct ISODurationTests {
    @Test func parsesCommonForms() throws {
        #expect(try ISODuration("PT1H").seconds == 3600)
        #expect(try ISODuration("P365D").seconds == 365 * 86_400)
        #expect(try ISODuration("P1DT2H30M").seconds == 86_400 + 2 * 3600 + 1800)
        #expect(try ISODuration("PT0.5S").seconds == 0.5)
        #expect(try ISODuration("PT0,5S").seconds == 0.5)
        #expect(try ISODuration("PT0,5S").text == "PT0,5S")
        #expect(try ISODuration("P2W").seconds == 14 * 86_400)
        #expect(try ISODuration("P1Y").seconds == 365 * 86_400)
    }

    @Test(arguments: ["", "P", "PT", "1H", "PT1D", "P1H", "P-1D", "PT1", "P1DT", "PT1.2.3S", "PT,S"])
    func rejectsMalformed(_ text: String) {
        #expect(throws: CoreError.self) { try ISODuration(text) }
    }

    /// A CEL duration's range (int64 nanoseconds): anything longer could not reach policies.
    @Test func allowsUpTo292Years() throws {
        #expect(try ISODuration("P292Y").seconds == 292 * 365 * 86_400)
        #expect(throws: CoreError.durationOutOfRange) { try ISODuration("P293Y") }
        #expect(throws: CoreError.durationOutOfRange) { try ISODuration("P3999999999999999999990D") }
        #expect(throws: CoreError.durationOutOfRange) { try ISODuration("P" + String(repeating: "9", count: 400) + "D") }
    }
}

@Suite struct IdentifierTests {
    @Test func acceptsMeshNames() throws {
        #expect(try DomainName("payments").rawValue == "payments")
        #expect(try ProductID(path: "payments/card-transactions").name == "card-transactions")
    }

    @Test(arguments: ["", "Payments", "-x", "a/b", "a b", "<script>", String(repeating: "a", count: 64)])
    func rejectsUnsafeNames(_ text: String) {
        #expect(throws: CoreError.self) { try DomainName(text) }
    }
}

@Suite struct JSONWriterTests {
    @Test func escapesControlCharactersQuotesAndBackslashes() {
        var w = JSONWriter()
        w.beginObject()
        w.field("s", "a\"b\\c\nd\u{01}é")
        w.field("n", 1.5)
        w.field("i", Int64(-3))
        w.endObject()
        #expect(w.output == #"{"s":"a\"b\\c\nd\u0001é","n":1.5,"i":-3}"#)
    }
}

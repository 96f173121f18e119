import Foundation

/// A CEL duration: seconds and nanoseconds with the same sign, limited (as in cel-go) to what
/// Int64 nanoseconds can hold, about ±292 years.
public struct CELDuration: Sendable, Hashable, Comparable {
    public let seconds: Int64
    public let nanos: Int32
    static let maxSeconds: Int64 = Int64.max / 1_000_000_000

    public init(seconds: Int64, nanos: Int64 = 0) throws(CELError) {
        var s = seconds, n = nanos
        let (carry, rest) = n.quotientAndRemainder(dividingBy: 1_000_000_000)
        let (sum, overflow) = s.addingReportingOverflow(carry)
        guard !overflow else { throw CELError(.overflow, "duration out of range") }
        s = sum
        n = rest
        if s > 0, n < 0 { s -= 1; n += 1_000_000_000 }
        if s < 0, n > 0 { s += 1; n -= 1_000_000_000 }
        self.seconds = s
        self.nanos = Int32(n)
        guard abs(s) <= CELDuration.maxSeconds, totalNanoseconds != nil else { throw CELError(.overflow, "duration out of range") }
    }

    public static func < (a: CELDuration, b: CELDuration) -> Bool {
        (a.seconds, a.nanos) < (b.seconds, b.nanos)
    }

    public static func + (a: CELDuration, b: CELDuration) throws(CELError) -> CELDuration {
        try CELDuration(seconds: a.seconds + b.seconds, nanos: Int64(a.nanos) + Int64(b.nanos))
    }

    public func negated() throws(CELError) -> CELDuration {
        try CELDuration(seconds: -seconds, nanos: -Int64(nanos))
    }

    /// Go's duration syntax, as CEL uses: "1h30m", "1.5s", "-250ms", "10us", "3ns".
    public init(parsing text: String) throws(CELError) {
        let bad = CELError(.invalidArgument, "invalid duration '\(text)': use forms such as '90s', '1h30m' or '250ms'")
        var chars = Substring(text)
        var negative = false
        if chars.first == "-" || chars.first == "+" { negative = chars.first == "-"; chars.removeFirst() }
        if chars == "0" { self = try CELDuration(seconds: 0); return }
        guard !chars.isEmpty else { throw bad }
        var seconds: Int64 = 0, nanos: Int64 = 0
        let overflow = CELError(.overflow, "duration out of range")
        while !chars.isEmpty {
            let whole = chars.prefix { $0.isASCII && $0.isNumber }
            chars = chars.dropFirst(whole.count)
            var fraction: Substring = ""
            if chars.first == "." {
                fraction = chars.dropFirst().prefix { $0.isASCII && $0.isNumber }
                chars = chars.dropFirst(1 + fraction.count)
            }
            guard !whole.isEmpty || !fraction.isEmpty else { throw bad }
            let unit = chars.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            chars = chars.dropFirst(unit.count)
            let scale: Int64
            switch unit {
            case "h": scale = 3_600_000_000_000
            case "m": scale = 60_000_000_000
            case "s": scale = 1_000_000_000
            case "ms": scale = 1_000_000
            case "us", "\u{B5}s", "\u{3BC}s": scale = 1_000
            case "ns": scale = 1
            default: throw bad
            }
            // Whole units stay exact; only a fraction goes through Double.
            guard let count = whole.isEmpty ? 0 : Int64(whole) else { throw overflow }
            if scale >= 1_000_000_000 {
                let (s, o) = count.multipliedReportingOverflow(by: scale / 1_000_000_000)
                guard !o else { throw overflow }
                seconds = seconds.addingReportingOverflow(s).partialValue
            } else {
                let (n, o) = count.multipliedReportingOverflow(by: scale)
                guard !o else { throw overflow }
                nanos += n
            }
            if !fraction.isEmpty, let f = Double("0." + fraction) {
                nanos += Int64((f * Double(scale)).rounded())
            }
            guard abs(seconds) <= CELDuration.maxSeconds + 1 else { throw overflow }
        }
        self = try CELDuration(seconds: negative ? -seconds : seconds, nanos: negative ? -nanos : nanos)
    }

    /// "1.5s" style, as cel-go prints durations.
    public var text: String {
        if nanos == 0 { return "\(seconds)s" }
        let negative = seconds < 0 || nanos < 0
        var fraction = String(abs(Int64(nanos)))
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(negative ? "-" : "")\(abs(seconds)).\(fraction)s"
    }

    public var totalNanoseconds: Int64? {
        let (a, o1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (b, o2) = a.addingReportingOverflow(Int64(nanos))
        return o1 || o2 ? nil : b
    }
}

/// A CEL timestamp: seconds since the Unix epoch plus nanoseconds, from 0001-01-01 to 9999-12-31.
public struct CELTimestamp: Sendable, Hashable, Comparable {
    public let seconds: Int64
    public let nanos: Int32
    static let minSeconds: Int64 = -62_135_596_800
    static let maxSeconds: Int64 = 253_402_300_799

    public init(seconds: Int64, nanos: Int64 = 0) throws(CELError) {
        let (carry, rest) = nanos.quotientAndRemainder(dividingBy: 1_000_000_000)
        var s = seconds + carry, n = rest
        if n < 0 { s -= 1; n += 1_000_000_000 }
        guard s >= CELTimestamp.minSeconds, s <= CELTimestamp.maxSeconds else {
            throw CELError(.overflow, "timestamp out of range")
        }
        self.seconds = s
        self.nanos = Int32(n)
    }

    public static func < (a: CELTimestamp, b: CELTimestamp) -> Bool {
        (a.seconds, a.nanos) < (b.seconds, b.nanos)
    }

    public func adding(_ d: CELDuration) throws(CELError) -> CELTimestamp {
        try CELTimestamp(seconds: seconds + d.seconds, nanos: Int64(nanos) + Int64(d.nanos))
    }

    public func difference(_ other: CELTimestamp) throws(CELError) -> CELDuration {
        try CELDuration(seconds: seconds - other.seconds, nanos: Int64(nanos) - Int64(other.nanos))
    }

    /// RFC 3339: "2009-02-13T23:31:30Z", "2009-02-13T23:31:30.123+01:00".
    public init(parsing text: String) throws(CELError) {
        let bad = CELError(.invalidArgument, "invalid timestamp '\(text)': use RFC 3339 such as '2024-01-31T12:00:00Z'")
        let b = Array(text.utf8)
        func digits(_ at: Int, _ count: Int) -> Int64? {
            guard at + count <= b.count else { return nil }
            var v: Int64 = 0
            for i in at..<(at + count) {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                v = v * 10 + Int64(b[i] - 0x30)
            }
            return v
        }
        // Years of five digits exist only to be rejected as out of range.
        var yearDigits = 4
        while yearDigits < b.count, b[yearDigits] >= 0x30, b[yearDigits] <= 0x39 { yearDigits += 1 }
        let o = yearDigits - 4
        guard let year = digits(0, yearDigits), b.count >= 20 + o,
              b[4 + o] == UInt8(ascii: "-"), let month = digits(5 + o, 2), b[7 + o] == UInt8(ascii: "-"),
              let day = digits(8 + o, 2), b[10 + o] | 0x20 == UInt8(ascii: "t"),
              let hour = digits(11 + o, 2), b[13 + o] == UInt8(ascii: ":"), let minute = digits(14 + o, 2),
              b[16 + o] == UInt8(ascii: ":"), let second = digits(17 + o, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { throw bad }
        var i = 19 + o
        var nanos: Int64 = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var count = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                if count < 9 { nanos = nanos * 10 + Int64(b[i] - 0x30) }
                count += 1
                i += 1
            }
            guard count > 0 else { throw bad }
            for _ in count..<9 where count < 9 { nanos *= 10 }
        }
        guard i < b.count else { throw bad }
        var offset: Int64 = 0
        if b[i] | 0x20 == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard let oh = digits(i + 1, 2), i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"), let om = digits(i + 4, 2) else { throw bad }
            offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        } else { throw bad }
        guard i == b.count else { throw bad }
        guard year >= 1, year <= 9999 else { throw CELError(.overflow, "timestamp out of range") }
        let days = daysFromCivil(year, month, day)
        self = try CELTimestamp(seconds: days * 86_400 + hour * 3600 + minute * 60 + second - offset, nanos: nanos)
    }

    /// RFC 3339 in UTC with the fraction trimmed, as cel-go prints timestamps.
    public var text: String {
        let c = civil(offsetSeconds: 0)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        var out = "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))"
        if nanos != 0 {
            var fraction = pad(Int64(nanos), 9)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            out += "." + fraction
        }
        return out + "Z"
    }

    struct Civil {
        let year, month, day, hour, minute, second, dayOfWeek, dayOfYear: Int64
    }

    func civil(offsetSeconds: Int64) -> Civil {
        let local = seconds + offsetSeconds
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = local - days * 86_400
        let (y, m, d) = civilFromDays(days)
        let dayOfWeek = ((days % 7) + 11) % 7   // 1970-01-01 was a Thursday (4)
        return Civil(year: y, month: m, day: d, hour: secondOfDay / 3600, minute: secondOfDay % 3600 / 60,
                     second: secondOfDay % 60, dayOfWeek: dayOfWeek, dayOfYear: days - daysFromCivil(y, 1, 1))
    }

    /// Seconds east of UTC for a zone given as an IANA name ("America/New_York"), "UTC", or a
    /// fixed offset ("+05:30", "-08:00", "02:00").
    func offset(inZone zone: String) throws(CELError) -> Int64 {
        let b = Array(zone.utf8)
        if let first = b.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || (first >= 0x30 && first <= 0x39) {
            let signed = first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
            let body = zone.dropFirst(signed ? 1 : 0).split(separator: ":")
            guard body.count == 2, let h = Int64(body[0]), let m = Int64(body[1]), h < 24, m < 60 else {
                throw CELError(.invalidArgument, "invalid time zone '\(zone)'")
            }
            return (h * 3600 + m * 60) * (first == UInt8(ascii: "-") ? -1 : 1)
        }
        guard let tz = TimeZone(identifier: zone) else {
            throw CELError(.invalidArgument, "unknown time zone '\(zone)': use an IANA name such as 'Europe/Paris' or an offset such as '+01:00'")
        }
        return Int64(tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))))
    }
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
}

func civilFromDays(_ z0: Int64) -> (Int64, Int64, Int64) {
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A point in time as microseconds since the Unix epoch (UTC).
///
/// Observations carry two timestamps each and batches hold thousands, so parsing and
/// formatting are hand-written: Foundation's ISO 8601 formatter costs microseconds per call.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }
    public init(_ date: Date) { microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }
    public static var now: Timestamp { Timestamp(Date()) }

    public var date: Date { Date(timeIntervalSince1970: Double(microseconds) / 1_000_000) }
    public static func < (a: Self, b: Self) -> Bool { a.microseconds < b.microseconds }

    public func adding(seconds: Double) -> Timestamp {
        Timestamp(microseconds: microseconds + Int64(seconds * 1_000_000))
    }
    /// Seconds from `self` to `later`.
    public func seconds(until later: Timestamp) -> Double {
        Double(later.microseconds - microseconds) / 1_000_000
    }

    /// Parses RFC 3339 (`2026-11-21T10:00:00Z`, `2026-11-21T10:00:00.123+01:00`).
    public init(rfc3339 text: String) throws(CoreError) {
        var text = text
        let result: Int64? = text.withUTF8 { Self.parse($0) }
        guard let result else { throw CoreError.invalidTimestamp("expected e.g. 2026-11-21T10:00:00Z") }
        microseconds = result
    }

    private static func parse(_ s: UnsafeBufferPointer<UInt8>) -> Int64? {
        // YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)
        guard s.count >= 20 else { return nil }
        func digits(_ at: Int, _ n: Int) -> Int? {
            var v = 0
            for i in at..<(at + n) {
                let d = Int(s[i]) - 48
                guard d >= 0 && d <= 9 else { return nil }
                v = v * 10 + d
            }
            return v
        }
        guard let year = digits(0, 4), s[4] == 0x2D, let month = digits(5, 2), s[7] == 0x2D,
              let day = digits(8, 2), s[10] == 0x54 || s[10] == 0x74 || s[10] == 0x20,
              let hour = digits(11, 2), s[13] == 0x3A, let minute = digits(14, 2), s[16] == 0x3A,
              let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 61 else { return nil }
        var i = 19
        var micros = 0
        if i < s.count, s[i] == 0x2E {
            i += 1
            var scale = 100_000
            let start = i
            while i < s.count, s[i] >= 48, s[i] <= 57 {
                micros += Int(s[i] - 48) * scale
                scale /= 10
                i += 1
            }
            if i == start { return nil }
        }
        guard i < s.count else { return nil }
        var offset = 0
        switch s[i] {
        case 0x5A, 0x7A: i += 1
        case 0x2B, 0x2D:
            guard i + 6 == s.count, let oh = digits(i + 1, 2), s[i + 3] == 0x3A, let om = digits(i + 4, 2),
                  oh < 24, om < 60 else { return nil }
            offset = (oh * 60 + om) * 60 * (s[i] == 0x2B ? 1 : -1)
            i += 6
        default: return nil
        }
        guard i == s.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let secs = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offset)
        return secs * 1_000_000 + Int64(micros)
    }

    /// This time without its fraction of a second (rounded down), for tables and pages people read.
    public var wholeSeconds: Timestamp {
        Timestamp(microseconds: microseconds - (microseconds % 1_000_000 + 1_000_000) % 1_000_000)
    }

    /// RFC 3339 in UTC, with microseconds only when they are not zero.
    public var rfc3339: String {
        String(unsafeUninitializedCapacity: Self.rfc3339MaxLength) { write(rfc3339To: $0) }
    }

    /// Room `write(rfc3339To:)` needs at most.
    public static let rfc3339MaxLength = 40

    /// Writes the RFC 3339 form into `out` (at least `rfc3339MaxLength` bytes), returning its length.
    /// Byte by byte, without an allocation: every stored observation's payload carries its times,
    /// and string interpolation of padded parts was 2% of the server's CPU.
    public func write(rfc3339To out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var secs = microseconds / 1_000_000
        var micros = microseconds % 1_000_000
        if micros < 0 { micros += 1_000_000; secs -= 1 }
        var days = secs / 86_400
        var rem = secs % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let (y, m, d) = Self.civilFromDays(Int(days))
        let r = Int(rem)
        var i = 0
        func byte(_ c: UInt8) { out[i] = c; i += 1 }
        func digits(_ v: Int, _ width: Int) {
            var count = 1, rest = v
            while rest >= 10 { rest /= 10; count += 1 }
            count = max(count, width)
            rest = v
            for k in stride(from: i + count - 1, through: i, by: -1) { out[k] = UInt8(48 + rest % 10); rest /= 10 }
            i += count
        }
        if y < 0 { byte(0x2D) }
        digits(abs(y), 4); byte(0x2D); digits(m, 2); byte(0x2D); digits(d, 2); byte(0x54)
        digits(r / 3600, 2); byte(0x3A); digits(r % 3600 / 60, 2); byte(0x3A); digits(r % 60, 2)
        if micros != 0 {
            var fraction = Int(micros), width = 6
            while fraction % 10 == 0 { fraction /= 10; width -= 1 }
            byte(0x2E); digits(fraction, width)
        }
        byte(0x5A)
        return i
    }

    public var description: String { rfc3339 }

    private static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
    // Howard Hinnant's days_from_civil / civil_from_days.
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
    private static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

extension Timestamp: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(rfc3339: text)
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rfc3339)
    }
}

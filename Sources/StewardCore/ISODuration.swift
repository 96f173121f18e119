/// An ISO 8601 duration such as `PT1H`, `P365D` or `P1Y2M`, kept as written and as seconds.
///
/// Years and months have no fixed length; for SLOs and retention Steward counts a year as
/// 365 days and a month as 30 days, as most data-retention tooling does.
public struct ISODuration: Hashable, Sendable, Codable, CustomStringConvertible {
    public let text: String
    public let seconds: Double

    public init(_ text: String) throws(CoreError) {
        var chars = Substring(text)
        guard chars.first == "P", chars.count > 1 else {
            throw CoreError.invalidDuration("must start with P, e.g. PT1H or P30D")
        }
        chars.removeFirst()
        var total = 0.0
        var inTime = false
        var number = ""
        var sawComponent = false
        var sawTimeComponent = false
        for c in chars {
            if c == "T" {
                guard !inTime, number.isEmpty else { throw CoreError.invalidDuration("misplaced T") }
                inTime = true
                continue
            }
            // ISO 8601 allows a comma as the decimal sign (PT0,5S), and prefers it.
            if c.isASCII && (c.isNumber || c == "." || c == ",") {
                number.append(c == "," ? "." : c)
                continue
            }
            guard let value = Double(number), value >= 0 else {
                throw CoreError.invalidDuration("expected a number before \(c)")
            }
            let unit: Double
            switch (c, inTime) {
            case ("Y", false): unit = 365 * 86_400
            case ("M", false): unit = 30 * 86_400
            case ("W", false): unit = 7 * 86_400
            case ("D", false): unit = 86_400
            case ("H", true): unit = 3_600
            case ("M", true): unit = 60
            case ("S", true): unit = 1
            default: throw CoreError.invalidDuration("unexpected designator \(c)")
            }
            total += value * unit
            number = ""
            sawComponent = true
            sawTimeComponent = sawTimeComponent || inTime
        }
        guard number.isEmpty, sawComponent, !inTime || sawTimeComponent else {
            throw CoreError.invalidDuration("incomplete, e.g. PT1H or P30D")
        }
        // Policies compare these as CEL durations: a longer one would not reach them at all.
        guard total <= Self.maxSeconds else { throw CoreError.durationOutOfRange }
        self.text = text
        self.seconds = total
    }

    /// The longest CEL duration (its nanoseconds fit an Int64): about 292 years.
    public static let maxSeconds = 9_223_372_036.0

    public var description: String { text }

    public init(from decoder: any Decoder) throws {
        try self.init(decoder.singleValueContainer().decode(String.self))
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }
}

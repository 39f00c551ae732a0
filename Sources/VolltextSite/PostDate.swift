import Foundation

/// A post's date as written: the calendar day never shifts by a time zone, so
/// a post written `2017-11-02 23:30 +0100` stays on 2 November.
public struct PostDate: Sendable, Hashable, Comparable, Codable {
    public var year: Int, month: Int, day: Int
    public var hour = 0, minute = 0, second = 0
    /// Offset from UTC in seconds when the date names one; else the site's time zone applies.
    public var utcOffset: Int?

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, utcOffset: Int? = nil) {
        (self.year, self.month, self.day) = (year, month, day)
        (self.hour, self.minute, self.second) = (hour, minute, second)
        self.utcOffset = utcOffset
    }

    /// `YYYY-MM-DD`.
    public var day10: String {
        String(year, zeroPaddedTo: 4) + "-" + String(month, zeroPaddedTo: 2) + "-" + String(day, zeroPaddedTo: 2)
    }

    /// `YYYY-MM-DDTHH:MM:SS`, sortable as text.
    public var sortKey: String {
        day10 + "T" + String(hour, zeroPaddedTo: 2) + ":" + String(minute, zeroPaddedTo: 2) + ":" + String(second, zeroPaddedTo: 2)
    }

    /// The instant, reading a date without offset in `timeZone`.
    public func instant(in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utcOffset.flatMap(TimeZone.init(secondsFromGMT:)) ?? timeZone
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return calendar.date(from: components) ?? .distantPast
    }

    public static func < (lhs: PostDate, rhs: PostDate) -> Bool { lhs.sortKey < rhs.sortKey }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.fff]]` and ISO 8601 (`T`
    /// separator), each with an optional zone: `Z`, `+01:00`, `+0100`, `+01`.
    public init?(parsing text: String) {
        let bytes = Array(text.trimmed().utf8)
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for k in index..<(index + digits) {
                guard bytes[k] &- 0x30 < 10 else { return nil }
                value = value * 10 + Int(bytes[k] - 0x30)
            }
            index += digits
            return value
        }
        func skip(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = number(4), skip(0x2D), let month = number(2), skip(0x2D), let day = number(2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        self.init(year: year, month: month, day: day)
        if index == bytes.count { return }
        guard skip(0x20) || skip(0x54) else { return nil }  // " " or "T"
        // One-digit hours (`T8:00`) occur in real front matter, and Hugo reads them.
        let hourDigits = index + 1 < bytes.count && bytes[index + 1] == 0x3A ? 1 : 2
        guard let hour = number(hourDigits), skip(0x3A), let minute = number(2), hour < 24, minute < 60 else { return nil }
        (self.hour, self.minute) = (hour, minute)
        if skip(0x3A) {
            guard let second = number(2), second < 61 else { return nil }
            self.second = second
            if skip(0x2E) { while index < bytes.count, bytes[index] &- 0x30 < 10 { index += 1 } }
        }
        _ = skip(0x20)
        if index == bytes.count { return }
        if skip(0x5A) { utcOffset = 0 }  // Z
        else {
            let sign: Int
            if skip(0x2B) { sign = 1 } else if skip(0x2D) { sign = -1 } else { return nil }
            guard let hours = number(2) else { return nil }
            _ = skip(0x3A)
            let minutes = index < bytes.count ? number(2) : 0
            guard let minutes else { return nil }
            utcOffset = sign * (hours * 3600 + minutes * 60)
        }
        guard index == bytes.count else { return nil }
    }
}

extension String {
    /// A number with zeros in front up to `width` digits, as `%0<width>d` prints it,
    /// without Foundation's format parser: the index writes a post's date twice and
    /// its permalink once, and `String(format:)` was 4% of a build's writing thread.
    init(_ value: Int, zeroPaddedTo width: Int) {
        let digits = String(value.magnitude)
        let zeros = String(repeating: "0", count: Swift.max(0, width - digits.utf8.count - (value < 0 ? 1 : 0)))
        self = (value < 0 ? "-" : "") + zeros + digits
    }
}

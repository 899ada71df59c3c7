/// ISO 8601 durations and UTC timestamps as Pacemaker's `crm_resource --lifetime` reads and writes them.
/// Pure: the current time is passed in as seconds since the epoch.
public enum ISO8601 {
    /// A duration (`PT1H`, `P1D`, `P1Y2M3DT4H5M6S`, `P2W`); nil when the text is not one.
    /// Years and months stay calendar units, added on the calendar by `adding(_:to:)`.
    public static func duration(_ text: String) -> Duration? {
        guard text.hasPrefix("P"), text.count > 1 else { return nil }
        var result = Duration()
        var number = ""
        var inTime = false
        for character in text.dropFirst() {
            if character.isASCII && character.isNumber {
                number.append(character)
                continue
            }
            if character == "T" {
                guard number.isEmpty, !inTime else { return nil }
                inTime = true
                continue
            }
            guard let value = Int(number) else { return nil }
            number = ""
            switch (character, inTime) {
            case ("Y", false): result.years += value
            case ("M", false): result.months += value
            case ("W", false): result.seconds += value * 604_800
            case ("D", false): result.seconds += value * 86_400
            case ("H", true): result.seconds += value * 3_600
            case ("M", true): result.seconds += value * 60
            case ("S", true): result.seconds += value
            default: return nil
            }
        }
        return number.isEmpty ? result : nil
    }

    /// A parsed duration: calendar years and months plus exact seconds.
    public struct Duration: Equatable, Sendable {
        /// Calendar years.
        public var years = 0
        /// Calendar months.
        public var months = 0
        /// Weeks, days, hours, minutes and seconds, in seconds.
        public var seconds = 0

        /// A duration of `years`, `months` and `seconds`.
        public init(years: Int = 0, months: Int = 0, seconds: Int = 0) {
            self.years = years
            self.months = months
            self.seconds = seconds
        }
    }

    /// `now` (seconds since the epoch, UTC) plus `duration`, months and years added on the calendar.
    public static func adding(_ duration: Duration, to now: Int) -> Int {
        var (year, month, day, secondOfDay) = civil(now)
        let totalMonths = year * 12 + (month - 1) + duration.years * 12 + duration.months
        year = totalMonths / 12
        month = totalMonths % 12 + 1
        day = min(day, daysIn(month: month, year: year))
        return daysFromCivil(year, month, day) * 86_400 + secondOfDay + duration.seconds
    }

    /// `YYYY-MM-DD HH:MM:SSZ`, the form Pacemaker writes into a lifetime's `date_expression`.
    public static func timestamp(_ seconds: Int) -> String {
        let (year, month, day, secondOfDay) = civil(seconds)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))Z"
    }

    private static func civil(_ seconds: Int) -> (Int, Int, Int, Int) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Howard Hinnant's days-to-civil.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day, secondOfDay)
    }

    private static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthPrime = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthPrime + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// Dates for rules, in UTC epoch seconds, with the ISO 8601 forms the CIB uses.
enum CalendarDate {
    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = (month + 9) % 12
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day number.
    static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// ISO weekday, 1 = Monday ... 7 = Sunday.
    static func weekday(days: Int) -> Int {
        let value = (days + 3) % 7  // 1970-01-01 was a Thursday (ISO 4)
        return (value < 0 ? value + 7 : value) + 1
    }

    /// ISO week-numbering year and week of a day.
    static func isoWeek(days: Int) -> (year: Int, week: Int) {
        let date = civil(days: days)
        let thursday = days - weekday(days: days) + 4
        let thursdayYear = civil(days: thursday).year
        let firstDay = Self.days(year: thursdayYear, month: 1, day: 1)
        _ = date
        return (thursdayYear, (thursday - firstDay) / 7 + 1)
    }

    /// Parses an ISO 8601 date-time (`2005-01-20 00:00:00Z`, `2019-06-28T14:00:00+02:00`, `2005-020`,
    /// `2005-W03-4`), taken as UTC when no offset is given. Returns epoch seconds.
    static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingSpaces
        var datePart = Substring(trimmed)
        var timePart: Substring = ""
        if let separator = trimmed.firstIndex(where: { $0 == " " || $0 == "T" }) {
            datePart = trimmed[..<separator]
            timePart = trimmed[trimmed.index(after: separator)...]
        }
        guard let day = parseDay(datePart) else { return nil }
        var seconds = 0
        timePart = Substring(String(timePart).filter { $0 != " " })
        if !timePart.isEmpty {
            guard let time = parseTime(timePart) else { return nil }
            seconds = time
        }
        return day * 86_400 + seconds
    }

    private static func parseDay(_ text: Substring) -> Int? {
        let fields = text.split(separator: "-", omittingEmptySubsequences: false)
        guard let year = Int(fields.first ?? "") else { return nil }
        if fields.count == 3, fields[1].hasPrefix("W"), let week = Int(fields[1].dropFirst()),
            let weekday = Int(fields[2])
        {
            let jan4 = days(year: year, month: 1, day: 4)
            let mondayWeek1 = jan4 - (Self.weekday(days: jan4) - 1)
            return mondayWeek1 + (week - 1) * 7 + (weekday - 1)
        }
        if fields.count == 3, let month = Int(fields[1]), let day = Int(fields[2]) {
            guard (1...12).contains(month), (1...31).contains(day) else { return nil }
            return days(year: year, month: month, day: day)
        }
        if fields.count == 2, fields[1].count == 3, let ordinal = Int(fields[1]) {
            return days(year: year, month: 1, day: 1) + ordinal - 1
        }
        if fields.count == 2, let month = Int(fields[1]) { return days(year: year, month: month, day: 1) }
        if fields.count == 1 { return days(year: year, month: 1, day: 1) }
        return nil
    }

    /// Seconds since midnight UTC for `HH:MM[:SS][Z|+hh[:mm]|-hh[:mm]]`.
    private static func parseTime(_ text: Substring) -> Int? {
        var clock = text
        var offset = 0
        if clock.hasSuffix("Z") {
            clock = clock.dropLast()
        } else if let sign = clock.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = clock[clock.index(after: sign)...].split(separator: ":")
            let hours = Int(zone.first.map { $0.count > 2 ? $0.prefix(2) : $0 } ?? "") ?? 0
            var minutes = zone.count > 1 ? Int(zone[1]) ?? 0 : 0
            if zone.count == 1, let first = zone.first, first.count == 4 { minutes = Int(first.suffix(2)) ?? 0 }
            offset = (hours * 3600 + minutes * 60) * (clock[sign] == "-" ? -1 : 1)
            clock = clock[..<sign]
        }
        let parts = clock.split(separator: ":")
        guard !parts.isEmpty, parts.count <= 3 else { return nil }
        var values: [Int] = []
        for part in parts {
            guard let value = Int(part.split(separator: ".").first ?? part) else { return nil }
            values.append(value)
        }
        while values.count < 3 { values.append(0) }
        return values[0] * 3600 + values[1] * 60 + values[2] - offset
    }

    /// Formats epoch seconds as Pacemaker prints dates: `2021-03-31 14:58:18Z`.
    static func format(_ seconds: Int) -> String {
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - day * 86_400
        let date = civil(days: day)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(date.year)-\(two(date.month))-\(two(date.day)) \(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))Z"
    }
}

/// A `duration` element or ISO 8601 period.
struct DateDuration: Sendable {
    var years = 0
    var months = 0
    var weeks = 0
    var days = 0
    var hours = 0
    var minutes = 0
    var seconds = 0

    /// Adds the duration to epoch seconds, months and years by the calendar.
    func added(to start: Int) -> Int {
        var day = start >= 0 ? start / 86_400 : (start - 86_399) / 86_400
        let rest = start - day * 86_400
        if years != 0 || months != 0 {
            let date = CalendarDate.civil(days: day)
            let totalMonths = date.year * 12 + (date.month - 1) + years * 12 + months
            let year = totalMonths / 12
            let month = totalMonths % 12 + 1
            let dayOfMonth = min(date.day, CalendarDate.daysInMonth(year: year, month: month))
            day = CalendarDate.days(year: year, month: month, day: dayOfMonth)
        }
        day += weeks * 7 + days
        return day * 86_400 + rest + hours * 3600 + minutes * 60 + seconds
    }
}

/// A `date_spec`: every given field must fall within its range.
struct DateSpec: Sendable {
    /// Field name to inclusive range.
    var ranges: [(field: String, low: Int, high: Int)]

    func matches(_ now: Int) -> Bool {
        let day = now >= 0 ? now / 86_400 : (now - 86_399) / 86_400
        let rest = now - day * 86_400
        let date = CalendarDate.civil(days: day)
        let week = CalendarDate.isoWeek(days: day)
        for (field, low, high) in ranges {
            let value: Int
            switch field {
            case "seconds": value = rest % 60
            case "minutes": value = rest / 60 % 60
            case "hours": value = rest / 3600
            case "monthdays": value = date.day
            case "weekdays": value = CalendarDate.weekday(days: day)
            case "yeardays": value = day - CalendarDate.days(year: date.year, month: 1, day: 1) + 1
            case "months": value = date.month
            case "weeks": value = week.week
            case "years": value = date.year
            case "weekyears": value = week.year
            default: continue
            }
            if value < low || value > high { return false }
        }
        return true
    }
}

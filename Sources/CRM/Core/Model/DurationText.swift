/// Parses Pacemaker interval and timeout specifications into milliseconds.
enum DurationText {
    /// `10`, `10s`, `500ms`, `5min`, `1h`, `PT10S`: milliseconds, or nil if unreadable.
    static func milliseconds(_ text: String) -> Int? {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty else { return nil }
        if trimmed.hasPrefix("P") { return iso8601(trimmed).map { $0 * 1000 } }
        let number = trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        let unit = String(trimmed.dropFirst(number.count)).trimmingSpaces.lowercased()
        guard let value = Double(number) else { return nil }
        let factor: Double
        switch unit {
        case "", "s", "sec", "secs", "second", "seconds": factor = 1000
        case "ms", "msec", "msecs": factor = 1
        case "us", "usec", "usecs": factor = 0.001
        case "m", "min", "mins", "minute", "minutes": factor = 60_000
        case "h", "hr", "hrs", "hour", "hours": factor = 3_600_000
        default: return nil
        }
        return Int(value * factor)
    }

    /// An ISO 8601 period in seconds (months as 30 days, years as 365, as Pacemaker does for intervals).
    static func iso8601(_ text: String) -> Int? {
        guard let duration = period(text) else { return nil }
        return duration.years * 365 * 86_400 + duration.months * 30 * 86_400 + duration.weeks * 7 * 86_400
            + duration.days * 86_400 + duration.hours * 3600 + duration.minutes * 60 + duration.seconds
    }

    /// Parses `P1Y2M3DT4H5M6S` / `P2W`.
    static func period(_ text: String) -> DateDuration? {
        guard text.hasPrefix("P") else { return nil }
        var duration = DateDuration()
        var inTime = false
        var number = ""
        for character in text.dropFirst() {
            if character == "T" {
                inTime = true
            } else if character.isNumber || character == "-" {
                number.append(character)
            } else {
                guard let value = Int(number) else { return nil }
                number = ""
                switch (character, inTime) {
                case ("Y", false): duration.years = value
                case ("M", false): duration.months = value
                case ("W", false): duration.weeks = value
                case ("D", false): duration.days = value
                case ("H", true): duration.hours = value
                case ("M", true): duration.minutes = value
                case ("S", true): duration.seconds = value
                default: return nil
                }
            }
        }
        return number.isEmpty ? duration : nil
    }
}

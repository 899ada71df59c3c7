/// Parsers for the value syntaxes Pacemaker accepts in a CIB, shared by the checks of crm_verify.
enum PacemakerValues {
    /// The score Pacemaker calls INFINITY.
    static let infinity = 1_000_000

    /// Pacemaker's booleans (`crm_is_true`/`crm_str_to_boolean`): nil when the text is neither.
    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "on", "yes", "y", "1": return true
        case "false", "off", "no", "n", "0": return false
        default: return nil
        }
    }

    /// A score: an integer (clamped to ±INFINITY) or `INFINITY`, `+INFINITY`, `-INFINITY`; nil otherwise.
    static func score(_ text: String) -> Int? {
        switch text {
        case "INFINITY", "+INFINITY": return infinity
        case "-INFINITY": return -infinity
        default:
            guard let value = Int(text.hasPrefix("+") ? String(text.dropFirst()) : text) else { return nil }
            return max(-infinity, min(infinity, value))
        }
    }

    /// An interval or timeout in milliseconds: a number with an optional unit (`ms`, `msec`, `us`, `usec`,
    /// `s`, `sec`, `m`, `min`, `h`, `hr`; seconds when none) or an ISO 8601 duration (`PT10S`, `P1DT2H`).
    static func milliseconds(_ text: String) -> Int? {
        let trimmed = text.trimmingWhitespace()
        if trimmed.hasPrefix("P") { return isoDurationMilliseconds(trimmed) }
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let value = Int(digits) else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmingWhitespace()
        switch unit {
        case "", "s", "sec": return value * 1000
        case "ms", "msec": return value
        case "us", "usec": return value / 1000
        case "m", "min": return value * 60_000
        case "h", "hr": return value * 3_600_000
        default: return nil
        }
    }

    private static func isoDurationMilliseconds(_ text: String) -> Int? {
        var total = 0
        var number = ""
        var inTime = false
        for character in text.dropFirst() {
            if character.isASCII && character.isNumber {
                number.append(character)
                continue
            }
            if character == "T" {
                inTime = true
                continue
            }
            guard let value = Int(number) else { return nil }
            number = ""
            switch (character, inTime) {
            case ("Y", false): total += value * 31_536_000_000
            case ("M", false): total += value * 2_592_000_000
            case ("W", false): total += value * 604_800_000
            case ("D", false): total += value * 86_400_000
            case ("H", true): total += value * 3_600_000
            case ("M", true): total += value * 60_000
            case ("S", true), ("S", false): total += value * 1000
            default: return nil
            }
        }
        return number.isEmpty && text.count > 1 ? total : nil
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        let characters = Array(self)
        guard let first = characters.firstIndex(where: { !$0.isWhitespace }),
            let last = characters.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(characters[first...last])
    }
}

/// Pacemaker's score arithmetic: integers clamped to ±INFINITY (1,000,000), where -INFINITY wins.
public enum Score {
    /// The value Pacemaker calls INFINITY.
    public static let infinity = 1_000_000

    /// Adds two scores: -INFINITY absorbs everything, then +INFINITY; sums are clamped.
    public static func add(_ a: Int, _ b: Int) -> Int {
        if a <= -infinity || b <= -infinity { return -infinity }
        if a >= infinity || b >= infinity { return infinity }
        return clamp(a + b)
    }

    /// Clamps a value to the range of scores.
    public static func clamp(_ value: Int) -> Int {
        max(-infinity, min(infinity, value))
    }

    /// Parses a score as Pacemaker does: `INFINITY`, `+INFINITY`, `-INFINITY`, the health colours, or an
    /// integer (a trailing fraction is ignored). Returns nil for text that is none of these.
    public static func parse(_ text: String, red: Int = -infinity, yellow: Int = 0, green: Int = 0) -> Int? {
        let trimmed = text.trimmingSpaces
        switch trimmed.lowercased() {
        case "infinity", "+infinity": return infinity
        case "-infinity": return -infinity
        case "red": return red
        case "yellow": return yellow
        case "green": return green
        default: break
        }
        var digits = Substring(trimmed)
        var negative = false
        if digits.first == "-" || digits.first == "+" {
            negative = digits.first == "-"
            digits = digits.dropFirst()
        }
        let integerPart = digits.prefix { $0.isASCII && $0.isNumber }
        guard !integerPart.isEmpty else { return nil }
        let rest = digits.dropFirst(integerPart.count)
        guard rest.isEmpty || rest.first == "." else { return nil }
        let magnitude = integerPart.count > 9 ? infinity : (Int(integerPart) ?? infinity)
        return clamp(negative ? -magnitude : magnitude)
    }

    /// Formats a score the way Pacemaker prints it (`INFINITY`, `-INFINITY` or the integer).
    public static func format(_ value: Int) -> String {
        if value >= infinity { return "INFINITY" }
        if value <= -infinity { return "-INFINITY" }
        return String(value)
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    var trimmingSpaces: String {
        // Fast path: printable ASCII at both ends means nothing to trim.
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x7F, last > 0x20, last < 0x7F {
            return self
        }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}

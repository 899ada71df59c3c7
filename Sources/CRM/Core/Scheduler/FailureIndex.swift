/// A node's fail-count and last-failure attributes, indexed by resource id once per run.
///
/// Attributes are named `fail-count-ID` or `fail-count-ID#OPERATION_INTERVAL` (likewise `last-failure-`);
/// a name is filed under its whole suffix and under every prefix that ends before a `#`, so a lookup by
/// resource id finds exactly the names equal to `fail-count-ID` or starting with `fail-count-ID#`.
struct FailureIndex {
    /// What one resource's failure attributes on one node say.
    struct Entry {
        /// Whether any `fail-count-` attribute names the resource.
        var hasCountAttribute = false
        /// Whether one of them is non-zero.
        var hasNonzeroCount = false
        /// The fail counts added up with score arithmetic.
        var count = 0
        /// The latest `last-failure-` time (epoch seconds), 0 when none.
        var lastFailure = 0
    }

    private var entries: [String: Entry] = [:]

    init(attributes: [String: String]) {
        for (name, value) in attributes {
            if name.hasPrefix("fail-count-") {
                let score = Score.parse(value) ?? 0
                for key in Self.keys(Substring(name).dropFirst("fail-count-".count)) {
                    entries[key, default: Entry()].hasCountAttribute = true
                    entries[key, default: Entry()].count = Score.add(entries[key, default: Entry()].count, score)
                    if score != 0 { entries[key, default: Entry()].hasNonzeroCount = true }
                }
            } else if name.hasPrefix("last-failure-") {
                let time = Int(value) ?? 0
                for key in Self.keys(Substring(name).dropFirst("last-failure-".count)) {
                    entries[key, default: Entry()].lastFailure = max(entries[key, default: Entry()].lastFailure, time)
                }
            }
        }
    }

    /// The whole suffix and each part before a `#`.
    private static func keys(_ suffix: Substring) -> [String] {
        var result = [String(suffix)]
        var index = suffix.startIndex
        while let hash = suffix[index...].firstIndex(of: "#") {
            result.append(String(suffix[..<hash]))
            index = suffix.index(after: hash)
        }
        return result
    }

    /// The failure attributes naming resource `id`.
    subscript(id: String) -> Entry { entries[id] ?? Entry() }
}

/// A node's fail-count and last-failure attributes, indexed by resource id once per run.
///
/// Attributes are named `fail-count-ID` or `fail-count-ID#OPERATION_INTERVAL` (likewise `last-failure-`);
/// a name is filed under its whole suffix and under every prefix that ends before a `#`, so a lookup by
/// resource id finds exactly the names equal to `fail-count-ID` or starting with `fail-count-ID#`. Names
/// of clone instances (`ID:N`) are also filed under `ID` among the instance entries, which lookups for
/// anonymous clone members add in (`fail-count-ID:N` counts for every instance of `ID`).
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
    private var instanceEntries: [String: Entry] = [:]

    init(attributes: [String: String]) {
        for (name, value) in attributes {
            if name.hasPrefix("fail-count-") {
                let score = Score.parse(value) ?? 0
                for key in Self.keys(Substring(name).dropFirst("fail-count-".count)) {
                    Self.addCount(score, to: &entries[key, default: Entry()])
                    if let base = Self.instanceBase(key) { Self.addCount(score, to: &instanceEntries[base, default: Entry()]) }
                }
            } else if name.hasPrefix("last-failure-") {
                let time = Int(value) ?? 0
                for key in Self.keys(Substring(name).dropFirst("last-failure-".count)) {
                    entries[key, default: Entry()].lastFailure = max(entries[key, default: Entry()].lastFailure, time)
                    if let base = Self.instanceBase(key) {
                        instanceEntries[base, default: Entry()].lastFailure = max(instanceEntries[base, default: Entry()].lastFailure, time)
                    }
                }
            }
        }
    }

    private static func addCount(_ score: Int, to entry: inout Entry) {
        entry.hasCountAttribute = true
        entry.count = Score.add(entry.count, score)
        if score != 0 { entry.hasNonzeroCount = true }
    }

    /// `ID` for a key `ID:N` (N decimal digits), else nil.
    private static func instanceBase(_ key: String) -> String? {
        guard let colon = key.lastIndex(of: ":") else { return nil }
        let digits = key[key.index(after: colon)...]
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return String(key[..<colon])
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

    /// The failure attributes naming resource `id` and, with `instances`, any instance `id:N`.
    func entry(id: String, instances: Bool) -> Entry {
        let own = entries[id] ?? Entry()
        guard instances, let other = instanceEntries[id] else { return own }
        return Entry(
            hasCountAttribute: own.hasCountAttribute || other.hasCountAttribute,
            hasNonzeroCount: own.hasNonzeroCount || other.hasNonzeroCount, count: Score.add(own.count, other.count),
            lastFailure: max(own.lastFailure, other.lastFailure))
    }
}

extension Scheduler {
    /// A resource's fail counts and last failure on a node, as its history names them (clone members
    /// by their base id, any instance number).
    func failureEntry(_ resource: Int, node: Int) -> FailureIndex.Entry {
        nodes[node].failures.entry(id: resources[resource].historyID, instances: resources[resource].baseID != nil)
    }
}

import CRM

/// A small replicated document for simulating CIB replication fast: a set of tokens with the CIB's version
/// counters. An update adds one token; a token starting with "c" counts as a configuration change (epoch
/// moves, num_updates resets), any other as a status change (num_updates moves), as the CIB's counters move.
public struct TokenDocument: ReplicatedDocument, Equatable, Sendable {
    /// The tokens, sorted.
    public private(set) var tokens: [String] = []
    /// The version triple.
    public private(set) var version = CIBVersion(adminEpoch: 0, epoch: 1, numUpdates: 0)

    /// An empty document at version 0.1.0.
    public init() {}

    /// Loads `snapshot()` output.
    public init(snapshot: String) throws(CIBError) {
        let parts = snapshot.split(separator: ";", omittingEmptySubsequences: false)
        guard parts.count == 2, let version = TokenDocument.version(parts[0]) else {
            throw .invalidRequest("bad token snapshot '\(snapshot)'")
        }
        self.version = version
        self.tokens = parts[1].split(separator: ",").map(String.init)
    }

    /// `admin.epoch.updates;token,token`.
    public func snapshot() -> String { "\(version);\(tokens.joined(separator: ","))" }

    /// Whether `token` is present.
    public func contains(_ token: String) -> Bool { binarySearch(token).found }

    /// `add:TOKEN` adds a token; patch `from;to;TOKEN`.
    public mutating func apply(update body: String) throws(CIBError) -> String? {
        guard body.hasPrefix("add:"), body.count > 4, !body.contains(";"), !body.contains(",") else {
            throw .invalidRequest("bad token update '\(body)'")
        }
        let token = String(body.dropFirst(4))
        if contains(token) { return nil }
        let from = version
        insert(token)
        return "\(from);\(version);\(token)"
    }

    /// Applies a patch made by `apply(update:)`.
    public mutating func apply(patch: String) throws(CIBError) {
        let parts = patch.split(separator: ";")
        guard parts.count == 3, let from = TokenDocument.version(parts[0]), let to = TokenDocument.version(parts[1])
        else { throw .patchFailed("bad token patch '\(patch)'") }
        guard from == version else { throw .patchVersionMismatch(expected: from, actual: version) }
        insert(String(parts[2]))
        guard version == to else { throw .patchFailed("patch target \(to) but reached \(version)") }
    }

    private mutating func insert(_ token: String) {
        let (found, index) = binarySearch(token)
        guard !found else { return }
        tokens.insert(token, at: index)
        if token.hasPrefix("c") {
            version.epoch += 1
            version.numUpdates = 0
        } else {
            version.numUpdates += 1
        }
    }

    private func binarySearch(_ token: String) -> (found: Bool, index: Int) {
        var low = 0
        var high = tokens.count
        while low < high {
            let middle = (low + high) / 2
            if tokens[middle] < token { low = middle + 1 } else { high = middle }
        }
        return (low < tokens.count && tokens[low] == token, low)
    }

    private static func version(_ text: Substring) -> CIBVersion? {
        let numbers = text.split(separator: ".").compactMap { Int($0) }
        guard numbers.count == 3 else { return nil }
        return CIBVersion(adminEpoch: numbers[0], epoch: numbers[1], numUpdates: numbers[2])
    }
}

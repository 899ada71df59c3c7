import Membership
import Messaging

/// Tracks the writes a replica issued and which of them are on disk, so it only reports as durable a
/// version of the DC's current history (writes issued before it joined that history do not count).
struct DiskLedger: Sendable, Equatable {
    private(set) var lastIssued: UInt64 = 0
    private(set) var lastCompleted: UInt64 = 0
    /// The first write that belongs to the current DC's history.
    private(set) var historyStart: UInt64 = 0
    private var inFlight: [(sequence: UInt64, version: CIBVersion)] = []
    private var completedVersion: CIBVersion

    /// A ledger whose document at `version` is already on disk (it was loaded from there).
    init(version: CIBVersion) { completedVersion = version }

    static func == (lhs: DiskLedger, rhs: DiskLedger) -> Bool {
        lhs.lastIssued == rhs.lastIssued && lhs.lastCompleted == rhs.lastCompleted
            && lhs.historyStart == rhs.historyStart
    }

    /// Records a new write of `version`; returns its sequence number.
    mutating func issue(version: CIBVersion) -> UInt64 {
        lastIssued += 1
        inFlight.append((lastIssued, version))
        return lastIssued
    }

    /// The current copy (the latest issued write) starts the DC's history.
    mutating func startHistory() { historyStart = lastIssued }

    /// The version durable in the current history, if the latest write of that history is done.
    var durableVersion: CIBVersion? { lastCompleted >= historyStart ? completedVersion : nil }

    /// Writes up to `sequence` are done; returns the durable version when it moved within the history.
    mutating func completed(upTo sequence: UInt64) -> CIBVersion? {
        guard sequence > lastCompleted else { return nil }
        while let first = inFlight.first, first.sequence <= sequence {
            completedVersion = first.version
            inFlight.removeFirst()
        }
        lastCompleted = sequence
        return durableVersion
    }
}

/// The updates this node submitted and has not answered yet.
struct OriginLedger: Sendable {
    struct Pending: Sendable {
        var id: UpdateID
        var body: String
        var requiresQuorum: Bool
        var state: State
    }
    enum State: Sendable {
        /// Multicast, not delivered back yet.
        case sent
        /// Delivered back while no DC was elected: everyone ignored it, so it is sent again after the election.
        case awaitingDC
        /// Delivered back with a DC in place; the DC's outcome will follow.
        case withDC
    }
    private(set) var pending: [UpdateID: Pending] = [:]

    mutating func submitted(_ id: UpdateID, body: String, requiresQuorum: Bool, isSent: Bool) {
        pending[id] = Pending(id: id, body: body, requiresQuorum: requiresQuorum, state: isSent ? .sent : .awaitingDC)
    }

    mutating func delivered(_ id: UpdateID, withDC: Bool) {
        pending[id]?.state = withDC ? .withDC : .awaitingDC
    }

    /// Removes a finished update; false when it was not pending.
    mutating func finish(_ id: UpdateID) -> Bool { pending.removeValue(forKey: id) != nil }

    /// On a view change: updates that may have reached a DC can no longer be answered for sure.
    mutating func interruptInFlight() -> [UpdateID] {
        let interrupted = pending.values.filter { $0.state != .awaitingDC }.map(\.id).sorted()
        for id in interrupted { pending[id] = nil }
        return interrupted
    }

    /// Updates to send again now that a DC is elected.
    mutating func takeAwaitingDC() -> [Pending] {
        let waiting = pending.values.filter { $0.state == .awaitingDC }.sorted { $0.id < $1.id }
        for update in waiting { pending[update.id]?.state = .sent }
        return waiting
    }
}

/// The DC's view of durability in its term: the highest version each member holds on disk, and the updates
/// waiting for a quorum of them.
struct CommitBook: Sendable, Equatable {
    private(set) var durable: [NodeID: CIBVersion] = [:]
    private(set) var awaiting: [(version: CIBVersion, id: UpdateID)] = []

    static func == (lhs: CommitBook, rhs: CommitBook) -> Bool {
        lhs.durable == rhs.durable && lhs.awaiting.map(\.id) == rhs.awaiting.map(\.id)
    }

    mutating func recordDurable(_ node: NodeID, _ version: CIBVersion) {
        if let known = durable[node], known >= version { return }
        durable[node] = version
    }

    mutating func await(_ id: UpdateID, at version: CIBVersion) { awaiting.append((version, id)) }

    /// The highest version that at least `quorum` of `members` hold on disk.
    func committedVersion(members: [NodeID], quorum: Int) -> CIBVersion? {
        let versions = members.compactMap { durable[$0] }.sorted(by: >)
        guard versions.count >= quorum, quorum >= 1 else { return nil }
        return versions[quorum - 1]
    }

    /// Removes and returns the awaiting updates at or below `version`.
    mutating func takeCommitted(upTo version: CIBVersion) -> [(version: CIBVersion, id: UpdateID)] {
        let done = awaiting.prefix { $0.version <= version }
        awaiting.removeFirst(done.count)
        return Array(done)
    }
}

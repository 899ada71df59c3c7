import Membership
import Messaging

/// The invariants of view agreement, checked after every event of a simulation.
struct SafetyChecker {
    /// Every view id ever installed, with the one value it must always have.
    private(set) var views: [ViewID: MembershipView] = [:]
    /// The last view installed by each member (incarnation).
    private(set) var lastInstalled: [Member: ViewID] = [:]
    /// Failures found, each with its seed and the end of the trace.
    private(set) var failures: [String] = []
    /// How many installs happened, to bound flapping.
    private(set) var installCount = 0

    mutating func installed(_ view: MembershipView, by member: Member, trace: [String], seed: UInt64) {
        if let known = views[view.id], known != view {
            fail("view \(view.id) installed as \(view) but also as \(known)", trace: trace, seed: seed)
        }
        views[view.id] = view
        installCount += 1
        if !view.contains(member) { fail("\(member) installed \(view) without itself", trace: trace, seed: seed) }
        if let previous = lastInstalled[member], previous >= view.id {
            fail("\(member) installed \(view.id) after \(previous)", trace: trace, seed: seed)
        }
        lastInstalled[member] = view.id
    }

    /// No two quorate views held at the same time may have disjoint members: two sides of a split never
    /// both have quorum.
    mutating func checkQuorum(_ current: [NodeID: MembershipView], trace: [String], seed: UInt64) {
        let quorate = Set(current.values.filter(\.quorum.isQuorate))
        let list = quorate.sorted { $0.id < $1.id }
        for (index, first) in list.enumerated() {
            for second in list[(index + 1)...] {
                let a = Set(first.members.map(\.node))
                if a.isDisjoint(with: second.members.map(\.node)) {
                    fail("quorum on both sides: \(first) and \(second)", trace: trace, seed: seed)
                }
            }
        }
    }

    mutating func fail(_ message: String, trace: [String], seed: UInt64) {
        guard failures.count < 5 else { return }
        let tail = trace.suffix(40).joined(separator: "\n  ")
        failures.append("SIM_SEED=\(seed): \(message)\n  last events:\n  \(tail)")
    }
}

import Messaging
import NIOCore

/// Checks messaging's safety properties at every delivery: nothing forged or corrupted, no duplicate, FIFO and no
/// gap per sender while both stay in the view, one order per view, and virtual synchrony across view changes.
public struct DeliveryChecker: Sendable {
    /// Identifies a submitted message: its sender and a per-sender counter.
    public struct MessageKey: Hashable, Sendable, Comparable {
        /// The sending member.
        public var sender: Member
        /// 1, 2, 3 … per sender incarnation.
        public var counter: UInt64
        public static func < (lhs: MessageKey, rhs: MessageKey) -> Bool {
            (lhs.sender, lhs.counter) < (rhs.sender, rhs.counter)
        }
    }

    private struct Receiver: Sendable {
        var view: View?
        /// What this member delivered in its current view.
        var deliveredInView: Set<MessageKey> = []
        var lastCounter: [Member: (counter: UInt64, view: ViewID)] = [:]
        var senderLeft: Set<Member> = []
    }

    private var submitted: [MessageKey: UInt64] = [:]
    private var receivers: [Member: Receiver] = [:]
    /// Per view, every message any member delivered in it, in the one order they all follow.
    private var viewOrder: [ViewID: [MessageKey]] = [:]
    private var viewKeys: [ViewID: Set<MessageKey>] = [:]
    /// Per view, each member's position in `viewOrder` (the index of its last delivery there).
    private var positions: [ViewID: [Member: Int]] = [:]
    /// Per view change, the first member that made it and what it delivered in the old view.
    private var transitions: [ViewID: [ViewID: (member: Member, delivered: Set<MessageKey>)]] = [:]
    /// Per member, the view each message was delivered in.
    private var deliveredIn: [Member: [MessageKey: ViewID]] = [:]
    private var history: [Member: [ViewID]] = [:]
    /// Messages delivered, per receiving member.
    public private(set) var deliveredKeys: [Member: Set<MessageKey>] = [:]

    /// An empty checker.
    public init() {}

    /// Builds the payload for a message and records it as submitted.
    public mutating func makePayload(sender: Member, counter: UInt64, size: Int) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeMultipleIntegers(sender.node.rawValue, sender.incarnation.rawValue, counter)
        let filler = UInt8(truncatingIfNeeded: counter &* 31 &+ UInt64(sender.node.rawValue))
        buffer.writeRepeatingByte(filler, count: Swift.max(size, 20) - 20)
        submitted[MessageKey(sender: sender, counter: counter)] = Self.digest(buffer)
        return buffer
    }

    /// Checks one delivery at `receiver`; returns a description of the violation, if any.
    public mutating func check(_ delivery: Delivery, at receiver: Member) -> String? {
        switch delivery {
        case .view(let view):
            return checkView(view, at: receiver)
        case .message(let from, let payload, let viewID):
            return checkMessage(from: from, payload: payload, view: viewID, at: receiver)
        }
    }

    private mutating func checkView(_ view: View, at receiver: Member) -> String? {
        var state = receivers[receiver] ?? Receiver()
        guard view.contains(receiver) else { return "\(receiver) delivered \(view) without itself" }
        if let old = state.view {
            guard view.id > old.id else { return "\(receiver) delivered \(view) after \(old)" }
            if let first = transitions[old.id]?[view.id],
                let problem = sameMessages(
                    (receiver, state.deliveredInView), first, moving: old.id, to: view.id)
            {
                return problem
            }
            if transitions[old.id]?[view.id] == nil {
                transitions[old.id, default: [:]][view.id] = (receiver, state.deliveredInView)
            }
            for member in old.members where !view.contains(member) { state.senderLeft.insert(member) }
        }
        state.view = view
        state.deliveredInView = []
        positions[view.id, default: [:]][receiver] = -1
        history[receiver, default: []].append(view.id)
        receivers[receiver] = state
        return nil
    }

    private mutating func checkMessage(from: Member, payload: ByteBuffer, view: ViewID, at receiver: Member)
        -> String?
    {
        guard var state = receivers[receiver], let current = state.view, current.id == view else {
            return "\(receiver) delivered a message of view \(view) outside it"
        }
        var reader = payload
        guard let (node, incarnation, counter) = reader.readMultipleIntegers(as: (UInt32, UInt64, UInt64).self),
            Member(node: NodeID(node), incarnation: Incarnation(incarnation)) == from
        else { return "\(receiver) delivered a message whose sender does not match \(from)" }
        let key = MessageKey(sender: from, counter: counter)
        guard let digest = submitted[key], digest == Self.digest(payload) else {
            return "\(receiver) delivered a forged or corrupted message \(from)#\(counter)"
        }
        let last = state.lastCounter[from]?.counter ?? 0
        guard counter > last else { return "\(receiver) delivered \(from)#\(counter) after #\(last): duplicate/FIFO" }
        if let previous = state.lastCounter[from], counter != last + 1, !state.senderLeft.contains(from),
            sameViews(receiver, from, after: previous.view, upTo: view)
        {
            return "\(receiver) skipped \(from)#\(last + 1)...\(counter - 1) though both installed the same views"
        }
        state.senderLeft.remove(from)
        state.lastCounter[from] = (counter, view)
        if let problem = placeInOrder(key, at: receiver, view: view) { return problem }
        state.deliveredInView.insert(key)
        receivers[receiver] = state
        deliveredKeys[receiver, default: []].insert(key)
        deliveredIn[receiver, default: [:]][key] = view
        return nil
    }

    /// Whether `member` delivered `key` in a view before `view` (so it rightly drops the copy a flush resent).
    private func deliveredBefore(_ member: Member, _ key: MessageKey, _ view: ViewID) -> Bool {
        deliveredIn[member]?[key].map { $0 < view } ?? false
    }

    /// Total order: every member of a view follows one sequence, skipping only messages it delivered in an earlier
    /// view (the copies a flush resends). A message nobody delivered in the view yet goes right after this member's
    /// position, which every member already past that point must have delivered before.
    private mutating func placeInOrder(_ key: MessageKey, at receiver: Member, view: ViewID) -> String? {
        let order = viewOrder[view] ?? []
        let position = positions[view]?[receiver] ?? -1
        var index = position + 1
        if viewKeys[view]?.contains(key) == true {
            while index < order.count, order[index] != key {
                guard deliveredBefore(receiver, order[index], view) else {
                    return "total order: \(receiver) delivered \(key.sender)#\(key.counter) in view \(view) where "
                        + "another member delivered \(order[index].sender)#\(order[index].counter)"
                }
                index += 1
            }
            guard index < order.count else {
                return "total order: \(receiver) delivered \(key.sender)#\(key.counter) in view \(view) out of order"
            }
        } else {
            for (other, otherPosition) in positions[view] ?? [:] where other != receiver && otherPosition >= index {
                guard deliveredBefore(other, key, view) else {
                    return "total order: \(receiver) delivered \(key.sender)#\(key.counter) in view \(view) after "
                        + "\(index) messages, \(other) went past that point without it"
                }
                positions[view]?[other] = otherPosition + 1
            }
            viewOrder[view, default: []].insert(key, at: index)
            viewKeys[view, default: []].insert(key)
        }
        positions[view, default: [:]][receiver] = index
        return nil
    }

    /// Virtual synchrony: members that move from `old` to `next` delivered the same messages in `old`, except those
    /// one of them had delivered in an earlier view.
    private func sameMessages(
        _ one: (member: Member, delivered: Set<MessageKey>), _ other: (member: Member, delivered: Set<MessageKey>),
        moving old: ViewID, to next: ViewID
    ) -> String? {
        for (this, that) in [(one, other), (other, one)] {
            for key in this.delivered.subtracting(that.delivered) where !deliveredBefore(that.member, key, old) {
                return "virtual synchrony: \(this.member) delivered \(key.sender)#\(key.counter) in view \(old) "
                    + "before moving to \(next), \(that.member) moved the same way without it"
            }
        }
        return nil
    }

    /// Whether two members installed the same views in `(first, last]`: only then must FIFO have no gap
    /// (extended virtual synchrony: a member that skipped a view the other delivered messages in may miss them).
    private func sameViews(_ one: Member, _ other: Member, after first: ViewID, upTo last: ViewID) -> Bool {
        let range = { (views: [ViewID]) in views.filter { $0 > first && $0 <= last } }
        return range(history[one] ?? []) == range(history[other] ?? [])
    }

    private static func digest(_ buffer: ByteBuffer) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        buffer.withUnsafeReadableBytes { bytes in
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        }
        return hash
    }
}

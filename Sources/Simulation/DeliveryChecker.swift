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
        var deliveredInView: Int = 0
        var lastCounter: [Member: (counter: UInt64, view: ViewID)] = [:]
        var senderLeft: Set<Member> = []
    }

    private var submitted: [MessageKey: UInt64] = [:]
    private var receivers: [Member: Receiver] = [:]
    private var viewOrder: [ViewID: [MessageKey]] = [:]
    private var transitions: [ViewID: [ViewID: Int]] = [:]
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
            if let count = transitions[old.id]?[view.id], count != state.deliveredInView {
                return "virtual synchrony: \(receiver) moved \(old.id)->\(view.id) after \(state.deliveredInView) "
                    + "messages, another member after \(count)"
            }
            transitions[old.id, default: [:]][view.id] = state.deliveredInView
            for member in old.members where !view.contains(member) { state.senderLeft.insert(member) }
        }
        state.view = view
        state.deliveredInView = 0
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
        let position = state.deliveredInView
        let known = viewOrder[view]?.count ?? 0
        if position < known {
            let expected = viewOrder[view]![position]
            guard expected == key else {
                return "total order: \(receiver) delivered \(from)#\(counter) at position \(position) of "
                    + "view \(view), another member \(expected.sender)#\(expected.counter)"
            }
        } else {
            viewOrder[view, default: []].append(key)
        }
        state.deliveredInView += 1
        receivers[receiver] = state
        deliveredKeys[receiver, default: []].insert(key)
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

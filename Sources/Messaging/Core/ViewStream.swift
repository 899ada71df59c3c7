import DequeModule
import NIOCore

/// Reliable, totally ordered delivery inside one view: per-sender streams, the sequencer's order, delivery,
/// stability and retransmission. `GroupMessaging` owns one for the current view (and one retired view).
struct ViewStream: Sendable {
    /// A sender's units in this view.
    struct SenderState: Sendable {
        var units: [UInt64: DataUnit] = [:]
        /// Every unit up to this one was received.
        var contiguous: UInt64 = 0
        /// The highest unit known to exist (received, reported in status, or named by an order record).
        var highestKnown: UInt64 = 0
        /// The highest unit named by an order record (order is FIFO per sender).
        var ordered: UInt64 = 0
        var lastNack = Instant(nanoseconds: .min / 2)
    }
    /// One of our messages, kept until its last unit is stable so a flush can resend it.
    struct OwnMessage: Sendable {
        var lastSequence: UInt64
        var message: UInt64
        var payload: ByteBuffer
    }
    /// Which unit a global number names.
    struct Slot: Hashable, Sendable {
        var sender: NodeID
        var sequence: UInt64
    }

    let view: View
    let local: Member
    let window: Int
    var senders: [NodeID: SenderState]
    /// Order slots from global number `base` on; nil where the order record has not arrived.
    var slots: Deque<Slot?> = []
    var base: UInt64 = 1
    var orderContiguous: UInt64 = 0
    var highestOrderKnown: UInt64 = 0
    var delivered: UInt64 = 0
    /// Delivery stops here until a flush cut is decided (see Docs/Protocols/Messaging.md).
    var deliveryLimit: UInt64 = .max
    /// The sequencer stops ordering once the view is being flushed.
    var isOrdering = true
    var nextGlobal: UInt64 = 1
    var peerDelivered: [NodeID: UInt64]
    var stable: UInt64 = 0
    var ownNext: UInt64 = 1
    var ownStable: UInt64 = 0
    var reassembly: [NodeID: ByteBuffer] = [:]
    /// Our whole messages until their last unit is stable, so a flush can resend the ones cut off.
    var ownMessages: Deque<OwnMessage> = []
    /// Per member, the highest message number delivered here (in this view or an earlier one): resent copies of
    /// messages at or below it are dropped (see Docs/Protocols/Messaging.md, resending).
    var lastMessage: [NodeID: UInt64]
    /// Flush reports this member gave for closing this view, by target view; each is given once and never changes.
    var givenReports: [ViewID: UInt64] = [:]
    /// Flush reports other members gave for closing this view, by target view (the first value received).
    var peerReports: [ViewID: [NodeID: UInt64]] = [:]
    /// Members that answered they do not hold this view: no flush waits for them.
    var absent: Set<NodeID> = []
    var lastOrderNack = Instant(nanoseconds: .min / 2)
    /// The last of our own units delivered (messages ending after it are resent by a flush).
    var ownDeliveredSequence: UInt64 = 0
    /// `delivered` when we last reported status.
    var reportedDelivered: UInt64 = 0
    var isStatusDue = true

    init(view: View, local: Member, window: Int, delivered: [Member: UInt64] = [:]) {
        self.view = view
        self.local = local
        self.window = window
        lastMessage = Dictionary(uniqueKeysWithValues: view.members.map { ($0.node, delivered[$0] ?? 0) })
        senders = Dictionary(uniqueKeysWithValues: view.members.map { ($0.node, SenderState()) })
        peerDelivered = Dictionary(uniqueKeysWithValues: view.members.map { ($0.node, 0) })
    }

    var isSequencer: Bool { view.sequencer == local }

    /// Mutates a sender's state in place (a copy would duplicate its units on every packet).
    static func modify(_ state: inout SenderState?, _ body: (inout SenderState) -> Void) {
        guard state != nil else { return }
        body(&state!)
    }
    /// Own units sent and not yet stable: what flow control bounds.
    var ownUnstable: Int { Int(ownNext - 1 - ownStable) }
    /// Units held in memory (for the bounded-buffer invariant).
    var bufferedUnits: Int { senders.values.reduce(0) { $0 + $1.units.count } }

    /// The highest global number up to which this member holds every order slot and unit.
    var completePrefix: UInt64 {
        var number = delivered
        while number < orderContiguous, let slot = slot(number + 1),
            senders[slot.sender]?.units[slot.sequence] != nil
        {
            number += 1
        }
        return number
    }

    func slot(_ global: UInt64) -> Slot? {
        guard global >= base, global - base < UInt64(slots.count) else { return nil }
        return slots[Int(global - base)]
    }

    // MARK: Sending

    /// Sends one unit of ours; returns the frames to multicast (data, and order when we are the sequencer).
    mutating func sendUnit(
        payload: ByteBuffer, message: UInt64, isFirst: Bool, isLast: Bool, into frames: inout [Frame]
    ) {
        let unit = DataUnit(
            view: view.id, origin: local.node, sequence: ownNext, message: message, isFirst: isFirst, isLast: isLast,
            payload: payload)
        ownNext += 1
        frames.append(.data(unit))
        accept(unit)
    }

    // MARK: Receiving

    /// Stores a unit if it is new and within the window; returns whether anything changed.
    @discardableResult
    mutating func accept(_ unit: DataUnit) -> Bool {
        // Read scalars only: holding a copy of the state while mutating it would copy its units on every call.
        guard let contiguous = senders[unit.origin]?.contiguous, let ordered = senders[unit.origin]?.ordered,
            senders[unit.origin]?.units[unit.sequence] == nil
        else { return false }
        guard unit.sequence > contiguous, unit.sequence <= Swift.max(contiguous, ordered) + UInt64(window),
            !isStable(unit.origin, unit.sequence)
        else { return false }
        Self.modify(&senders[unit.origin]) { state in
            state.units[unit.sequence] = unit
            state.highestKnown = Swift.max(state.highestKnown, unit.sequence)
            while state.units[state.contiguous + 1] != nil { state.contiguous += 1 }
        }
        return true
    }

    private func isStable(_ sender: NodeID, _ sequence: UInt64) -> Bool {
        sender == local.node ? sequence <= ownStable : false
    }

    /// Records an order record's slots.
    mutating func accept(_ record: OrderRecord) {
        var global = record.firstGlobal
        let limit = delivered + UInt64(window * view.members.count * 2)
        for run in record.runs {
            for offset in 0..<UInt64(run.count) {
                defer { global += 1 }
                guard global > Swift.max(delivered, base - 1), global <= limit,
                    senders[run.sender] != nil
                else { continue }
                place(Slot(sender: run.sender, sequence: run.firstSequence + offset), at: global)
            }
        }
    }

    private mutating func place(_ slot: Slot, at global: UInt64) {
        while base + UInt64(slots.count) <= global { slots.append(nil) }
        let index = Int(global - base)
        guard slots[index] == nil else { return }
        slots[index] = slot
        Self.modify(&senders[slot.sender]) { state in
            state.ordered = Swift.max(state.ordered, slot.sequence)
            state.highestKnown = Swift.max(state.highestKnown, slot.sequence)
        }
        highestOrderKnown = Swift.max(highestOrderKnown, global)
        while let next = self.slot(orderContiguous + 1) {
            _ = next
            orderContiguous += 1
        }
    }

    /// As sequencer: assigns global numbers to every newly contiguous unit, in arrival order.
    mutating func orderNewUnits(from sender: NodeID, into frames: inout [Frame]) {
        guard isSequencer, isOrdering, let contiguous = senders[sender]?.contiguous,
            let ordered = senders[sender]?.ordered, contiguous > ordered
        else { return }
        let first = ordered + 1
        let count = contiguous - ordered
        let record = OrderRecord(
            view: view.id, firstGlobal: nextGlobal,
            runs: [OrderRecord.Run(sender: sender, firstSequence: first, count: UInt32(count))])
        nextGlobal += count
        accept(record)
        if case .order(var last) = frames.last, last.view == view.id,
            last.firstGlobal + last.runs.reduce(0, { $0 + UInt64($1.count) }) == record.firstGlobal,
            last.runs.count < 64
        {
            if last.runs[last.runs.count - 1].sender == sender {
                last.runs[last.runs.count - 1].count += UInt32(count)
            } else {
                last.runs.append(record.runs[0])
            }
            frames[frames.count - 1] = .order(last)
        } else {
            frames.append(.order(record))
        }
    }

    /// Records a peer's progress; returns whether stability advanced.
    mutating func accept(_ report: StatusReport, from sender: NodeID) {
        guard senders[sender] != nil else { return }
        Self.modify(&senders[sender]) { $0.highestKnown = Swift.max($0.highestKnown, report.highestSent) }
        highestOrderKnown = Swift.max(highestOrderKnown, report.highestOrdered)
        peerDelivered[sender] = Swift.max(peerDelivered[sender] ?? 0, report.delivered)
        advanceStability()
    }

    mutating func advanceStability() {
        peerDelivered[local.node] = delivered
        let newStable = peerDelivered.values.min() ?? 0
        while stable < newStable {
            stable += 1
            guard stable >= base, let first = slots.first else { continue }
            slots.removeFirst()
            base += 1
            if let slot = first {
                senders[slot.sender]?.units[slot.sequence] = nil
                if slot.sender == local.node { ownStable = slot.sequence }
                while let message = ownMessages.first, message.lastSequence <= ownStable {
                    ownMessages.removeFirst()
                }
            }
        }
    }

    // MARK: Delivery

    /// Delivers every unit whose order and data are present, up to the delivery limit.
    mutating func deliverReady(into deliveries: inout [Delivery]) {
        while delivered < Swift.min(orderContiguous, deliveryLimit), let slot = slot(delivered + 1),
            let unit = senders[slot.sender]?.units[slot.sequence]
        {
            delivered += 1
            isStatusDue = true
            if slot.sender == local.node { ownDeliveredSequence = slot.sequence }
            reassemble(unit, from: slot.sender, into: &deliveries)
        }
    }

    private mutating func reassemble(_ unit: DataUnit, from sender: NodeID, into deliveries: inout [Delivery]) {
        var payload = unit.payload
        if unit.isFirst {
            reassembly[sender] = nil
        } else if var partial = reassembly[sender] {
            partial.writeBuffer(&payload)
            payload = partial
            reassembly[sender] = nil
        } else {
            return  // a continuation without its start: the start was before this view; nothing to deliver
        }
        if unit.isLast {
            guard let incarnation = view.incarnation(of: sender), unit.message > lastMessage[sender] ?? 0 else {
                return  // delivered here before, in an earlier view: this is a flush's resent copy
            }
            lastMessage[sender] = unit.message
            deliveries.append(
                .message(from: Member(node: sender, incarnation: incarnation), payload: payload, view: view.id))
        } else {
            reassembly[sender] = payload
        }
    }
}

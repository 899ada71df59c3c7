import DequeModule
import NIOCore

/// Totally ordered, reliable, virtually synchronous group messaging for one member: the pure protocol core.
///
/// A fixed sequencer per view (the member with the lowest node id) assigns global numbers to every member's
/// units; members deliver in global order once they hold both the order and the data. Views come from Membership
/// through `.viewInstalled`; between two views members flush the old one to a common cut before delivering the new
/// view (see Docs/Protocols/Messaging.md). Reads no clock, opens no socket.
public struct GroupMessaging: Sendable {
    /// Tunables; the defaults suit a LAN.
    public struct Configuration: Sendable {
        /// Own units in flight (sent, not yet delivered everywhere) before `canSubmit` says no.
        public var window: Int = 1024
        /// Payload bytes per unit; larger messages are fragmented. Must fit one packet with its frame header.
        public var maximumUnitPayload: Int = 1300
        /// The largest message accepted.
        public var maximumMessageSize: Int = 64 << 20
        /// How long to wait before asking again for the same missing units.
        public var retransmitInterval: Duration = .milliseconds(5)
        /// Defaults.
        public init() {}
    }

    /// Inputs.
    public enum Event: Sendable {
        /// The application multicasts a message to the group (check `canSubmit` first).
        case submitted(ByteBuffer)
        /// Authentic frames from a member (the Shell checked them with a `PacketReader`).
        case framesReceived(from: Member, frames: [Frame])
        /// Membership decided a new view that includes this member.
        case viewInstalled(View)
        /// Periodic: status, retransmission requests and flush progress.
        case tick(at: Instant)
    }

    /// Outputs.
    public enum Directive: Sendable {
        /// Send these frames (the Shell packs them into as few packets as fit).
        case send([Frame], to: Destination)
        /// Hand this to the application, in this order.
        case deliver(Delivery)
    }

    /// Why a submission was refused.
    public enum SubmitError: Error, Hashable, Sendable {
        /// The flow-control window is full: try again after deliveries (Corosync's `CS_ERR_TRY_AGAIN`).
        case tryAgain
        /// Larger than `maximumMessageSize`.
        case tooLarge(Int)
    }

    enum Phase: Sendable {
        case waiting
        case operational(ViewStream)
        case flushing(Flush)
    }

    struct Flush: Sendable {
        var old: ViewStream
        var next: View
        var cut: UInt64?
        var source: NodeID?
    }

    /// This member.
    public let local: Member
    /// The tunables in force.
    public let configuration: Configuration
    var phase: Phase = .waiting
    /// Messages submitted while no view is operational, sent once one is.
    var queued: Deque<ByteBuffer> = []
    /// The last closed views and their cuts, kept to answer slower members' flush and retransmission requests.
    var retired: [(stream: ViewStream, cut: UInt64)] = []
    /// How many closed views are kept for slower members.
    static let retiredViews = 3
    /// The number our next new message gets (message numbers survive resending; see `DataUnit.message`).
    var nextMessage: UInt64 = 1
    /// Per member, the highest message number delivered in views already closed here.
    var deliveredMessages: [Member: UInt64] = [:]

    /// A member with no view yet; it delivers nothing until Membership installs one.
    public init(local: Member, configuration: Configuration = Configuration()) {
        self.local = local
        self.configuration = configuration
    }

    /// The view messages are currently delivered in, if any.
    public var currentView: View? {
        if case .operational(let stream) = phase { return stream.view }
        return nil
    }

    /// The newest view this member is in or flushing towards (0 before any).
    var newestViewID: ViewID {
        switch phase {
        case .waiting: ViewID(0)
        case .operational(let stream): stream.view.id
        case .flushing(let flush): flush.next.id
        }
    }

    /// Whether a message of `size` bytes may be submitted now (flow control).
    public func canSubmit(size: Int) -> Bool {
        let units = Swift.max(1, (size + configuration.maximumUnitPayload - 1) / configuration.maximumUnitPayload)
        switch phase {
        case .operational(let stream) where queued.isEmpty:
            return stream.ownUnstable + units <= configuration.window || stream.ownUnstable == 0
        default:
            return queued.count < configuration.window
        }
    }

    /// Units held for ordering and retransmission (bounded by the windows; checked by the simulator).
    public var bufferedUnits: Int {
        switch phase {
        case .waiting: 0
        case .operational(let stream): stream.bufferedUnits + retired.reduce(0) { $0 + $1.stream.bufferedUnits }
        case .flushing(let flush): flush.old.bufferedUnits + retired.reduce(0) { $0 + $1.stream.bufferedUnits }
        }
    }

    /// Handles one event and returns what to do, in order.
    public mutating func handle(_ event: Event) -> [Directive] {
        var output = Output()
        switch event {
        case .submitted(let payload):
            submit(payload, into: &output)
        case .framesReceived(let sender, let frames):
            for frame in frames { receive(frame, from: sender, into: &output) }
            reportEagerly(into: &output)
        case .viewInstalled(let view):
            install(view, into: &output)
        case .tick(let now):
            tick(at: now, into: &output)
        }
        return output.directives()
    }

    /// Refuses with a typed error instead of queueing past the window; the caller retries after deliveries.
    public func validate(_ payload: ByteBuffer) throws(SubmitError) {
        guard payload.readableBytes <= configuration.maximumMessageSize else {
            throw .tooLarge(payload.readableBytes)
        }
        guard canSubmit(size: payload.readableBytes) else { throw .tryAgain }
    }

    // MARK: Sending

    private mutating func submit(_ payload: ByteBuffer, into output: inout Output) {
        guard queued.isEmpty, var stream = takeOperational() else {
            queued.append(payload)
            return
        }
        send(payload, on: &stream, into: &output)
        phase = .operational(stream)
    }

    /// Sends a message as units of `stream`: a new one, or with `message` set, one a flush resends.
    mutating func send(
        _ payload: ByteBuffer, message: UInt64? = nil, on stream: inout ViewStream, into output: inout Output
    ) {
        let number = message ?? nextMessage
        if message == nil { nextMessage += 1 }
        var remaining = payload
        var isFirst = true
        repeat {
            let length = Swift.min(remaining.readableBytes, configuration.maximumUnitPayload)
            let piece = remaining.readSlice(length: length) ?? ByteBuffer()
            stream.sendUnit(
                payload: piece, message: number, isFirst: isFirst, isLast: remaining.readableBytes == 0,
                into: &output.multicast)
            isFirst = false
        } while remaining.readableBytes > 0
        stream.ownMessages.append(.init(lastSequence: stream.ownNext - 1, message: number, payload: payload))
        stream.orderNewUnits(from: local.node, into: &output.multicast)
        stream.deliverReady(into: &output.deliveries)
    }

    // MARK: Receiving

    private mutating func receive(_ frame: Frame, from sender: Member, into output: inout Output) {
        switch frame {
        case .data(let unit):
            withStream(unit.view, from: sender) { stream in
                if stream.accept(unit) { stream.orderNewUnits(from: unit.origin, into: &output.multicast) }
                stream.deliverReady(into: &output.deliveries)
            }
        case .order(let record):
            withStream(record.view, from: sender) { stream in
                stream.accept(record)
                stream.deliverReady(into: &output.deliveries)
            }
        case .status(let report):
            withStream(report.view, from: sender) { stream in
                stream.accept(report, from: sender.node)
            }
        case .nack(let nack):
            let found = withStream(nack.view, from: sender) { stream in
                stream.answer(nack, from: sender.node, into: &output)
            }
            if !found, nack.target == .global, nack.view < newestViewID {
                // We no longer hold that view: tell the flushing member not to count on us as its source.
                let gone = FlushReport(
                    oldView: nack.view, newView: ViewID(0), complete: 0, wantsReply: false, notMember: true)
                output.unicast[sender.node, default: []].append(.flush(gone))
            }
        case .flush(let report):
            receiveFlush(report, from: sender, into: &output)
        case .heartbeat, .control:
            break  // the Shell routes these to the failure detector and to Membership
        }
        progressFlush(into: &output)
    }

    /// Runs `body` on the stream of `view` (current, flushing or retired) if `sender` is a member of it.
    @discardableResult
    mutating func withStream(_ view: ViewID, from sender: Member, _ body: (inout ViewStream) -> Void) -> Bool {
        if var stream = takeOperational(view: view) {
            if stream.view.contains(sender) { body(&stream) }
            phase = .operational(stream)
            return true
        }
        if var flush = takeFlushing(oldView: view) {
            if flush.old.view.contains(sender) { body(&flush.old) }
            phase = .flushing(flush)
            return true
        }
        guard let index = retired.firstIndex(where: { $0.stream.view.id == view }) else { return false }
        guard retired[index].stream.view.contains(sender) else { return true }
        body(&retired[index].stream)
        return true
    }

    /// Moves the operational stream out of `phase` (leaving `.waiting`), so mutating it copies nothing; the caller
    /// puts it back. A `switch` over `phase` would keep a second reference alive and copy every buffer.
    mutating func takeOperational(view: ViewID? = nil) -> ViewStream? {
        guard case .operational(let stream) = phase, view == nil || stream.view.id == view else { return nil }
        phase = .waiting
        return stream
    }

    /// As `takeOperational`, for a flush of `oldView`.
    mutating func takeFlushing(oldView: ViewID) -> Flush? {
        guard case .flushing(let flush) = phase, flush.old.view.id == oldView else { return nil }
        phase = .waiting
        return flush
    }
}

/// Collects an event's outputs: frames to multicast, frames per node, deliveries.
struct Output {
    var multicast: [Frame] = []
    var unicast: [NodeID: [Frame]] = [:]
    var deliveries: [Delivery] = []

    func directives() -> [GroupMessaging.Directive] {
        var result: [GroupMessaging.Directive] = []
        if !multicast.isEmpty { result.append(.send(multicast, to: .members)) }
        for (node, frames) in unicast.sorted(by: { $0.key < $1.key }) {
            result.append(.send(frames, to: .nodes([node])))
        }
        result += deliveries.map { .deliver($0) }
        return result
    }
}

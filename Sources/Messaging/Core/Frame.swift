import NIOCore

/// One unit inside a packet body. Several frames travel in one packet so small messages batch.
/// Layout of each: type (1 byte), length (2 bytes), then the fields below; see Docs/Messaging-Wire-Format.md.
public enum Frame: Hashable, Sendable {
    /// A failure-detector heartbeat carrying the view the sender is in (0 if none).
    case heartbeat(view: ViewID)
    /// One sequenced unit of a group message (a whole message, or one fragment of a large one).
    case data(DataUnit)
    /// The sequencer's assignment of global sequence numbers to senders' units.
    case order(OrderRecord)
    /// A member's progress: what it sent, what order it knows, what it delivered (drives NACKs and stability).
    case status(StatusReport)
    /// A request to retransmit ranges of a sender's units or of the global order.
    case nack(Nack)
    /// Virtual-synchrony flush between two views.
    case flush(FlushReport)
    /// An opaque, unordered, unreliable frame for Membership's own protocol.
    case control(channel: UInt8, payload: ByteBuffer)

    /// The wire type byte.
    public var typeCode: UInt8 {
        switch self {
        case .heartbeat: 1
        case .data: 2
        case .order: 3
        case .status: 4
        case .nack: 5
        case .flush: 6
        case .control: 7
        }
    }
}

/// A sequenced unit of a group message from one sender within one view.
public struct DataUnit: Hashable, Sendable {
    /// The view the unit was sent in.
    public var view: ViewID
    /// The member that sent the unit first (a retransmission may come from another member).
    public var origin: NodeID
    /// The sender's sequence number within the view, from 1, without gaps.
    public var sequence: UInt64
    /// The sender's message number (per incarnation, from 1), kept when a flush resends the message in a later
    /// view, so a member that already delivered it drops the copy.
    public var message: UInt64
    /// Whether this unit starts a message.
    public var isFirst: Bool
    /// Whether this unit ends a message.
    public var isLast: Bool
    /// The bytes.
    public var payload: ByteBuffer
    /// Builds a unit.
    public init(
        view: ViewID, origin: NodeID, sequence: UInt64, message: UInt64, isFirst: Bool, isLast: Bool,
        payload: ByteBuffer
    ) {
        self.view = view
        self.origin = origin
        self.sequence = sequence
        self.message = message
        self.isFirst = isFirst
        self.isLast = isLast
        self.payload = payload
    }
}

/// A run of global sequence numbers assigned by the sequencer.
public struct OrderRecord: Hashable, Sendable {
    /// A sender's consecutive units that get consecutive global numbers.
    public struct Run: Hashable, Sendable {
        /// The sending node.
        public var sender: NodeID
        /// The first of its units.
        public var firstSequence: UInt64
        /// How many units.
        public var count: UInt32
        /// Builds a run.
        public init(sender: NodeID, firstSequence: UInt64, count: UInt32) {
            self.sender = sender
            self.firstSequence = firstSequence
            self.count = count
        }
    }
    /// The view the order belongs to.
    public var view: ViewID
    /// The global number of the first unit of the first run.
    public var firstGlobal: UInt64
    /// The runs, in global order.
    public var runs: [Run]
    /// Builds a record.
    public init(view: ViewID, firstGlobal: UInt64, runs: [Run]) {
        self.view = view
        self.firstGlobal = firstGlobal
        self.runs = runs
    }
}

/// A member's progress in a view.
public struct StatusReport: Hashable, Sendable {
    /// The view.
    public var view: ViewID
    /// The highest sequence number this member has sent.
    public var highestSent: UInt64
    /// The highest global number this member knows is assigned.
    public var highestOrdered: UInt64
    /// The highest global number this member delivered (all below too).
    public var delivered: UInt64
    /// Builds a report.
    public init(view: ViewID, highestSent: UInt64, highestOrdered: UInt64, delivered: UInt64) {
        self.view = view
        self.highestSent = highestSent
        self.highestOrdered = highestOrdered
        self.delivered = delivered
    }
}

/// A retransmission request.
public struct Nack: Hashable, Sendable {
    /// What is missing.
    public enum Target: Hashable, Sendable {
        /// Units of one sender, by its sequence numbers.
        case sender(NodeID)
        /// Order records and their units, by global number.
        case global
    }
    /// The view.
    public var view: ViewID
    /// What the ranges count.
    public var target: Target
    /// Inclusive ranges, at most `Nack.maximumRanges`.
    public var ranges: [ClosedRange<UInt64>]
    /// Caps a NACK so it fits one packet.
    public static let maximumRanges = 32
    /// Builds a NACK.
    public init(view: ViewID, target: Target, ranges: [ClosedRange<UInt64>]) {
        self.view = view
        self.target = target
        self.ranges = ranges
    }
}

/// A member's state in the flush from an old view to a new one (see Docs/Protocols/Messaging.md).
public struct FlushReport: Hashable, Sendable {
    /// The view being closed.
    public var oldView: ViewID
    /// The view being installed.
    public var newView: ViewID
    /// The highest global number of `oldView` this member holds with all earlier ones (order and data).
    public var complete: UInt64
    /// Whether the sender asks for the receiver's report.
    public var wantsReply: Bool
    /// Whether the sender never was in `oldView` (the receiver must not wait for it).
    public var notMember: Bool
    /// Builds a report.
    public init(oldView: ViewID, newView: ViewID, complete: UInt64, wantsReply: Bool, notMember: Bool) {
        self.oldView = oldView
        self.newView = newView
        self.complete = complete
        self.wantsReply = wantsReply
        self.notMember = notMember
    }
}

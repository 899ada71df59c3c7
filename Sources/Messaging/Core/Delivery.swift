import NIOCore

/// What a member hands its application, in the same order at every member of a view.
public enum Delivery: Hashable, Sendable {
    /// A group message, after every earlier message of the view.
    case message(from: Member, payload: ByteBuffer, view: ViewID)
    /// A new view, after every message of the previous view this member delivers (virtual synchrony).
    case view(View)
}

/// Where a directive's frames go.
public enum Destination: Hashable, Sendable {
    /// Every other member of the current view (multicast, or unicast to each).
    case members
    /// Some nodes, by id.
    case nodes([NodeID])
}

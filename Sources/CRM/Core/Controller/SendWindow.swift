import DequeModule

/// Flow control for the crmd's multicasts: the heartbeat daemon refuses a message when the sender's
/// unconfirmed units would pass its window (and a refused message is lost), so the crmd keeps the units it
/// sent and has not seen delivered back below a budget, and queues the rest. Its own messages come back in
/// the order it sent them (agreed order is FIFO per sender, virtual synchrony delivers them before or after a
/// view change, never drops them while the sender lives), so counting them back is exact.
public struct SendWindow<Message>: Sendable where Message: Sendable {
    /// Units allowed in flight (the daemon's window is 1024 units of 1300 bytes).
    public let budgetUnits: Int
    /// Payload bytes per unit.
    public let unitBytes: Int
    /// Messages waiting for room, with their sizes.
    public private(set) var waiting: Deque<(message: Message, bytes: Int)> = []
    /// Units of each message in flight, oldest first.
    public private(set) var inFlight: Deque<Int> = []
    /// The sum of `inFlight`.
    public private(set) var inFlightUnits = 0

    /// A window of `budgetUnits` units of `unitBytes` bytes.
    public init(budgetUnits: Int = 768, unitBytes: Int = 1300) {
        self.budgetUnits = max(1, budgetUnits)
        self.unitBytes = max(1, unitBytes)
    }

    /// Queues a message of `bytes` bytes; returns the messages that may be sent now, in order.
    public mutating func submit(_ message: Message, bytes: Int) -> [Message] {
        waiting.append((message, bytes))
        return release()
    }

    /// One of this sender's messages was delivered back; returns the messages that may be sent now.
    public mutating func deliveredOwn() -> [Message] {
        if let units = inFlight.popFirst() { inFlightUnits -= units }
        return release()
    }

    /// Forgets what is in flight (after the daemon refused something: nothing more will come back for it).
    public mutating func reset() -> [Message] {
        inFlight = []
        inFlightUnits = 0
        return release()
    }

    private mutating func release() -> [Message] {
        var ready: [Message] = []
        while let next = waiting.first {
            let units = max(1, (next.bytes + unitBytes - 1) / unitBytes)
            // A message larger than the budget goes alone, as the daemon accepts it when nothing is in flight.
            guard inFlightUnits == 0 || inFlightUnits + units <= budgetUnits else { break }
            waiting.removeFirst()
            inFlight.append(units)
            inFlightUnits += units
            ready.append(next.message)
        }
        return ready
    }
}

import Messaging

/// A virtual clock with a queue of scheduled events: time jumps to the next event, so simulated seconds take
/// microseconds. Ties run in scheduling order, which keeps runs deterministic.
public struct VirtualClock<Payload>: Sendable where Payload: Sendable {
    private struct Entry: Sendable {
        var time: Instant
        var order: UInt64
        var payload: Payload
        func precedes(_ other: Entry) -> Bool { (time, order) < (other.time, other.order) }
    }
    private var heap: [Entry] = []
    private var counter: UInt64 = 0
    /// The current virtual time.
    public private(set) var now: Instant = .zero

    /// An empty clock at time zero.
    public init() {}

    /// Number of pending events.
    public var pendingCount: Int { heap.count }

    /// Schedules `payload` at `delay` from now.
    public mutating func schedule(_ payload: Payload, after delay: Duration) {
        schedule(payload, at: now + (delay < .zero ? .zero : delay))
    }

    /// Schedules `payload` at an instant (not before now).
    public mutating func schedule(_ payload: Payload, at time: Instant) {
        counter += 1
        heap.append(Entry(time: Swift.max(time, now), order: counter, payload: payload))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes the earliest event and advances time to it; nil when the queue is empty or the next event is after
    /// `deadline`.
    public mutating func next(until deadline: Instant) -> Payload? {
        guard let first = heap.first, first.time <= deadline else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < heap.count && heap[left].precedes(heap[smallest]) { smallest = left }
                if right < heap.count && heap[right].precedes(heap[smallest]) { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        now = first.time
        return first.payload
    }

    /// Moves time forward to `deadline` when no event is due before it.
    public mutating func advance(to deadline: Instant) {
        if deadline > now { now = deadline }
    }
}

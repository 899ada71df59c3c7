/// A faulty network between numbered endpoints: drops, duplicates, delays (and so reorders), and partitions,
/// both ways or one way. Pure: the caller schedules the deliveries it returns.
public struct SimulatedNetwork<Endpoint: Hashable & Comparable & Sendable>: Sendable {
    /// Fault rates; each seed picks its own.
    public struct Faults: Hashable, Sendable {
        /// Probability a datagram is lost.
        public var dropRate: Double
        /// Probability a datagram arrives twice.
        public var duplicateRate: Double
        /// Delay range; a wide range reorders.
        public var delay: ClosedRange<Duration>
        /// Builds fault rates.
        public init(dropRate: Double, duplicateRate: Double, delay: ClosedRange<Duration>) {
            self.dropRate = dropRate
            self.duplicateRate = duplicateRate
            self.delay = delay
        }
        /// A perfect LAN: nothing lost, 100 µs.
        public static var none: Faults {
            Faults(dropRate: 0, duplicateRate: 0, delay: .microseconds(100) ... .microseconds(100))
        }
    }

    private struct Link: Hashable, Sendable {
        var from: Endpoint
        var to: Endpoint
    }

    /// The current fault rates.
    public var faults: Faults
    private var blocked: Set<Link> = []

    /// A network with `faults` and no partition.
    public init(faults: Faults) { self.faults = faults }

    /// Cuts traffic from `from` to `to` (one way).
    public mutating func block(from: Endpoint, to: Endpoint) { blocked.insert(Link(from: from, to: to)) }

    /// Splits endpoints into groups that cannot reach each other (both ways).
    public mutating func partition(_ groups: [[Endpoint]]) {
        blocked.removeAll()
        for (index, group) in groups.enumerated() {
            for (otherIndex, other) in groups.enumerated() where otherIndex != index {
                for from in group { for to in other { blocked.insert(Link(from: from, to: to)) } }
            }
        }
    }

    /// Removes every partition.
    public mutating func heal() { blocked.removeAll() }

    /// Whether `from` can currently reach `to`.
    public func canReach(from: Endpoint, to: Endpoint) -> Bool { !blocked.contains(Link(from: from, to: to)) }

    /// The delays after which copies of one datagram arrive: none (dropped or blocked), one, or two.
    public func route(from: Endpoint, to: Endpoint, using random: inout SeededRandom) -> [Duration] {
        guard canReach(from: from, to: to), !random.chance(faults.dropRate) else { return [] }
        var delays = [random.duration(in: faults.delay)]
        if random.chance(faults.duplicateRate) { delays.append(random.duration(in: faults.delay)) }
        return delays
    }

    /// Groups of endpoints that reach each other both ways (connected components of two-way links), sorted.
    public func components(of endpoints: [Endpoint]) -> [[Endpoint]] {
        var remaining = endpoints.sorted()
        var result: [[Endpoint]] = []
        while let first = remaining.first {
            var component = [first]
            var frontier = [first]
            remaining.removeFirst()
            while let current = frontier.popLast() {
                let reached = remaining.filter { canReach(from: current, to: $0) && canReach(from: $0, to: current) }
                remaining.removeAll { reached.contains($0) }
                component += reached
                frontier += reached
            }
            result.append(component.sorted())
        }
        return result
    }
}

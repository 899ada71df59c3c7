/// Names an operation the way Pacemaker does: resource, action and interval (`d1_monitor_10000`).
///
/// Two requests with the same key are the same recurring operation, so a duplicate is merged.
public struct OperationKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The resource's id.
    public var resource: String
    /// The action: start, stop, monitor, promote, ...
    public var action: String
    /// The repeat interval; zero for a one-shot operation.
    public var interval: Duration

    /// Makes a key.
    public init(resource: String, action: String, interval: Duration = .zero) {
        self.resource = resource
        self.action = action
        self.interval = interval
    }

    /// The interval in whole milliseconds, the unit of Pacemaker's keys and `CRM_meta_interval`.
    public var intervalMilliseconds: Int64 { interval.wholeMilliseconds }

    /// Whether the operation repeats.
    public var isRecurring: Bool { interval > .zero }

    /// `rsc_action_intervalms`.
    public var description: String { "\(resource)_\(action)_\(intervalMilliseconds)" }

    /// Orders keys by resource, action, then interval, for deterministic listings.
    public static func < (lhs: OperationKey, rhs: OperationKey) -> Bool {
        (lhs.resource, lhs.action, lhs.intervalMilliseconds) < (rhs.resource, rhs.action, rhs.intervalMilliseconds)
    }
}

extension Duration {
    /// The duration in whole milliseconds, rounded down.
    public var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }
}

/// A call identifier: unique per executor, kept across the runs of one recurring operation.
public struct CallID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The number, as Pacemaker's `call-id`.
    public var rawValue: Int64
    /// Wraps a number.
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    /// Orders by number.
    public static func < (lhs: CallID, rhs: CallID) -> Bool { lhs.rawValue < rhs.rawValue }
    /// The number.
    public var description: String { String(rawValue) }
}

/// Identifies a connected client of the executor, so results can go to the client that asked.
public struct ClientID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The number the shell gave the connection.
    public var rawValue: UInt64
    /// Wraps a number.
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    /// Orders by number.
    public static func < (lhs: ClientID, rhs: ClientID) -> Bool { lhs.rawValue < rhs.rawValue }
    /// The number.
    public var description: String { String(rawValue) }
}

/// A registered resource: its id, agent and instance parameters.
public struct ResourceDefinition: Sendable, Hashable {
    /// The resource id (`OCF_RESOURCE_INSTANCE`).
    public var id: String
    /// The agent that manages it.
    public var agent: AgentIdentifier
    /// Instance parameters, passed as `OCF_RESKEY_<name>`.
    public var parameters: [String: String]

    /// Makes a definition.
    public init(id: String, agent: AgentIdentifier, parameters: [String: String] = [:]) {
        self.id = id
        self.agent = agent
        self.parameters = parameters
    }
}

/// A request to run one action of a registered resource, once or repeatedly.
public struct OperationRequest: Sendable, Hashable {
    /// Resource, action and interval.
    public var key: OperationKey
    /// How long one run may take before its process group is killed.
    public var timeout: Duration
    /// How long the operation waits in the queue before its first run.
    public var startDelay: Duration
    /// Extra parameters for this operation (for example `CRM_meta_*` from the controller).
    public var parameters: [String: String]
    /// Report a recurring operation's result only when `(rc, status)` changes.
    public var notifiesChangesOnly: Bool
    /// Send results only to the client that asked, not to every subscriber.
    public var notifiesOriginOnly: Bool

    /// Makes a request; the defaults match Pacemaker's (20 s timeout, no delay, every result reported).
    public init(
        key: OperationKey, timeout: Duration = .seconds(20), startDelay: Duration = .zero,
        parameters: [String: String] = [:], notifiesChangesOnly: Bool = false, notifiesOriginOnly: Bool = false
    ) {
        self.key = key
        self.timeout = timeout
        self.startDelay = startDelay
        self.parameters = parameters
        self.notifiesChangesOnly = notifiesChangesOnly
        self.notifiesOriginOnly = notifiesOriginOnly
    }
}

/// The result of one run of an operation, as reported to clients and kept in the history.
public struct OperationResult: Sendable, Hashable {
    /// Resource, action and interval.
    public var key: OperationKey
    /// The call id (the same for every run of a recurring operation).
    public var callID: CallID
    /// The normalised exit code.
    public var exitCode: OCFExitCode
    /// How the execution went.
    public var status: ExecutionStatus
    /// The agent's `ocf-exit-reason:` line, or the executor's explanation of a failure.
    public var exitReason: String
    /// Captured standard output (bounded).
    public var output: String
    /// When the run started, on the executor's monotonic clock.
    public var startedAt: Duration
    /// How long the operation waited in the queue before it ran.
    public var queueTime: Duration
    /// How long the agent ran.
    public var executionTime: Duration

    /// Makes a result.
    public init(
        key: OperationKey, callID: CallID, exitCode: OCFExitCode, status: ExecutionStatus, exitReason: String = "",
        output: String = "", startedAt: Duration = .zero, queueTime: Duration = .zero, executionTime: Duration = .zero
    ) {
        self.key = key
        self.callID = callID
        self.exitCode = exitCode
        self.status = status
        self.exitReason = exitReason
        self.output = output
        self.startedAt = startedAt
        self.queueTime = queueTime
        self.executionTime = executionTime
    }
}

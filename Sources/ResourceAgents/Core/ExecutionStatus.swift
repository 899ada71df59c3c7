/// How an operation's execution went, beside the agent's exit code (Pacemaker's `op-status`).
///
/// The raw values are those Pacemaker stores in the CIB, so crmd can write them unchanged.
public enum ExecutionStatus: Int32, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Not finished yet.
    case pending = -1
    /// The agent ran to completion; its exit code is the answer.
    case done = 0
    /// The operation was cancelled before or while it ran.
    case cancelled = 1
    /// The agent did not finish within the timeout and its process group was killed.
    case timedOut = 2
    /// The action is not supported by this executor.
    case notSupported = 3
    /// The agent could not be run, or died of a signal.
    case error = 4
    /// A failure that should not be retried on this node.
    case hardError = 5
    /// A failure that should not be retried anywhere.
    case fatalError = 6
    /// The agent is not installed.
    case notInstalled = 7
    /// The executor was not reachable.
    case notConnected = 8
    /// The request was invalid.
    case invalid = 9
    /// No fence device is registered.
    case noFenceDevice = 10
    /// Secrets could not be loaded.
    case noSecrets = 11

    /// The text Pacemaker prints (`pcmk_exec_status_str`), as in `op_status:Timed out`.
    public var description: String {
        switch self {
        case .pending: "Pending"
        case .done: "Done"
        case .cancelled: "Cancelled"
        case .timedOut: "Timed out"
        case .notSupported: "Unsupported"
        case .error: "Error"
        case .hardError: "Hard error"
        case .fatalError: "Fatal error"
        case .notInstalled: "Not installed"
        case .notConnected: "Not connected"
        case .invalid: "Invalid"
        case .noFenceDevice: "No fence device"
        case .noSecrets: "No secrets"
        }
    }
}

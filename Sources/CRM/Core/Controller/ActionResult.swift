/// What came back for one dispatched action, in the executor's terms.
public struct ActionResult: Sendable, Hashable, CustomStringConvertible {
    /// Pacemaker's execution status (`op-status`).
    public enum Status: Int, Sendable, Hashable {
        case done = 0
        case cancelled = 1
        case timedOut = 2
        case notSupported = 3
        case error = 4
        case notInstalled = 5
        case notConnected = 6
        case invalid = 7
        case noFenceDevice = 8
        case noSecrets = 9
    }

    /// The agent's exit code, normalised (0–9, 190, 191; anything else 1).
    public var rc: Int
    /// How the execution went.
    public var status: Status
    /// The lrmd's call id (`call-id`).
    public var callID: Int
    /// `exit-reason` from the agent.
    public var exitReason: String
    /// Run time and queue time in milliseconds.
    public var executionMilliseconds: Int
    /// Time spent queued before running, in milliseconds.
    public var queueMilliseconds: Int
    /// Wall-clock seconds since the Unix epoch at completion (`last-rc-change`); the shell reads the clock.
    public var completedAtEpochSeconds: Int

    /// Builds a result.
    public init(
        rc: Int, status: Status = .done, callID: Int = 0, exitReason: String = "", executionMilliseconds: Int = 0,
        queueMilliseconds: Int = 0, completedAtEpochSeconds: Int = 0
    ) {
        self.rc = rc
        self.status = status
        self.callID = callID
        self.exitReason = exitReason
        self.executionMilliseconds = executionMilliseconds
        self.queueMilliseconds = queueMilliseconds
        self.completedAtEpochSeconds = completedAtEpochSeconds
    }

    public var description: String {
        "rc=\(rc) status=\(status)" + (exitReason.isEmpty ? "" : " (\(exitReason))")
    }
}

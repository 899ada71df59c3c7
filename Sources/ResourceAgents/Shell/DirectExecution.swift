/// The actions `crm_resource` can run on this node without the cluster: `--force-start`, `--force-stop`,
/// `--force-check`, `--force-promote`, `--force-demote` and `--validate`.
public enum ForcedAction: String, Sendable, Hashable, CaseIterable {
    /// `--force-start`.
    case start
    /// `--force-stop`.
    case stop
    /// `--force-check` (a monitor).
    case check
    /// `--force-promote`.
    case promote
    /// `--force-demote`.
    case demote
    /// `--validate` (validate-all).
    case validate

    /// The agent action run.
    public var agentAction: String {
        switch self {
        case .start: "start"
        case .stop: "stop"
        case .check: "monitor"
        case .promote: "promote"
        case .demote: "demote"
        case .validate: "validate-all"
        }
    }

    /// The operation name Pacemaker prints ("force-start", "validate", ...).
    public var displayName: String { self == .validate ? "validate" : "force-\(rawValue)" }
}

/// Runs one action of a resource directly, bypassing lrmd, the way `crm_resource --force-*` does: the
/// resource's instance parameters become `OCF_RESKEY_*`, its meta attributes `OCF_RESKEY_CRM_meta_*`,
/// a check level becomes `OCF_CHECK_LEVEL`, and the timeout is enforced by killing the agent's whole
/// process group (Pacemaker's synchronous path kills only the pid and leaves orphans).
public enum DirectExecution {
    /// Pacemaker's default operation timeout.
    public static let defaultTimeout = Duration.seconds(20)

    /// Runs `action` and returns the interpreted result; the tool's exit status is `exitCode.rawValue`.
    public static func run(
        resource: String, agent: AgentIdentifier, parameters: [String: String], meta: [String: String] = [:],
        action: ForcedAction, timeout: Duration = defaultTimeout, checkLevel: Int? = nil, runner: AgentRunner
    ) async throws(DirectExecutionError) -> AgentActionResult {
        let invocation = try invocation(
            resource: resource, agent: agent, parameters: parameters, meta: meta, action: action, timeout: timeout,
            checkLevel: checkLevel)
        return await runner.run(invocation)
    }

    /// The same, blocking the calling thread (for synchronous tools; never inside a task or an event loop).
    public static func runBlocking(
        resource: String, agent: AgentIdentifier, parameters: [String: String], meta: [String: String] = [:],
        action: ForcedAction, timeout: Duration = defaultTimeout, checkLevel: Int? = nil, runner: AgentRunner
    ) throws(DirectExecutionError) -> AgentActionResult {
        let invocation = try invocation(
            resource: resource, agent: agent, parameters: parameters, meta: meta, action: action, timeout: timeout,
            checkLevel: checkLevel)
        return runner.runBlocking(invocation)
    }

    /// The invocation `crm_resource` would run: parameters, meta attributes as `CRM_meta_*`, the timeout as
    /// `CRM_meta_timeout`, a check level as `OCF_CHECK_LEVEL`.
    public static func invocation(
        resource: String, agent: AgentIdentifier, parameters: [String: String], meta: [String: String],
        action: ForcedAction, timeout: Duration, checkLevel: Int?
    ) throws(DirectExecutionError) -> AgentInvocation {
        guard agent.standard != .stonith else { throw .fenceDevice(resource) }
        guard agent.standard.isSupported else { throw .unsupportedStandard(agent.standard) }
        guard timeout > .zero else { throw .invalidTimeout }
        var all = parameters
        for (name, value) in meta { all["CRM_meta_\(name.replacingDashes)"] = value }
        all["CRM_meta_timeout"] = String(timeout.wholeMilliseconds)
        if let checkLevel { all["OCF_CHECK_LEVEL"] = String(checkLevel) }
        return AgentInvocation(
            resource: resource, agent: agent, action: action.agentAction, parameters: all, timeout: timeout)
    }

    /// Pacemaker's summary line: `Operation force-start for d1 (ocf:pacemaker:Dummy) returned 0 (ok)`, with
    /// the exit reason and the execution status when the agent did not simply complete.
    public static func summary(
        resource: String, agent: AgentIdentifier, action: ForcedAction, result: AgentActionResult
    )
        -> String
    {
        var line = "Operation \(action.displayName) for \(resource) (\(agent)) returned \(result.exitCode.rawValue)"
        line += " (\(result.exitCode))"
        if result.status != .done { line += " (\(result.status))" }
        if !result.exitReason.isEmpty { line += ": \(result.exitReason)" }
        return line
    }
}

/// Why a forced action was not run.
public enum DirectExecutionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Fence devices are run by the fencer, not forced locally.
    case fenceDevice(String)
    /// The class is not supported.
    case unsupportedStandard(AgentStandard)
    /// The timeout is not positive.
    case invalidTimeout

    /// A message for users.
    public var description: String {
        switch self {
        case .fenceDevice(let resource):
            "Sorry, the --force-* and --validate commands cannot be used on fence device \(resource)"
        case .unsupportedStandard(let standard): "resource class '\(standard)' is not supported"
        case .invalidTimeout: "timeout must be positive"
        }
    }
}

extension String {
    /// Meta attribute names reach agents with dashes as underscores (`target-role` → `target_role`).
    var replacingDashes: String { String(map { $0 == "-" ? "_" : $0 }) }
}

/// One action to run for one resource: what the executor asks the shell to execute.
public struct AgentInvocation: Sendable, Hashable {
    /// The resource instance name (`OCF_RESOURCE_INSTANCE`).
    public var resource: String
    /// The agent.
    public var agent: AgentIdentifier
    /// The action as the client named it (monitor, start, ...).
    public var action: String
    /// Instance parameters merged with the operation's parameters.
    public var parameters: [String: String]
    /// How long the run may take.
    public var timeout: Duration
    /// The operation's interval, exported as `CRM_meta_interval`.
    public var interval: Duration

    /// Makes an invocation.
    public init(
        resource: String, agent: AgentIdentifier, action: String, parameters: [String: String] = [:],
        timeout: Duration = .seconds(20), interval: Duration = .zero
    ) {
        self.resource = resource
        self.agent = agent
        self.action = action
        self.parameters = parameters
        self.timeout = timeout
        self.interval = interval
    }
}

/// A program to execute: path, arguments, a complete environment and stdin. No shell string anywhere.
public struct AgentCommand: Sendable, Hashable {
    /// The program's absolute path.
    public var path: String
    /// argv, starting with the program name.
    public var arguments: [String]
    /// The whole environment, sorted by name (nothing is inherited).
    public var environment: [(String, String)]
    /// Bytes for stdin; empty means /dev/null.
    public var standardInput: String

    /// Makes a command.
    public init(path: String, arguments: [String], environment: [(String, String)], standardInput: String = "") {
        self.path = path
        self.arguments = arguments
        self.environment = environment
        self.standardInput = standardInput
    }

    /// Compares field by field (tuples are not Equatable).
    public static func == (lhs: AgentCommand, rhs: AgentCommand) -> Bool {
        lhs.path == rhs.path && lhs.arguments == rhs.arguments && lhs.standardInput == rhs.standardInput
            && lhs.environment.map { "\($0)=\($1)" } == rhs.environment.map { "\($0)=\($1)" }
    }

    /// Hashes what `==` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(path)
        hasher.combine(arguments)
        hasher.combine(standardInput)
        for (name, value) in environment {
            hasher.combine(name)
            hasher.combine(value)
        }
    }
}

/// The settings every command gets from the executor rather than from the resource.
public struct AgentEnvironmentSettings: Sendable, Hashable {
    /// `OCF_ROOT`; agents source their shell functions from it.
    public var ocfRoot: String
    /// `PATH` for the agents.
    public var path: String
    /// `HA_RSCTMP`, where agents keep state files.
    public var resourceTemporaryDirectory: String
    /// Further variables passed through unchanged (for example `HA_SBIN_DIR`, `HA_LOGFACILITY`).
    public var extra: [String: String]

    /// Makes settings; the defaults are Debian's.
    public init(
        ocfRoot: String = "/usr/lib/ocf", path: String = "/usr/sbin:/usr/bin:/sbin:/bin",
        resourceTemporaryDirectory: String = "/run/resource-agents", extra: [String: String] = [:]
    ) {
        self.ocfRoot = ocfRoot
        self.path = path
        self.resourceTemporaryDirectory = resourceTemporaryDirectory
        self.extra = extra
    }
}

extension AgentInvocation {
    /// The action name the program itself understands: LSB has `status` for monitor, fence agents have
    /// `monitor` for start (registration checks the device) and nothing to do for stop.
    public var programAction: String? {
        switch agent.standard {
        case .lsb: action == "monitor" ? "status" : action
        case .stonith:
            switch action {
            case "start", "monitor": "monitor"
            case "stop": nil
            case "meta-data": "metadata"
            default: action
            }
        case .ocf, .service, .systemd: action
        }
    }

    /// Builds the command for an agent found at `path`: the action is the only argument, parameters go in
    /// the environment (OCF, LSB) or on stdin (fence agents).
    public func command(path: String, settings: AgentEnvironmentSettings) -> AgentCommand {
        let action = programAction ?? action
        var environment: [String: String] = settings.extra
        environment["PATH"] = settings.path
        environment["OCF_ROOT"] = settings.ocfRoot
        environment["HA_RSCTMP"] = settings.resourceTemporaryDirectory
        environment["LC_ALL"] = "C"
        switch agent.standard {
        case .ocf: addOCFVariables(to: &environment)
        case .lsb, .stonith, .service, .systemd: break
        }
        let isFence = agent.standard == .stonith
        let sorted = environment.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return AgentCommand(
            path: path, arguments: isFence ? [path] : [path, action], environment: sorted,
            standardInput: isFence ? fenceInput(action: action) : "")
    }

    private func addOCFVariables(to environment: inout [String: String]) {
        environment["OCF_RA_VERSION_MAJOR"] = "1"
        environment["OCF_RA_VERSION_MINOR"] = "1"
        environment["OCF_EXIT_REASON_PREFIX"] = AgentOutcome.exitReasonPrefix
        environment["OCF_RESOURCE_INSTANCE"] = resource
        environment["OCF_RESOURCE_TYPE"] = agent.type
        environment["OCF_RESOURCE_PROVIDER"] = agent.provider ?? ""
        for (name, value) in parameters where Self.isExportable(name) {
            environment[name == "OCF_CHECK_LEVEL" ? name : "OCF_RESKEY_\(name)"] = value
        }
        if parameters["CRM_meta_timeout"] == nil {
            environment["OCF_RESKEY_CRM_meta_timeout"] = String(timeout.wholeMilliseconds)
        }
        if parameters["CRM_meta_interval"] == nil {
            environment["OCF_RESKEY_CRM_meta_interval"] = String(interval.wholeMilliseconds)
        }
    }

    /// `key=value` lines for a fence agent: the action, then every parameter (meta attributes excluded).
    private func fenceInput(action: String) -> String {
        var lines = ["action=\(action)"]
        for (name, value) in parameters.sorted(by: { $0.key < $1.key }) where !name.hasPrefix("CRM_meta_") {
            guard Self.isExportable(name), !value.contains("\n") else { continue }
            lines.append("\(name)=\(value)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Environment names may not contain `=` or NUL, and must not be empty.
    static func isExportable(_ name: String) -> Bool {
        !name.isEmpty && !name.contains("=") && !name.contains("\0")
    }
}

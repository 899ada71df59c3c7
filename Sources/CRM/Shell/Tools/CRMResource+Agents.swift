import ResourceAgents
import XML

/// crm_resource's agent commands, run on this node through `ResourceAgents` as Pacemaker's crm_resource runs
/// them through its services library: `--force-start/-stop/-promote/-demote/-check[=LEVEL]` and
/// `--validate[=LEVEL]` on a resource of the CIB (or, for `--validate`, on `--class/--provider/--agent` with
/// `--option NAME=VALUE`), plus the agent listings and `--show-metadata`. The exit status is the agent's rc.
extension CRMResource {
    static func runAgentCommand(
        _ command: String, _ arguments: ToolArguments, environment: [String: String], output: inout ResourceOutput
    ) throws(Failure) -> CRMExitCode {
        let supervisor: ProcessSupervisor
        do { supervisor = try ProcessSupervisor() } catch {
            throw Failure(.osError, "crm_resource: cannot run agents: \(error)")
        }
        defer { supervisor.shutdown() }
        let runner = AgentRunner(locator: AgentLocator(environment: environment), supervisor: supervisor)
        switch command {
        case "list-standards":
            return listNames(runner.locator.standards.map(\.rawValue), list: "standards", output: &output)
        case "list-ocf-providers":
            return listNames(runner.locator.providers(), list: "providers", output: &output)
        case "list-ocf-alternatives":
            return listNames(runner.locator.providers(of: arguments.value(command)), list: "providers", output: &output)
        case "list-agents":
            let parts = (arguments.value(command) ?? "").split(separator: ":", maxSplits: 1).map(String.init)
            guard let standard = AgentStandard(rawValue: parts.first ?? "") else {
                throw Failure(
                    .invalidParameter, "crm_resource: unknown resource class '\(arguments.value(command) ?? "")'")
            }
            let names = runner.locator.agents(of: standard, provider: parts.count > 1 ? parts[1] : nil)
            return listNames(names, list: "agents", output: &output)
        case "show-metadata":
            return try showMetadata(arguments.value(command) ?? "", runner: runner, output: &output)
        default:
            return try forceAction(command, arguments, environment: environment, runner: runner, output: &output)
        }
    }

    static func listNames(_ names: [String], list: String, output: inout ResourceOutput) -> CRMExitCode {
        let items = names.map { "  <item>\(xmlEscaped($0))</item>" }.joined(separator: "\n")
        output.output(
            text: names.map { $0 + "\n" }.joined(),
            element: "<list name=\"\(list)\" count=\"\(names.count)\">\n\(items)\n</list>")
        return names.isEmpty ? .noSuchObject : .ok
    }

    static func showMetadata(_ text: String, runner: AgentRunner, output: inout ResourceOutput) throws(Failure)
        -> CRMExitCode
    {
        let agent = try parseAgent(text)
        let invocation = AgentInvocation(resource: agent.type, agent: agent, action: "meta-data", timeout: .seconds(30))
        let result = runner.runBlocking(invocation)
        guard result.status == .done, result.exitCode == .success else {
            throw Failure(
                .noSuchObject,
                "crm_resource: Metadata query for \(agent) failed: \(result.status): \(result.exitReason)")
        }
        output.output(text: result.run.standardOutput, element: result.run.standardOutput)
        return .ok
    }

    static func forceAction(
        _ command: String, _ arguments: ToolArguments, environment: [String: String], runner: AgentRunner,
        output: inout ResourceOutput
    ) throws(Failure) -> CRMExitCode {
        guard let action = ForcedAction.allCases.first(where: { $0.displayName == command || "force-\($0)" == command })
        else { throw Failure(.usage, "crm_resource: unknown agent command --\(command)") }
        let target = try forcedTarget(arguments, environment: environment)
        let timeout = try forcedTimeout(arguments)
        let level = try arguments.value(command).map { text throws(Failure) -> Int in
            guard let level = Int(text) else { throw Failure(.usage, "crm_resource: invalid check level '\(text)'") }
            return level
        }
        let result: AgentActionResult
        do {
            result = try DirectExecution.runBlocking(
                resource: target.resource ?? target.agent.type, agent: target.agent, parameters: target.parameters,
                meta: target.meta, action: action, timeout: timeout, checkLevel: level, runner: runner)
        } catch {
            throw Failure(.unimplementedFeature, "crm_resource: \(error)")
        }
        reportForced(action, target: target, result: result, output: &output)
        return CRMExitCode(code: result.exitCode.rawValue) ?? .error
    }

    struct ForcedTarget {
        var resource: String?
        var agent: AgentIdentifier
        var parameters: [String: String]
        var meta: [String: String]
    }

    /// The resource named by `-r` in the CIB, or the agent named by `--class/--provider/--agent`.
    static func forcedTarget(_ arguments: ToolArguments, environment: [String: String]) throws(Failure) -> ForcedTarget
    {
        if let standard = arguments.value("class") {
            guard let type = arguments.value("agent") else {
                throw Failure(.usage, "crm_resource: --class needs --agent")
            }
            let provider = arguments.value("provider").map { ":\($0)" } ?? ""
            var parameters: [String: String] = [:]
            for (name, value) in arguments.options where name == "option" {
                guard let value, let equals = value.firstIndex(of: "="), equals != value.startIndex else {
                    throw Failure(.usage, "crm_resource: --option must be NAME=VALUE, got '\(value ?? "")'")
                }
                parameters[String(value[..<equals])] = String(value[value.index(after: equals)...])
            }
            return ForcedTarget(
                resource: nil, agent: try parseAgent("\(standard)\(provider):\(type)"), parameters: parameters,
                meta: [:])
        }
        guard let resource = arguments.value("resource") else {
            throw Failure(.usage, "crm_resource: Must supply a resource id with -r (or --class/--agent)")
        }
        let session: CIBSession
        do { session = try CIBSession(environment: environment, validator: CIBSchema()) } catch {
            throw Failure(error.exitCode, "crm_resource: Could not connect to the CIB: \(error.description)")
        }
        guard var element = ResourceListing.element(resource, in: session.document.xml) else {
            throw .resourceNotFound(resource)
        }
        if ["clone", "master"].contains(element.name), let child = element.firstChild(named: "primitive") {
            element = child
        }
        guard element.name == "primitive", let standard = element[attribute: "class"],
            let type = element[attribute: "type"]
        else {
            throw Failure(
                .unimplementedFeature,
                "crm_resource: --force-* and --validate need a primitive; '\(resource)' is a \(element.name)")
        }
        let provider = element[attribute: "provider"].map { ":\($0)" } ?? ""
        return ForcedTarget(
            resource: resource, agent: try parseAgent("\(standard)\(provider):\(type)"),
            parameters: nvpairs(element, set: "instance_attributes"), meta: nvpairs(element, set: "meta_attributes"))
    }

    /// The name/value pairs of every set of one kind directly under a resource (rules are not evaluated).
    static func nvpairs(_ element: XMLElement, set: String) -> [String: String] {
        var values: [String: String] = [:]
        for attributes in element.children(named: set) {
            for pair in attributes.children(named: "nvpair") {
                if let name = pair[attribute: "name"], values[name] == nil {
                    values[name] = pair[attribute: "value"] ?? ""
                }
            }
        }
        return values
    }

    static func forcedTimeout(_ arguments: ToolArguments) throws(Failure) -> Duration {
        guard let text = arguments.value("timeout") else { return DirectExecution.defaultTimeout }
        guard let timeout = AgentMetadata.parseDuration(text), timeout > .zero else {
            throw Failure(.usage, "crm_resource: invalid timeout '\(text)'")
        }
        return timeout
    }

    static func parseAgent(_ text: String) throws(Failure) -> AgentIdentifier {
        do { return try AgentIdentifier(parsing: text) } catch {
            throw Failure(.invalidParameter, "crm_resource: \(error)")
        }
    }

    /// Pacemaker's `resource-agent-action` output.
    static func reportForced(
        _ action: ForcedAction, target: ForcedTarget, result: AgentActionResult, output: inout ResourceOutput
    ) {
        let agent = target.agent
        let code = result.exitCode.rawValue
        let subject = target.resource.map { " for \($0)" } ?? ""
        var text = "Operation \(action.displayName)\(subject) (\(agent)) returned \(code) (\(result.exitCode))\n"
        if result.status != .done { text += "\(executionMessage(result.status)): \(result.exitReason)\n" }
        let resource = target.resource.map { " rsc=\"\(xmlEscaped($0))\"" } ?? ""
        let provider = agent.provider.map { " provider=\"\(xmlEscaped($0))\"" } ?? ""
        let element = """
            <resource-agent-action action="\(action.displayName)" class="\(agent.standard)" type="\(xmlEscaped(agent.type))"\(resource)\(provider)>
              <overrides/>
              <agent-status code="\(code)" message="\(xmlEscaped(result.exitCode.description))" execution_code="\(result.status.rawValue)" execution_message="\(executionMessage(result.status))"/>
            </resource-agent-action>
            """
        output.output(text: text, element: element)
        if code != 0, let exit = CRMExitCode(code: code) {
            output.error("crm_resource: Error performing operation: \(exit.description)")
        }
    }

    /// Pacemaker 2.1's `pcmk_exec_status_str`.
    static func executionMessage(_ status: ExecutionStatus) -> String {
        switch status {
        case .done: "complete"
        case .timedOut: "Timed Out"
        default: status.description
        }
    }
}

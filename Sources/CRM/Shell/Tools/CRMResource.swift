import XML

/// `crm_resource`: list resources, read and change their attributes, move, ban or clear them with location
/// constraints, locate them, explain them (`--why`), forget their failures or history (`--cleanup`,
/// `--refresh`) and restart them, through `CIBSession`, with Pacemaker's options, output and exit codes.
public enum CRMResource {
    static let usage = """
        Usage: crm_resource COMMAND [options]
        Queries: -L/--list  -l/--list-raw  -r RSC -g/--get-parameter NAME  -r RSC -W/--locate
        Changes: -r RSC -p/--set-parameter NAME -v/--parameter-value VALUE  -r RSC -d/--delete-parameter NAME
                 [-m/--meta | -z/--utilization] [-s/--set-name ID] [-i/--nvpair ID]
        Locations: -r RSC (-M/--move | -B/--ban) [-N NODE] [-u/--lifetime ISO8601] [--promoted]
                   -r RSC -U/--clear [-N NODE] [--promoted] [-e/--expired]
        Cluster: [-r RSC] -Y/--why [-N NODE]   [-r RSC] (-C/--cleanup | -R/--refresh) [-N NODE] [-n OP [-I INTERVAL]]
                 -r RSC --restart [-T/--timeout DURATION] (needs a running cluster)
        Output: --output-as text|xml  -Q/--quiet
        The CIB is the file named by CIB_shadow (crm_shadow) or CIB_file.

        """

    /// Runs crm_resource with `arguments` (no program name) and returns the exit status.
    /// - Parameter now: the current time in seconds since the epoch (for `--lifetime`).
    public static func run(
        _ arguments: [String], environment: [String: String] = CIBSession.processEnvironment(),
        program: String = "crm_resource", now: Int
    ) -> Int32 {
        let parsed: ToolArguments
        let format: ToolOutputFormat
        switch ToolArguments.parseCommandLine(arguments, tool: "crm_resource", options: options, usage: usage) {
        case .success(let result): (parsed, format) = result
        case .failure(let exit): return exit.status
        }
        var output = ResourceOutput(format: format, request: ([program] + arguments).joined(separator: " "))
        let code: CRMExitCode
        do {
            code = try execute(parsed, environment: environment, now: now, output: &output)
        } catch {
            output.error(error.message)
            code = error.code
        }
        return output.finish(code)
    }

    typealias Failure = ToolFailure

    private static func execute(
        _ arguments: ToolArguments, environment: [String: String], now: Int, output: inout ResourceOutput
    ) throws(Failure) -> CRMExitCode {
        if let command = (liveClusterCommands + ["delete"]).first(where: arguments.has) {
            throw Failure(
                .disconnect,
                "crm_resource: --\(command) needs the live cluster, which is not available yet (CIB_file/CIB_shadow cannot run it)")
        }
        if let command = agentCommands.first(where: arguments.has) {
            return try runAgentCommand(command, arguments, environment: environment, output: &output)
        }
        let session: CIBSession
        do {
            session = try CIBSession(environment: environment, validator: CIBSchema())
        } catch {
            throw Failure(error.exitCode, "crm_resource: Could not connect to the CIB: \(error.description)")
        }
        if arguments.has("list") { return try list(session: session, output: &output) }
        if arguments.has("list-raw") { return try listRaw(session: session, output: &output) }
        let resource = arguments.value("resource")
        if let resource, ResourceListing.element(resource, in: session.document.xml) == nil { throw .resourceNotFound(resource) }
        if arguments.has("cleanup") || arguments.has("refresh") {
            return try cleanup(resource: resource, arguments, session: session, output: &output)
        }
        if arguments.has("why") { return try why(resource: resource, arguments, session: session, output: &output) }
        guard let resource else {
            if arguments.has("query-xml") || arguments.has("get-parameter") || arguments.has("set-parameter")
                || arguments.has("delete-parameter") || arguments.has("move") || arguments.has("ban") || arguments.has("clear")
                || arguments.has("locate") || arguments.has("constraints") || arguments.has("stack") || arguments.has("restart")
            {
                throw Failure(.usage, "crm_resource: Must supply a resource id with -r")
            }
            throw Failure(.usage, "crm_resource: No command given\n\(usage)")
        }
        if let name = arguments.value("get-parameter") {
            return try getParameter(name, resource: resource, arguments, session: session, output: &output)
        }
        if let name = arguments.value("set-parameter") {
            return try setParameter(name, resource: resource, arguments, session: session, output: &output)
        }
        if let name = arguments.value("delete-parameter") {
            return try deleteParameter(name, resource: resource, arguments, session: session, output: &output)
        }
        if arguments.has("move") || arguments.has("ban") {
            return try moveOrBan(resource: resource, arguments, session: session, now: now, output: &output)
        }
        if arguments.has("clear") { return try clear(resource: resource, arguments, session: session, now: now, output: &output) }
        if arguments.has("locate") { return try locate(resource: resource, arguments, session: session, output: &output) }
        if arguments.has("restart") {
            return try restart(resource: resource, arguments, environment: environment, session: session, output: &output)
        }
        if arguments.has("query-xml") || arguments.has("query-xml-raw") {
            return try queryXML(resource: resource, session: session, output: &output)
        }
        throw Failure(.usage, "crm_resource: No command given for resource '\(resource)'\n\(usage)")
    }

    /// Applies `request`, turning a refusal into Pacemaker's message and exit code.
    static func apply(_ request: CIBRequest, session: CIBSession) throws(Failure) {
        do {
            try session.apply(request)
        } catch {
            throw Failure(error.exitCode, "crm_resource: Error performing operation: \(error.description)")
        }
    }
}

/// crm_resource's output: text lines to stdout/stderr as they come, or one `<pacemaker-result>`.
struct ResourceOutput {
    let format: ToolOutputFormat
    let request: String
    private var body: [String] = []
    private var errors: [String] = []

    init(format: ToolOutputFormat, request: String) {
        self.format = format
        self.request = request
    }

    /// Normal output: printed now in text mode; `element` (serialised XML) kept for the envelope in xml mode.
    mutating func output(text: String?, element: String?) {
        switch format {
        case .text: if let text { ToolStreams.writeOut(text) }
        case .xml: if let element { body.append(element) }
        }
    }

    /// A message for stderr in text mode, listed under `<errors>` in xml mode.
    mutating func error(_ message: String) {
        switch format {
        case .text: ToolStreams.writeError(message + "\n")
        case .xml: errors.append(message)
        }
    }

    func finish(_ code: CRMExitCode) -> Int32 {
        if format == .xml {
            ToolStreams.writeOut(PacemakerResult.render(request: request, body: body, code: code, errors: errors))
        }
        return code.rawValue
    }
}

extension ToolFailure {
    /// crm_resource's failure for a resource the CIB does not have.
    static func resourceNotFound(_ id: String) -> ToolFailure {
        ToolFailure(.noSuchObject, "crm_resource: Resource '\(id)' not found\nError performing operation: No such object")
    }
}

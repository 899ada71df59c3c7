import Glibc
import XML

/// `crm_attribute`: query, set and delete cluster options, resource/operation defaults and permanent node
/// attributes with Pacemaker's options, output and exit codes.
///
/// Transient (`-l reboot` or `-t status`) node attributes are read and written in the node's status entry,
/// as Pacemaker's crm_attribute does with CIB_file; on the live cluster the crmd applies them as ordinary
/// updates. `--promotion [RSC]` is the transient `master-RSC`. Tickets fail with exit 102.
public enum CRMAttribute {
    /// The options, as Pacemaker 2.1.5's crm_attribute accepts them.
    public static let options: [ToolArguments.Option] = [
        .init("?", "help"), .init("$", "version"), .init("V", "verbose"), .init("q", "quiet"),
        .init("n", "name", .required), .init("P", "pattern", .required), .init("p", "promotion", .optional),
        .init("i", "id", .required), .init("s", "set-name", .required),
        .init("D", "delete"), .init("G", "query"), .init("v", "update", .required),
        .init("d", "default", .required), .init("l", "lifetime", .required), .init("N", "node", .required),
        .init("t", "type", .required), .init("z", "utilization"), .init(nil, "output-as", .required),
        .init(nil, "output-to", .required),
    ]

    static let usage = """
        Usage: crm_attribute -n NAME (-G | -v VALUE | -D) [options]
        Selecting: -n/--name NAME  -i/--id XML_ID  -s/--set-name SET_ID  -P/--pattern REGEX (with -G)
        Commands: -G/--query (default)  -v/--update VALUE  -D/--delete
        Where: -t/--type crm_config|rsc_defaults|op_defaults  -N/--node NODE [-l forever|reboot] [-z]
        Other: -d/--default VALUE  -q/--quiet  --output-as text|xml  -V/--verbose
        The CIB is the file named by CIB_shadow (crm_shadow) or CIB_file, else the live cluster.

        """

    /// Runs crm_attribute with `arguments` (no program name) and returns the exit status.
    public static func run(
        _ arguments: [String], environment: [String: String] = CIBSession.processEnvironment(), program: String = "crm_attribute"
    ) -> Int32 {
        let parsed: ToolArguments
        let format: ToolOutputFormat
        switch ToolArguments.parseCommandLine(arguments, tool: "crm_attribute", options: options, usage: usage) {
        case .success(let result): (parsed, format) = result
        case .failure(let exit): return exit.status
        }
        var reporter = ToolReporter(format: format, request: ([program] + arguments).joined(separator: " "))
        let code: CRMExitCode
        do {
            code = try execute(parsed, environment: environment, reporter: &reporter)
        } catch {
            reporter.error(error.message, tool: "crm_attribute")
            code = error.code
        }
        return reporter.finish(code)
    }

    typealias Failure = ToolFailure

    /// No attribute matched the query.
    static let notFound = Failure(.noSuchObject, "Error performing operation: No such device or address")

    private static func execute(
        _ arguments: ToolArguments, environment: [String: String], reporter: inout ToolReporter
    ) throws(Failure) -> CRMExitCode {
        let request = try AttributeRequest(arguments, environment: environment)
        let session: CIBSession
        do {
            session = try CIBSession(environment: environment, validator: CIBSchema())
        } catch {
            throw Failure(error.exitCode, "Could not connect to the CIB: \(error.description)")
        }
        // On the live cluster "this node" is the crmd's node (as Pacemaker asks its controller), else the host.
        let localName = session.location == .live ? (session.localNodeName() ?? hostName()) : hostName()
        let locator = try request.locator(in: session.document.xml, hostName: localName)
        switch request.command {
        case .query: return try query(locator, request: request, session: session, reporter: &reporter)
        case .update(let value): return try update(locator, value: value, session: session)
        case .delete: return try delete(locator, session: session, reporter: &reporter)
        }
    }

    private static func query(
        _ locator: CIBAttributeLocator, request: AttributeRequest, session: CIBSession, reporter: inout ToolReporter
    ) throws(Failure) -> CRMExitCode {
        var found = locator.matches(in: session.document.xml).map { ($0[attribute: "name"] ?? "", $0[attribute: "value"] ?? "") }
        if let pattern = request.pattern {
            var kept: [(String, String)] = []
            for pair in found where try matches(pattern, pair.0) { kept.append(pair) }
            found = kept
        }
        if found.isEmpty, let fallback = request.defaultValue, let name = locator.name { found = [(name, fallback)] }
        // A pattern that matches nothing is not an error for Pacemaker; a missing name is.
        guard !found.isEmpty || request.pattern != nil else { throw notFound }
        for (name, value) in found {
            switch reporter.format {
            case .text:
                // Pacemaker prints `scope=S id=I name=N value=V`, with an empty id when -i was not given.
                let id = request.nvpairID.map { " id=\($0) " } ?? "  "
                reporter.output(request.isQuiet ? "\(value)\n" : "scope=\(locator.scope.rawValue)\(id)name=\(name) value=\(value)\n")
            case .xml:
                reporter.output(
                    "<attribute name=\"\(xmlEscaped(name))\" value=\"\(xmlEscaped(value))\" scope=\"\(locator.scope.rawValue)\"/>")
            }
        }
        return .ok
    }

    private static func update(_ locator: CIBAttributeLocator, value: String, session: CIBSession) throws(Failure) -> CRMExitCode {
        let matches = locator.matches(in: session.document.xml)
        if matches.count > 1 {
            let ids = matches.compactMap { $0[attribute: "id"] }.joined(separator: ", ")
            throw Failure(.multiple, "Multiple attributes match name=\(locator.name ?? ""): \(ids); use -i or -s to pick one")
        }
        do {
            let edit = try locator.updateRequest(value: value, in: session.document.xml)
            try session.apply(edit)
        } catch let error as CIBError {
            throw Failure(error.exitCode, "Error performing operation: \(error.description)")
        } catch let error as CIBSessionError {
            throw Failure(error.exitCode, "Error performing operation: \(error.description)")
        } catch {
            throw Failure(.error, "Error performing operation: \(error)")
        }
        return .ok
    }

    private static func delete(
        _ locator: CIBAttributeLocator, session: CIBSession, reporter: inout ToolReporter
    ) throws(Failure) -> CRMExitCode {
        // Deleting what is not there succeeds quietly, as in Pacemaker.
        for pair in locator.matches(in: session.document.xml) {
            let id = pair[attribute: "id"] ?? ""
            let name = pair[attribute: "name"] ?? ""
            do {
                try session.apply(locator.deleteRequest(pair))
            } catch {
                throw Failure(error.exitCode, "Error performing operation: \(error.description)")
            }
            if reporter.format == .text {
                let what = locator.scope == .crmConfig ? "crm_config option" : "\(locator.scope.rawValue) attribute"
                reporter.output("Deleted \(what): id=\(id) name=\(name)\n")
            }
        }
        return .ok
    }

    private static func matches(_ pattern: String, _ name: String) throws(Failure) -> Bool {
        do {
            return try Regex(pattern).firstMatch(in: name) != nil
        } catch {
            throw Failure(.usage, "Invalid pattern '\(pattern)': \(error)")
        }
    }

    /// This machine's name: the node crm_attribute means when -N is not given.
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.split(separator: ".").first.map(String.init) ?? name
    }
}

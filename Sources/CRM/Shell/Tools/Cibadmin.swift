import XML

/// `cibadmin`: query and edit the CIB with Pacemaker's options, output and exit codes.
///
/// Lives in the library so the executable is a one-line `main` and tests can run it in-process.
public enum Cibadmin {
    /// The options, as Pacemaker 2.1.5's cibadmin accepts them.
    public static let options: [ToolArguments.Option] = [
        .init("?", "help"), .init("$", "version"), .init("V", "verbose"),
        .init("u", "upgrade"), .init("Q", "query"), .init("E", "erase"), .init("B", "bump"),
        .init("C", "create"), .init("M", "modify"), .init("P", "patch"), .init("R", "replace"),
        .init("D", "delete"), .init("d", "delete-all"), .init("a", "empty", .optional),
        .init("5", "md5-sum"), .init("6", "md5-sum-versioned"), .init("S", "show-access", .optional),
        .init("f", "force"), .init("t", "timeout", .required), .init("U", "user", .required),
        .init("s", "sync-call"), .init("l", "local"), .init("c", "allow-create"), .init("n", "no-children"),
        .init("X", "xml-text", .required), .init("x", "xml-file", .required), .init("p", "xml-pipe"),
        .init("o", "scope", .required), .init("A", "xpath", .required), .init("e", "node-path"),
        .init("N", "node", .required), .init(nil, "output-as", .required),
    ]

    static let commands = [
        "upgrade", "query", "erase", "bump", "create", "modify", "patch", "replace", "delete", "delete-all",
        "empty", "md5-sum", "md5-sum-versioned",
    ]

    static let dangerous =
        "The supplied command is considered dangerous.  To prevent accidental destruction of the cluster, "
        + "the --force flag is required in order to proceed."

    /// Runs cibadmin with `arguments` (no program name) and returns the exit status. Every edit is
    /// validated with `validator` (the shipped schema by default; nil turns validation off).
    public static func run(
        _ arguments: [String], environment: [String: String] = CIBSession.processEnvironment(),
        validator: (any CIBValidator)? = CIBSchema()
    ) -> Int32 {
        let parsed: ToolArguments
        do {
            parsed = try ToolArguments(arguments, options: options)
        } catch {
            return fail("\(error)\n\(usage)", .usage)
        }
        if parsed.has("help") {
            ToolStreams.writeOut(usage)
            return CRMExitCode.ok.rawValue
        }
        if parsed.has("version") {
            ToolStreams.writeOut(
                "cibadmin (Linux-HA Swift) implementing Pacemaker feature set \(CIBDocument.featureSet)\n")
            return CRMExitCode.ok.rawValue
        }
        do {
            return try execute(parsed, environment: environment, validator: validator).rawValue
        } catch {
            return fail(error.message, error.code)
        }
    }

    static let usage = """
        Usage: cibadmin <command> [options]
        Commands: -Q/--query -C/--create -M/--modify -R/--replace -D/--delete [-d/--delete-all]
          -E/--erase -B/--bump -P/--patch -a/--empty [=SCHEMA] -5/--md5-sum -6/--md5-sum-versioned
        Data: -X/--xml-text XML  -x/--xml-file FILE  -p/--xml-pipe
        Selection: -o/--scope SECTION  -A/--xpath XPATH  -e/--node-path  -n/--no-children
        Other: -c/--allow-create  -f/--force  -U/--user USER  -l/--local  -s/--sync-call  -t/--timeout S
        The CIB is the file named by CIB_shadow (crm_shadow) or CIB_file; see Docs/CIB.md.

        """

    static func fail(_ message: String, _ code: CRMExitCode) -> Int32 {
        ToolStreams.writeError(message.hasSuffix("\n") ? message : message + "\n")
        return code.rawValue
    }

    typealias Failure = ToolFailure

    private static func execute(
        _ arguments: ToolArguments, environment: [String: String], validator: (any CIBValidator)?
    ) throws(Failure) -> CRMExitCode {
        let given = commands.filter { arguments.has($0) && $0 != "delete-all" }
        var command = given.last
        if command == nil, arguments.has("delete-all") { command = "delete-all" }
        guard let command else {
            throw Failure(.usage, "cibadmin: no command given (one of -Q -C -M -R -D -E -B -P)\n\(usage)")
        }
        if given.count > 1 {
            throw Failure(.usage, "cibadmin: only one command may be given, got --\(given.joined(separator: " --"))")
        }
        if arguments.has("output-as"), let format = arguments.value("output-as"), format != "text" {
            throw Failure(.usage, "cibadmin: --output-as=\(format) is not supported (cibadmin prints XML and text)")
        }
        switch command {
        case "empty":
            let schema = arguments.value("empty") ?? "pacemaker-3.9"
            ToolStreams.writeOut(CIBDocument.empty(validateWith: schema).xml.serialized(pretty: true))
            return .ok
        case "md5-sum", "md5-sum-versioned":
            guard let input = try readInput(arguments, limit: CIBSession.maximumBytes(environment)) else {
                throw Failure(.usage, "cibadmin: -5/-6 need -X, -x or -p")
            }
            let digest = command == "md5-sum" ? CIBDigest.onDisk(input.root) : CIBDigest.versioned(input.root)
            let label =
                command == "md5-sum"
                ? "Digest: " : "Versioned (\(input.root[attribute: "crm_feature_set"] ?? "(null)")) digest: "
            // As Pacemaker: the label on stderr, so `$(cibadmin -5 -x f)` is just the digest.
            ToolStreams.writeError(label)
            ToolStreams.writeOut(digest + "\n")
            return .ok
        case "upgrade":
            throw Failure(
                .unimplementedFeature, "cibadmin: --upgrade is not supported yet (no schema transforms); TODO(#2)")
        default:
            break
        }
        if arguments.has("show-access") {
            throw Failure(.unimplementedFeature, "cibadmin: --show-access is not supported yet; TODO(#2)")
        }
        let target = try Self.target(arguments)
        let input = try readInput(arguments, limit: CIBSession.maximumBytes(environment))
        if command == "erase", !arguments.has("force") { throw Failure(.unsafe, dangerous) }
        if command == "delete-all" || (command == "delete" && arguments.has("delete-all")) {
            guard case .xpath = target else { throw Failure(.usage, "cibadmin: -d/--delete-all needs --xpath") }
            if !arguments.has("force") { throw Failure(.unsafe, dangerous) }
        }
        var environment = environment
        if let user = arguments.value("user") { environment["CIB_user"] = user }
        let session: CIBSession
        do {
            session = try CIBSession(environment: environment, validator: validator)
        } catch {
            throw Failure(
                error.exitCode,
                "Could not connect to the CIB: \(error)\nInit failed, could not perform requested operations")
        }
        return try perform(command, target: target, input: input, arguments: arguments, session: session)
    }

    private static func target(_ arguments: ToolArguments) throws(Failure) -> CIBTarget {
        if let xpath = arguments.value("xpath") { return .xpath(xpath) }
        guard let name = arguments.value("scope") else { return .whole }
        do {
            return try CIBScope.parse(name).map(CIBTarget.scope) ?? .whole
        } catch {
            throw Failure(error.exitCode, "cibadmin: \(error)")
        }
    }

    /// The XML from -X, -x or -p, parsed; nil when none was given.
    static func readInput(_ arguments: ToolArguments, limit: Int) throws(Failure) -> XMLDocument? {
        var bytes: [UInt8]
        var source: String
        if let text = arguments.value("xml-text") {
            bytes = Array(text.utf8)
            source = "--xml-text"
        } else if let file = arguments.value("xml-file") {
            do {
                bytes = try CIBFileIO.read(file, limit: limit)
            } catch {
                throw Failure(error.exitCode == .dataError ? .dataError : .noInput, "cibadmin: \(error)")
            }
            source = file
        } else if arguments.has("xml-pipe") {
            guard let read = ToolStreams.readStandardInput(limit: limit) else {
                throw Failure(.dataError, "cibadmin: <stdin>: input over the limit of \(limit) bytes")
            }
            bytes = read
            source = "<stdin>"
        } else {
            return nil
        }
        do {
            return try XMLDocument.parse(bytes, source: source, maximumBytes: limit)
        } catch {
            throw Failure(.dataError, "cibadmin: Couldn't parse input XML: \(error)")
        }
    }
}

import XML

/// `crm_failcount`: query (`-G`) or clear (`-D`) a resource's fail count on a node, as Pacemaker's wrapper
/// does: the count is the sum of the node's transient `fail-count-RSC#OP_INTERVAL` attributes (or one of
/// them with `-n`/`-I`), and clearing is `crm_resource --cleanup` for that resource and node.
public enum CRMFailcount {
    /// The options of Pacemaker 2.1.5's crm_failcount, deprecated spellings included.
    public static let options: [ToolArguments.Option] = [
        .init(nil, "help"), .init(nil, "version"), .init("V", "verbose"), .init("q", "quiet"), .init("Q", "quiet-compat"),
        .init("G", "query"), .init(nil, "get-value"), .init("D", "delete"), .init(nil, "delete-attr"),
        .init("r", "resource", .required), .init(nil, "resource-id", .required), .init("n", "operation", .required),
        .init("I", "interval", .required), .init("N", "node", .required), .init("U", "uname", .required),
        .init("v", "attr-value", .required), .init("i", "attr-id", .required), .init("l", "lifetime", .required),
    ]

    static let usage = """
        Usage: crm_failcount <command> [<options>]
        Commands: -G/--query (the resource's fail count)  -D/--delete (clear its recorded failures)
        Options: -r/--resource RSC (required)  -N/--node NODE (default: this host)
                 -n/--operation OP [-I/--interval INTERVAL] (one operation)  -q/--quiet (value only)
        The CIB is the file named by CIB_shadow (crm_shadow) or CIB_file.

        """

    /// Runs crm_failcount with `arguments` (no program name) and returns the exit status.
    public static func run(_ arguments: [String], environment: [String: String] = CIBSession.processEnvironment()) -> Int32 {
        let parsed: ToolArguments
        do {
            parsed = try ToolArguments(arguments, options: options)
        } catch {
            return usageError(error.description)
        }
        if parsed.has("help") {
            ToolStreams.writeOut(usage)
            return CRMExitCode.ok.rawValue
        }
        var isDelete = parsed.has("delete") || parsed.has("delete-attr")
        let isQuery = parsed.has("query") || parsed.has("get-value")
        if let value = parsed.value("attr-value") {
            if value == "0" { isDelete = true } else { ToolStreams.writeError("warning: ignoring deprecated option '-v' with nonzero value\n") }
        }
        for name in ["attr-id", "lifetime"] where parsed.has(name) { ToolStreams.writeError("warning: ignoring deprecated option '--\(name)'\n") }
        guard isQuery || isDelete else { return usageError("must specify a command") }
        guard let resource = parsed.value("resource") ?? parsed.value("resource-id") else { return usageError("resource name required") }
        let node = parsed.value("node") ?? parsed.value("uname") ?? CRMAttribute.hostName()
        let operation = parsed.value("operation")
        var intervalMs = 0
        if let text = parsed.value("interval") {
            if let value = DurationText.milliseconds(text) {
                intervalMs = value
            } else {
                ToolStreams.writeError("warning: Unrecognized interval, using 0\n")
            }
        }
        if isQuery && !isDelete {
            return query(resource: resource, node: node, operation: operation, intervalMs: intervalMs,
                         isQuiet: parsed.has("quiet") || parsed.has("quiet-compat"), environment: environment)
        }
        var cleanup = ["--cleanup", "-N", node, "-r", resource]
        if let operation { cleanup += ["-n", operation, "-I", "\(intervalMs)ms"] }
        if parsed.has("quiet") || parsed.has("quiet-compat") { cleanup.append("--quiet") }
        return CRMResource.run(cleanup, environment: environment, program: "crm_resource", now: 0)
    }

    private static func usageError(_ message: String) -> Int32 {
        ToolStreams.writeError("error: \(message)\n")
        ToolStreams.writeOut("\n" + usage)
        return CRMExitCode.usage.rawValue
    }

    /// Prints `scope=status  name=NAME value=N` (or N alone) for the node's fail count of the resource.
    static func query(
        resource: String, node: String, operation: String?, intervalMs: Int, isQuiet: Bool, environment: [String: String]
    ) -> Int32 {
        let session: CIBSession
        do {
            session = try CIBSession(environment: environment)
        } catch {
            ToolStreams.writeError("crm_failcount: Could not connect to the CIB: \(error.description)\n")
            return error.exitCode.rawValue
        }
        let document = session.document.xml
        guard let nodeID = CRMAttribute.AttributeRequest.nodeID(named: node, in: document) else {
            ToolStreams.writeError("crm_failcount: Could not map name=\(node) to a UUID\n")
            return CRMExitCode.noSuchObject.rawValue
        }
        let pairs = CIBAttributeLocator(owner: .nodeStatus(id: nodeID), setElement: "instance_attributes", name: nil)
            .matches(in: document).compactMap { pair -> (String, String)? in
                guard let name = pair[attribute: "name"] else { return nil }
                return (name, pair[attribute: "value"] ?? "")
            }
        let base = "fail-count-\(resource)"
        var name = base
        var count: Int
        if let operation {
            name = "\(base)#\(operation)_\(intervalMs)"
            count = pairs.first { $0.0 == name }.flatMap { Score.parse($0.1) } ?? 0
        } else {
            // Pacemaker's wrapper adds up the whole numbers and INFINITY; anything else counts nothing.
            count = pairs.filter { $0.0.hasPrefix(base + "#") }.reduce(0) { total, pair in
                Score.add(total, pair.1 == "INFINITY" || pair.1.allSatisfy(\.isNumber) ? Score.parse(pair.1) ?? 0 : 0)
            }
        }
        if count == 0, let legacy = pairs.first(where: { $0.0 == base }).flatMap({ Score.parse($0.1) }), legacy != 0 {
            // A count kept under the old single name (before per-operation counts).
            name = base
            count = legacy
        }
        let value = Score.format(max(count, 0))
        ToolStreams.writeOut(isQuiet ? "\(value)\n" : "scope=status  name=\(name) value=\(value)\n")
        return CRMExitCode.ok.rawValue
    }
}

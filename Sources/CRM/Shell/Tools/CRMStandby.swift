/// `crm_standby`: query, set or delete a node's `standby` attribute, as Pacemaker's wrapper over
/// crm_attribute does: permanent (`-l forever`, in the nodes section) unless `-l reboot` (transient, in the
/// status section); a query without `-l` reports the permanent value, else the transient one, else `off`.
public enum CRMStandby {
    /// The options of Pacemaker 2.1.5's crm_standby, deprecated spellings included.
    public static let options: [ToolArguments.Option] = [
        .init(nil, "help"), .init(nil, "version"), .init("V", "verbose"), .init("q", "quiet"), .init("Q", "quiet-compat"),
        .init("G", "query"), .init(nil, "get-value"), .init("v", "update", .required), .init(nil, "attr-value", .required),
        .init("D", "delete"), .init(nil, "delete-attr"), .init("N", "node", .required), .init("U", "uname", .required),
        .init("l", "lifetime", .required), .init("i", "id", .required), .init(nil, "attr-id", .required),
    ]

    static let usage = """
        Usage: crm_standby <command> [options]
        Commands: -G/--query (on/off)  -v/--update on|off  -D/--delete (back to the default)
        Options: -N/--node NODE (default: this host)  -l/--lifetime reboot|forever  -i/--id XML_ID  -q/--quiet
        The CIB is the file named by CIB_shadow (crm_shadow) or CIB_file.

        """

    /// Runs crm_standby with `arguments` (no program name) and returns the exit status.
    public static func run(_ arguments: [String], environment: [String: String] = CIBSession.processEnvironment()) -> Int32 {
        let parsed: ToolArguments
        do {
            parsed = try ToolArguments(arguments, options: options)
        } catch {
            // Pacemaker's wrapper exits 1 on bad options.
            ToolStreams.writeError("error: \(error.description)\n")
            ToolStreams.writeOut("\n" + usage)
            return CRMExitCode.error.rawValue
        }
        if parsed.has("help") {
            ToolStreams.writeOut(usage)
            return CRMExitCode.ok.rawValue
        }
        let node = parsed.value("node") ?? parsed.value("uname") ?? CRMAttribute.hostName()
        var common = ["-N", node, "-n", "standby"]
        if parsed.has("quiet") || parsed.has("quiet-compat") { common.append("--quiet") }
        if let id = parsed.value("id") ?? parsed.value("attr-id") { common += ["--id", id] }
        let lifetime = parsed.value("lifetime")
        if let lifetime { common += ["--lifetime", lifetime] }
        if let value = parsed.value("update") ?? parsed.value("attr-value") {
            return attribute(common + ["--update", value] + (lifetime == nil ? ["-l", "forever"] : []), environment)
        }
        if parsed.has("delete") || parsed.has("delete-attr") {
            guard lifetime == nil else { return attribute(common + ["--delete"], environment) }
            // Both entries go; the wrapper ignores either deletion's status.
            _ = attribute(common + ["--delete", "-l", "forever"], environment)
            _ = attribute(common + ["--delete", "-l", "reboot"], environment)
            return CRMExitCode.ok.rawValue
        }
        guard lifetime == nil else { return attribute(common + ["--query"], environment) }
        if hasPermanentStandby(node: node, environment: environment) {
            return attribute(common + ["--query", "-l", "forever"], environment)
        }
        return attribute(common + ["--query", "-l", "reboot", "-d", "off"], environment)
    }

    private static func attribute(_ arguments: [String], _ environment: [String: String]) -> Int32 {
        CRMAttribute.run(arguments, environment: environment, program: "crm_attribute")
    }

    /// Whether the node has a permanent `standby` attribute (what the wrapper's silent first query asks).
    private static func hasPermanentStandby(node: String, environment: [String: String]) -> Bool {
        guard let session = try? CIBSession(environment: environment),
            let id = CRMAttribute.AttributeRequest.nodeID(named: node, in: session.document.xml)
        else { return false }
        let locator = CIBAttributeLocator(owner: .node(id: id), setElement: "instance_attributes", name: "standby")
        return !locator.matches(in: session.document.xml).isEmpty
    }
}

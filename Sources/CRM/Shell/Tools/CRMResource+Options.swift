/// crm_resource's options in groups, one group per concern, so another component can add its own group
/// in its own file (for example the local-bypass `--force-*` actions) and list it in `optionGroups`.
extension CRMResource {
    /// Output and general options.
    static let generalOptions: [ToolArguments.Option] = [
        .init("?", "help"), .init("$", "version"), .init("V", "verbose"), .init("Q", "quiet"),
        .init(nil, "output-as", .required), .init(nil, "output-to", .required),
        .init("r", "resource", .required), .init("N", "node", .required), .init("f", "force"),
        .init("T", "timeout", .required),
    ]

    /// Queries: list the resources, read a parameter, locate.
    static let queryOptions: [ToolArguments.Option] = [
        .init("L", "list"), .init("l", "list-raw"), .init("g", "get-parameter", .required), .init("W", "locate"),
        .init("Y", "why"), .init("q", "query-xml"), .init("w", "query-xml-raw"), .init("a", "constraints"),
        .init("A", "stack"), .init("O", "list-operations"), .init("o", "list-all-operations"),
    ]

    /// Changes to resource attributes.
    static let parameterOptions: [ToolArguments.Option] = [
        .init("p", "set-parameter", .required), .init("d", "delete-parameter", .required),
        .init("v", "parameter-value", .required), .init("m", "meta"), .init("z", "utilization"),
        .init("s", "set-name", .required), .init("i", "nvpair", .required), .init(nil, "recursive"),
    ]

    /// Location constraints: move, ban, clear.
    static let locationOptions: [ToolArguments.Option] = [
        .init("M", "move"), .init("B", "ban"), .init("U", "clear"), .init("e", "expired"),
        .init("u", "lifetime", .required), .init(nil, "promoted"), .init(nil, "master"),
    ]

    /// Commands that need the live cluster (controller, executor) and fail clearly until it exists.
    static let clusterOptions: [ToolArguments.Option] = [
        .init("C", "cleanup"), .init("R", "refresh"), .init(nil, "restart"), .init(nil, "wait"), .init("F", "fail"),
        .init("D", "delete"), .init("t", "resource-type", .required), .init(nil, "digests"),
        .init("n", "operation", .required), .init("I", "interval", .required),
    ]

    /// Agent commands (run agents or read their metadata locally); the LRM layer provides them.
    static let agentOptions: [ToolArguments.Option] = [
        .init(nil, "list-standards"), .init(nil, "list-ocf-providers"), .init(nil, "list-agents", .required),
        .init(nil, "list-ocf-alternatives", .required), .init(nil, "show-metadata", .required),
        .init(nil, "validate", .optional), .init(nil, "class", .required), .init(nil, "agent", .required),
        .init(nil, "provider", .required), .init(nil, "option", .required),
        .init(nil, "force-start"), .init(nil, "force-stop"), .init(nil, "force-promote"), .init(nil, "force-demote"),
        .init(nil, "force-check", .optional),
    ]

    /// Every option crm_resource accepts.
    public static var options: [ToolArguments.Option] {
        optionGroups.flatMap { $0 }
    }

    static var optionGroups: [[ToolArguments.Option]] {
        [generalOptions, queryOptions, parameterOptions, locationOptions, clusterOptions, agentOptions]
    }

    /// Commands answered by the live cluster only.
    static let liveClusterCommands = ["wait", "fail", "list-operations", "list-all-operations"]

    /// Commands that need resource agents, not the CIB.
    static let agentCommands = [
        "list-standards", "list-ocf-providers", "list-agents", "list-ocf-alternatives", "show-metadata", "validate",
        "force-start", "force-stop", "force-promote", "force-demote", "force-check",
    ]
}

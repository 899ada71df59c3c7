import ArgumentParser
import ResourceAgents

struct Exec: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an operation and wait for its result; the exit status is the agent's rc.",
        discussion: "With --interval the operation stays scheduled in lrmd; lrmadmin waits for its first result.")
    @OptionGroup var common: CommonOptions
    @Argument(help: "Resource id.") var resource: String
    @Argument(help: "Action: start, stop, monitor, promote, demote, validate-all, ...") var action: String
    @Option(help: "Repeat interval in milliseconds (0: once).") var interval: Int64 = 0
    @Option(help: "Timeout in milliseconds.") var timeout: Int64 = 20_000
    @Option(name: .customLong("start-delay"), help: "Start delay in milliseconds.") var startDelay: Int64 = 0
    @Option(name: .customLong("param"), help: "Operation parameter NAME=VALUE (repeatable).") var parameters: [String] =
        []

    func validate() throws {
        guard interval >= 0, timeout > 0, startDelay >= 0 else {
            throw ValidationError("--interval and --start-delay must be >= 0 and --timeout > 0")
        }
    }

    func run() async throws {
        let request = OperationRequest(
            key: OperationKey(resource: resource, action: action, interval: .milliseconds(interval)),
            timeout: .milliseconds(timeout), startDelay: .milliseconds(startDelay),
            parameters: try parseParameters(parameters), notifiesOriginOnly: true)
        let result = try await common.withClient { try await $0.executeAndWait(request) }
        printResult(result, format: common.format)
        if result.status != .done {
            printError("\(result.key): \(result.status): \(result.exitReason)")
        }
        throw ExitCode(result.exitCode.rawValue)
    }
}

struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the last result of each operation.")
    @OptionGroup var common: CommonOptions
    @Argument(help: "Only this resource.") var resource: String?

    func run() async throws {
        let results = try await common.withClient { try await $0.history(of: resource) }
        if common.format == .xml { print("<lrmadmin>") }
        for result in results { printResult(result, format: common.format) }
        if common.format == .xml { print("</lrmadmin>") }
    }
}

struct Cancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Cancel an operation (by resource, action, interval).")
    @OptionGroup var common: CommonOptions
    @Argument(help: "Resource id.") var resource: String
    @Argument(help: "Action.") var action: String
    @Option(help: "Interval in milliseconds.") var interval: Int64 = 0

    func run() async throws {
        let key = OperationKey(resource: resource, action: action, interval: .milliseconds(interval))
        try await common.withClient { try await $0.cancel(key) }
    }
}

func printResult(_ result: OperationResult, format: OutputFormat) {
    let execution = result.executionTime.wholeMilliseconds
    let queue = result.queueTime.wholeMilliseconds
    switch format {
    case .text:
        var line = "\(result.key) call=\(result.callID) rc=\(result.exitCode.rawValue) (\(result.exitCode))"
        line += " status=\(result.status) exec=\(execution)ms queue=\(queue)ms"
        if !result.exitReason.isEmpty { line += " reason=\"\(result.exitReason)\"" }
        print(line)
    case .xml:
        print(
            "  <operation key=\"\(xmlEscaped(result.key.description))\" resource=\"\(xmlEscaped(result.key.resource))\""
                + " action=\"\(xmlEscaped(result.key.action))\" interval=\"\(result.key.intervalMilliseconds)\""
                + " call-id=\"\(result.callID)\" rc-code=\"\(result.exitCode.rawValue)\""
                + " op-status=\"\(result.status.rawValue)\" exec-time=\"\(execution)\" queue-time=\"\(queue)\""
                + " exit-reason=\"\(xmlEscaped(result.exitReason))\"/>")
    }
}

import Glibc
import XML

/// `crm_mon`: the cluster's state, once (`-1`) or redrawn every `-i` seconds, as Pacemaker's text layout or
/// its XML (`--output-as xml`). Every view re-reads the CIB through `CIBSession` and unpacks it with the
/// policy engine's own status reading (`PolicyEngine.status`), so it shows what the engine believes.
public enum CRMMon {
    /// The options, as Pacemaker 2.1.5's crm_mon spells them.
    public static let options: [ToolArguments.Option] = [
        .init("?", "help"), .init("$", "version"), .init("V", "verbose"), .init("Q", "quiet"),
        .init("1", "one-shot"), .init("i", "interval", .required), .init("r", "inactive"), .init("f", "failcounts"),
        .init("n", "group-by-node"), .init("A", "show-node-attributes"), .init("o", "operations"),
        .init(nil, "output-as", .required), .init(nil, "output-to", .required),
    ] + unsupportedOptions

    /// Pacemaker options we recognise but do not implement yet: they fail with exit 3, never silently.
    static let unsupportedOptions: [ToolArguments.Option] = [
        .init("t", "timing-details"), .init("c", "tickets"), .init("m", "fence-history", .optional),
        .init("L", "neg-locations", .optional), .init("R", "show-detail"), .init("b", "brief"), .init("D", "hide-headers"),
        .init("s", "simple-status"), .init("I", "include", .required), .init("U", "exclude", .required),
        .init(nil, "node", .required), .init(nil, "resource", .required), .init("d", "daemonize"),
        .init("E", "external-agent", .required), .init("W", "watch-fencing"), .init("X", "as-xml"), .init("h", "as-html", .required),
    ]

    static let usage = """
        Usage: crm_mon [-1 | -i SECONDS] [-r] [-f] [-n] [-A] [-o] [--output-as text|xml]
        Shows the cluster's state: once with -1/--one-shot, otherwise redrawn every -i/--interval seconds
        (default 5; on a terminal the screen is redrawn, otherwise each view is printed after the last).
          -r/--inactive  inactive resources too     -f/--failcounts  fail counts (migration summary)
          -n/--group-by-node  resources by node     -A/--show-node-attributes  node attributes
          -o/--operations  operation history        --output-as text|xml
        The CIB is the file named by CIB_shadow (crm_shadow) or CIB_file.

        """

    /// Runs crm_mon with `arguments` (no program name) and returns the exit status. Without `-1` (and with
    /// text output) it loops until the process is interrupted, or for `views` views when given.
    public static func run(
        _ arguments: [String], environment: [String: String] = CIBSession.processEnvironment(), program: String = "crm_mon",
        views: Int? = nil
    ) -> Int32 {
        let parsed: ToolArguments
        let format: ToolOutputFormat
        switch ToolArguments.parseCommandLine(arguments, tool: "crm_mon", options: options, usage: usage) {
        case .success(let result): (parsed, format) = result
        case .failure(let exit): return exit.status
        }
        let request = ([program] + arguments).joined(separator: " ")
        if let unsupported = unsupportedOptions.first(where: { parsed.has($0.long) }) {
            var reporter = ToolReporter(format: format, request: request)
            reporter.error("--\(unsupported.long) is not supported yet", tool: "crm_mon")
            return reporter.finish(.unimplementedFeature)
        }
        var monitorOptions = MonitorOptions()
        monitorOptions.showsInactive = parsed.has("inactive")
        monitorOptions.showsFailCounts = parsed.has("failcounts")
        monitorOptions.groupsByNode = parsed.has("group-by-node")
        monitorOptions.showsNodeAttributes = parsed.has("show-node-attributes")
        monitorOptions.showsOperations = parsed.has("operations")
        // XML output is always one view, as in Pacemaker.
        guard !parsed.has("one-shot"), format == .text else {
            return oneView(monitorOptions, format: format, request: request, environment: environment)
        }
        guard let interval = parseInterval(parsed.value("interval") ?? "5") else {
            ToolStreams.writeError("crm_mon: Invalid interval '\(parsed.value("interval") ?? "")'\n")
            return CRMExitCode.usage.rawValue
        }
        return refreshing(monitorOptions, every: interval, environment: environment, views: views)
    }

    /// One view: text to stdout (errors to stderr), or one `<pacemaker-result>`.
    static func oneView(_ options: MonitorOptions, format: ToolOutputFormat, request: String, environment: [String: String])
        -> Int32
    {
        var reporter = ToolReporter(format: format, request: request)
        switch view(options, environment: environment) {
        case .success(let view):
            switch format {
            case .text: reporter.output(view.text())
            case .xml: for element in view.xmlElements() { reporter.output(element) }
            }
            return reporter.finish(.ok)
        case .failure(let failure):
            reporter.error(failure.message, tool: "crm_mon")
            return reporter.finish(failure.code)
        }
    }

    /// Redraws the view every `seconds` (clearing the screen on a terminal), re-reading the CIB each time.
    static func refreshing(_ options: MonitorOptions, every seconds: Double, environment: [String: String], views: Int?) -> Int32 {
        let isTerminal = isatty(1) != 0
        // Stoppable whatever the parent left ignored or blocked (both survive exec): Ctrl-C or a kill ends the loop.
        signal(SIGTERM, SIG_DFL)
        signal(SIGINT, SIG_DFL)
        var stopping = sigset_t()
        sigemptyset(&stopping)
        sigaddset(&stopping, SIGTERM)
        sigaddset(&stopping, SIGINT)
        sigprocmask(SIG_UNBLOCK, &stopping, nil)
        var shown = 0
        while views.map({ shown < $0 }) ?? true {
            let text: String
            switch view(options, environment: environment) {
            case .success(let view): text = view.text()
            case .failure(let failure): text = "crm_mon: \(failure.message)\n"
            }
            // Home the cursor and clear the screen, so the view replaces the last one.
            ToolStreams.writeOut(isTerminal ? "\u{1B}[H\u{1B}[2J" + text : (shown > 0 ? "\n" : "") + text)
            shown += 1
            if views.map({ shown >= $0 }) ?? false { break }
            var pause = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
            var remaining = timespec()
            while nanosleep(&pause, &remaining) != 0 && errno == EINTR { pause = remaining }
        }
        return CRMExitCode.ok.rawValue
    }

    typealias Failure = ToolFailure

    /// Reads the CIB through a new session and unpacks its status.
    static func view(_ options: MonitorOptions, environment: [String: String]) -> Result<MonitorView, Failure> {
        let session: CIBSession
        do {
            session = try CIBSession(environment: environment)
        } catch {
            return .failure(Failure(error.exitCode, "Could not connect to the CIB: \(error.description)"))
        }
        let root = session.document.xml.root
        let model: ClusterModel
        do {
            model = try ClusterModel(cib: root)
        } catch {
            return .failure(Failure(.unimplementedFeature, "Cannot show this CIB: \(error.description)"))
        }
        let now = Int(time(nil))
        let header = MonitorHeader(
            lastUpdated: formatTime(now), lastWritten: root[attribute: "cib-last-written"], user: root[attribute: "update-user"],
            client: root[attribute: "update-client"], origin: root[attribute: "update-origin"])
        return .success(
            MonitorView(
                status: PolicyEngine.status(model, now: now).addingOperationDetails(from: root), header: header, options: options,
                formatTime: formatTime))
    }

    /// Seconds from `5`, `2.5`, `500ms`, `10s`, `1m` (Pacemaker's TIMESPEC, without ISO 8601 periods).
    static func parseInterval(_ text: String) -> Double? {
        if let seconds = Double(text), seconds > 0 { return seconds }
        guard let milliseconds = DurationText.milliseconds(text), milliseconds > 0 else { return nil }
        return Double(milliseconds) / 1000
    }

    /// Epoch seconds as Pacemaker prints them: `ctime` style in local time (`Wed Nov 25 02:09:27 2026`).
    @Sendable static func formatTime(_ seconds: Int) -> String {
        var value = time_t(seconds)
        var parts = tm()
        guard localtime_r(&value, &parts) != nil else { return String(seconds) }
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%a %b %e %H:%M:%S %Y", &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

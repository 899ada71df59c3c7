import ArgumentParser
import Dispatch
import Foundation
import Launcher
import Logging
import Membership

/// `ha start`: runs and watches one node's heartbeat, lrmd and crmd.
struct Start: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start and watch this node's daemons (heartbeat, lrmd, crmd)",
        discussion: """
            Starts heartbeat, then lrmd once heartbeat's socket accepts connections, then crmd once lrmd's does; \
            the executables are the ones next to `ha`. A daemon that exits unexpectedly is restarted after a \
            delay that doubles from 250 ms up to 8 s (crmd is restarted with heartbeat or lrmd). A daemon that \
            exits 6 (not configured) or 64 (usage) stops the node, and `ha start` exits with that status. \
            SIGTERM or SIGINT stops crmd, lrmd, then heartbeat, each given --stop-timeout before SIGKILL; a \
            second signal kills them at once. The daemons run under `setpriv --pdeathsig KILL`, so they die \
            with `ha start` even if it is killed with SIGKILL. See Docs/Launcher.md.
            """)

    @Option(name: .customLong("config"), help: "Configuration directory (HA_CONFIG_DIR, default /etc/ha.d)")
    var config: String?
    @Option(name: .customLong("run-dir"), help: "Runtime directory (HA_RUN_DIR, default /run/linux-ha)")
    var runDirectory: String?
    @Option(name: .customLong("state-dir"), help: "State directory (HA_STATE_DIR, default /var/lib/linux-ha)")
    var stateDirectory: String?
    @Option(name: .customLong("log-level"), help: "Log level of ha start and the daemons")
    var logLevel = "notice"
    @Option(name: .customLong("stop-timeout"), help: "Seconds each daemon gets to stop before SIGKILL")
    var stopTimeout = 30

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        guard stopTimeout > 0 else { throw ValidationError("--stop-timeout must be positive") }
    }

    func run() async throws {
        let directories = HADirectories(config: config, run: runDirectory, state: stateDirectory)
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let plan = NodePlan(
            directories: directories, executableDirectory: me.deletingLastPathComponent().path, logLevel: logLevel)
        guard plan.missingExecutables.isEmpty else {
            throw ValidationError("missing daemon executables: \(plan.missingExecutables.joined(separator: ", "))")
        }
        guard FileManager.default.fileExists(atPath: directories.haCF) else {
            FileHandle.standardError.write(Data("ha start: no configuration: \(directories.haCF) not found\n".utf8))
            throw ExitCode(6)
        }
        do {
            try directories.createRuntimeDirectories()
        } catch {
            FileHandle.standardError.write(Data("ha start: \(error)\n".utf8))
            throw ExitCode(1)
        }
        var logger = Logger(label: "ha.launcher") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .notice
        let launcher = NodeLauncher(
            commands: plan.commands, environment: plan.environment(),
            settings: .init(stopTimeout: .seconds(stopTimeout)), logger: logger)
        let sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { launcher.requestStop() }
            source.resume()
            return source
        }
        let status = await launcher.run()
        sources.forEach { $0.cancel() }
        if status != 0 { throw ExitCode(status) }
    }
}

import Foundation
import Membership

/// What `ha start` runs for one node: the three daemons found in one directory (next to `ha`), each given
/// the node's directories as options and in the environment (`HA_CONFIG_DIR`, `HA_RUN_DIR`, `HA_STATE_DIR`).
public struct NodePlan: Sendable {
    /// The node's directories.
    public var directories: HADirectories
    /// The directory holding `heartbeat`, `lrmd` and `crmd`.
    public var executableDirectory: String
    /// The daemons' log level.
    public var logLevel: String

    /// A plan.
    public init(directories: HADirectories, executableDirectory: String, logLevel: String) {
        self.directories = directories
        self.executableDirectory = executableDirectory
        self.logLevel = logLevel
    }

    /// lrmd's socket (the lrmd daemon's own name for it).
    public var lrmdSocket: String { directories.run + "/lrmd.sock" }

    /// The command line of each daemon.
    public var commands: [NodeSupervisor.Daemon: DaemonCommand] {
        let directoryOptions = [
            "--config", directories.config, "--run-dir", directories.run, "--state-dir", directories.state,
        ]
        let level = ["--log-level", logLevel]
        return [
            .heartbeat: DaemonCommand(
                path: executable(.heartbeat), arguments: directoryOptions + level,
                readinessSocket: directories.heartbeatSocket),
            .lrmd: DaemonCommand(
                path: executable(.lrmd), arguments: ["--run-dir", directories.run] + level, readinessSocket: lrmdSocket),
            .crmd: DaemonCommand(path: executable(.crmd), arguments: directoryOptions + ["--log-level", crmdLogLevel]),
        ]
    }

    /// The daemons' environment: ours plus the node's directories.
    public func environment(base: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var environment = base
        environment["HA_CONFIG_DIR"] = directories.config
        environment["HA_RUN_DIR"] = directories.run
        environment["HA_STATE_DIR"] = directories.state
        return environment
    }

    /// crmd knows debug, info, notice, warning and error.
    var crmdLogLevel: String {
        switch logLevel {
        case "trace": return "debug"
        case "critical": return "error"
        default: return logLevel
        }
    }

    /// The daemons whose executable is missing.
    public var missingExecutables: [String] {
        NodeSupervisor.Daemon.allCases.map(executable).filter { !FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The path of `daemon`'s executable.
    public func executable(_ daemon: NodeSupervisor.Daemon) -> String { executableDirectory + "/" + daemon.rawValue }
}

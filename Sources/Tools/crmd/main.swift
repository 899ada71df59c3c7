import ArgumentParser
import CRM
import Foundation
import Logging
import Membership
import ServiceLifecycle

/// `crmd`: the cluster resource manager's controller for one node (DC election, CIB replication, the
/// transition engine), a client of the local heartbeat and lrmd.
@main
struct CRMDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crmd",
        abstract: "Run the controller: DC election, the replicated CIB, policy runs and transitions",
        discussion: """
            Reads ha.cf from --config (HA_CONFIG_DIR, default /etc/ha.d) for the node names and ids, talks to \
            heartbeat.sock and lrmd.sock in --run-dir (HA_RUN_DIR), serves tools on crmd.sock there and logs to \
            stderr and crmd.log there; keeps the CIB replica in --state-dir (HA_STATE_DIR)/cib. SIGTERM or SIGINT \
            stops it. Exit status 6 (LSB "not configured") on a configuration error, 1 when heartbeat or lrmd \
            is lost.
            """)

    @Option(name: .customLong("config"), help: "Configuration directory (HA_CONFIG_DIR)") var config: String?
    @Option(name: .customLong("run-dir"), help: "Runtime directory (HA_RUN_DIR)") var runDirectory: String?
    @Option(name: .customLong("state-dir"), help: "State directory (HA_STATE_DIR)") var stateDirectory: String?
    @Option(name: .customLong("node"), help: "This node's name (overrides ha.cf's nodename and the host name)")
    var node: String?
    @Option(name: .customLong("log-level"), help: "debug, info, notice, warning or error")
    var logLevel: String = "notice"
    @Option(name: .customLong("policy-delay-ms"), help: "Debounce before a policy run, in milliseconds")
    var policyDelay: Int = 20

    func validate() throws {
        guard ControllerEventLog.Level.allCases.contains(where: { $0.name == logLevel }) else {
            throw ValidationError("unknown --log-level \(logLevel)")
        }
        guard policyDelay >= 0 else { throw ValidationError("--policy-delay-ms must not be negative") }
    }

    func run() async throws {
        let directories = HADirectories(config: config, run: runDirectory, state: stateDirectory)
        let daemonConfiguration: ControllerDaemonConfiguration
        do {
            let configuration = try directories.loadConfiguration()
            let name = node ?? configuration.localNodeName ?? ProcessInfo.processInfo.hostName
            try directories.createRuntimeDirectories()
            daemonConfiguration = try ControllerDaemonConfiguration(
                configuration: configuration, localNodeName: name, runDirectory: directories.run,
                stateDirectory: directories.state, policyDelay: .milliseconds(policyDelay),
                logLevel: ControllerEventLog.Level.allCases.first { $0.name == logLevel } ?? .notice)
        } catch {
            FileHandle.standardError.write(Data("crmd: \(error)\n".utf8))
            throw ExitCode(6)
        }
        let daemon = ControllerDaemon(configuration: daemonConfiguration)
        var logger = Logger(label: "ha.crmd")
        logger.logLevel = .warning
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: daemon)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            FileHandle.standardError.write(Data("crmd: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

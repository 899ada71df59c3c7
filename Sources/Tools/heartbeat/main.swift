import ArgumentParser
import Foundation
import Logging
import Membership
import Messaging
import ServiceLifecycle

/// `heartbeat`: the cluster communication daemon of one node (messaging, membership, quorum, local clients).
@main
struct HeartbeatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heartbeat",
        abstract: "Run the heartbeat daemon: messaging, membership and quorum for this node",
        discussion: """
            Reads ha.cf and authkeys from --config (HA_CONFIG_DIR, default /etc/ha.d), serves local clients on \
            heartbeat.sock in --run-dir (HA_RUN_DIR) and keeps the membership epoch in --state-dir (HA_STATE_DIR). \
            SIGTERM leaves the cluster gracefully. Exit status 6 (LSB "not configured") on a configuration error.
            """)

    @Option(name: .customLong("config"), help: "Configuration directory (HA_CONFIG_DIR)") var config: String?
    @Option(name: .customLong("run-dir"), help: "Runtime directory (HA_RUN_DIR)") var runDirectory: String?
    @Option(name: .customLong("state-dir"), help: "State directory (HA_STATE_DIR)") var stateDirectory: String?
    @Option(name: .customLong("node"), help: "This node's name (overrides ha.cf's nodename and the host name)")
    var node: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical")
    var logLevel: String = "info"
    @Flag(name: .customLong("check"), help: "Check the configuration and authkeys, then exit")
    var check = false

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
    }

    func run() async throws {
        let directories = HADirectories(config: config, run: runDirectory, state: stateDirectory)
        let configuration: HeartbeatConfiguration
        let protection: OpenSSLPacketProtection
        do {
            configuration = try directories.loadConfiguration()
            let keys = try AuthKeysFile.load(path: directories.authkeys)
            protection = try OpenSSLPacketProtection(
                keys: keys.keys, activeKeyNumber: keys.active, encrypt: configuration.isEncrypted)
        } catch {
            FileHandle.standardError.write(Data("heartbeat: \(error)\n".utf8))
            throw ExitCode(6)
        }
        for warning in configuration.warnings { FileHandle.standardError.write(Data("heartbeat: \(warning)\n".utf8)) }
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "ha.heartbeat.daemon")
        let name = node ?? configuration.localNodeName ?? ProcessInfo.processInfo.hostName
        let daemon: HeartbeatDaemon
        do {
            daemon = try HeartbeatDaemon(
                configuration: configuration, directories: directories, localNodeName: name, protection: protection,
                incarnation: HeartbeatDaemon.freshIncarnation(), logger: logger)
        } catch {
            FileHandle.standardError.write(Data("heartbeat: \(error)\n".utf8))
            throw ExitCode(6)
        }
        if check { return }
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: daemon)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

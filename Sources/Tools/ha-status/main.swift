import ArgumentParser
import Foundation
import Membership

/// `ha-status`: quorum and membership of the local node, in the manner of `corosync-quorumtool -s`.
@main
struct HAStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ha-status",
        abstract: "Show quorum, votes, the view and link status as the local heartbeat daemon sees them",
        discussion: "Exit status: 0 quorate, 2 not quorate (as corosync-quorumtool), 102 daemon unreachable.")

    @Option(name: .customLong("output-as"), help: "Output format: text or xml")
    var outputAs: String = "text"
    @Option(name: .customLong("config"), help: "Configuration directory (HA_CONFIG_DIR)") var config: String?
    @Option(name: .customLong("run-dir"), help: "Runtime directory (HA_RUN_DIR)") var runDirectory: String?
    @Option(name: .customLong("state-dir"), help: "State directory (HA_STATE_DIR)") var stateDirectory: String?

    func validate() throws {
        guard OutputFormat(rawValue: outputAs) != nil else { throw ValidationError("--output-as must be text or xml") }
    }

    func run() async throws {
        let directories = HADirectories(config: config, run: runDirectory, state: stateDirectory)
        let status: DaemonStatus
        do {
            status = try await HeartbeatClient.status(socketPath: directories.heartbeatSocket)
        } catch {
            FileHandle.standardError.write(Data("ha-status: Cannot initialize quorum service: \(error)\n".utf8))
            throw ExitCode(102)
        }
        let report = StatusReport(status)
        let format = OutputFormat(rawValue: outputAs) ?? .text
        print(report.summary(format, request: CommandLine.arguments.joined(separator: " ")), terminator: "")
        if !report.isQuorate { throw ExitCode(2) }
    }
}

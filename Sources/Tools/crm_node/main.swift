import ArgumentParser
import Foundation
import Membership
import Messaging

/// `crm_node`: low-level node information from the local heartbeat daemon, with Pacemaker's flags.
@main
struct CRMNode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crm_node",
        abstract: "Tool for displaying low-level node information",
        discussion: """
            Asks the local heartbeat daemon (its socket under --run-dir or HA_RUN_DIR). Exit status 102 when the \
            daemon cannot be reached, as Pacemaker's crm_node does when the controller is down.
            """)

    @Flag(name: [.customShort("i"), .customLong("cluster-id")], help: "Display this node's cluster id")
    var clusterID = false
    @Flag(name: [.short, .long], help: "Display all known members (past and present) of this cluster")
    var list = false
    @Flag(name: [.short, .long], help: "Display the name used by the cluster for this node")
    var name = false
    @Flag(name: [.short, .long], help: "Display the members of this partition")
    var partition = false
    @Flag(name: [.short, .long], help: "Display a 1 if our partition has quorum, 0 if not")
    var quorum = false
    @Option(name: [.customShort("N"), .customLong("name-for-id")], help: "Display the name of the node with this ID")
    var nameForID: UInt32?
    @Option(name: .customLong("output-as"), help: "Output format: text or xml")
    var outputAs: String = "text"
    @Option(name: .customLong("config"), help: "Configuration directory (HA_CONFIG_DIR)") var config: String?
    @Option(name: .customLong("run-dir"), help: "Runtime directory (HA_RUN_DIR)") var runDirectory: String?
    @Option(name: .customLong("state-dir"), help: "State directory (HA_STATE_DIR)") var stateDirectory: String?

    func validate() throws {
        let commands = [clusterID, list, name, partition, quorum, nameForID != nil].filter { $0 }.count
        guard commands == 1 else { throw ValidationError("give exactly one of -i, -l, -n, -p, -q, -N ID") }
        guard OutputFormat(rawValue: outputAs) != nil else { throw ValidationError("--output-as must be text or xml") }
    }

    func run() async throws {
        let directories = HADirectories(config: config, run: runDirectory, state: stateDirectory)
        let format = OutputFormat(rawValue: outputAs) ?? .text
        let status: DaemonStatus
        do {
            status = try await HeartbeatClient.status(socketPath: directories.heartbeatSocket)
        } catch {
            FileHandle.standardError.write(Data("crm_node: Could not connect to heartbeat: \(error)\n".utf8))
            throw ExitCode(102)
        }
        let report = StatusReport(status)
        let request = CommandLine.arguments.joined(separator: " ")
        let local = status.local
        if list { print(report.nodeList(format, request: request), terminator: "") }
        if partition { print(report.partition(format, request: request), terminator: "") }
        if quorum { print(report.quorum(format, request: request), terminator: "") }
        if name || clusterID {
            print(report.node(id: local.node, name: local.name, format, showID: clusterID, request: request), terminator: "")
        }
        if let nameForID {
            guard let found = report.name(of: NodeID(nameForID)) else {
                FileHandle.standardError.write(Data("crm_node: Could not find node with ID \(nameForID)\n".utf8))
                throw ExitCode(105)
            }
            print(report.node(id: NodeID(nameForID), name: found, format, showID: false, request: request), terminator: "")
        }
    }
}

import ArgumentParser
import Foundation
import Membership

/// `ha demo`: a whole cluster on this machine, a node killed and restarted, the times it took.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a local cluster on loopback, kill a node, and time detection and rejoin",
        discussion: """
            Starts N heartbeat daemons on 127.0.0.1 … 127.0.0.N as child processes, each with its own --config, \
            --run-dir and --state-dir under a temporary directory. Shows the membership, kills the last node with \
            SIGKILL, prints how long the survivors took to agree on the new view, restarts the node and prints \
            how long the rejoin took (process start-up included). Ends with `RESULT detect_ms=… rejoin_ms=…`.
            """)

    @Option(name: .long, help: "Number of nodes (2 to 16)") var nodes = 3
    @Flag(name: .customLong("non-interactive"), help: "Run the scenario without pausing and exit")
    var nonInteractive = false
    @Option(name: .long, help: "UDP port (default: random between 20000 and 40000)") var port: Int?
    @Flag(name: .long, help: "Keep the temporary directory (configuration and logs) afterwards") var keep = false

    func validate() throws {
        guard (2...16).contains(nodes) else { throw ValidationError("--nodes must be 2 to 16") }
    }

    func run() async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("ha-demo-\(getpid())").path
        let cluster = try LocalCluster(
            count: nodes, base: base, port: port ?? Int.random(in: 20000...40000), heartbeatPath: try Self.sibling("heartbeat"))
        cluster.logLevel = ProcessInfo.processInfo.environment["HA_DEMO_LOG_LEVEL"] ?? "notice"
        defer {
            cluster.stopAll()
            if !keep { try? FileManager.default.removeItem(atPath: base) } else { print("kept \(base)") }
        }
        let all = Array(0..<nodes)
        print("Starting \(nodes) heartbeat daemons on 127.0.0.1 … 127.0.0.\(nodes) (UDP port \(cluster.port))")
        let started = ContinuousClock.now
        for index in all { try cluster.start(index) }
        guard let first = await cluster.waitForAgreement(on: all, timeout: .seconds(20)) else {
            throw failure("the nodes did not agree on a first view; logs in \(base)/node*/run/heartbeat.log")
        }
        print("Cluster formed in \(milliseconds(ContinuousClock.now - started)) ms")
        await show(cluster, first)
        let victim = nodes - 1
        pause("Press Enter to kill node\(victim + 1) with SIGKILL…")
        let killedAt = ContinuousClock.now
        cluster.kill(victim)
        guard let reduced = await cluster.waitForAgreement(on: Array(all.dropLast()), timeout: .seconds(10)) else {
            throw failure("the survivors did not agree on a new view within 10 s")
        }
        let detect = milliseconds(ContinuousClock.now - killedAt)
        print("Survivors agreed on the new view \(detect) ms after the kill")
        await show(cluster, reduced)
        pause("Press Enter to restart node\(victim + 1)…")
        let restartedAt = ContinuousClock.now
        try cluster.start(victim)
        guard let rejoined = await cluster.waitForAgreement(on: all, timeout: .seconds(20)) else {
            throw failure("node\(victim + 1) did not rejoin within 20 s")
        }
        let rejoin = milliseconds(ContinuousClock.now - restartedAt)
        print("node\(victim + 1) rejoined (new incarnation) \(rejoin) ms after the restart, process start-up included")
        await show(cluster, rejoined)
        print("RESULT detect_ms=\(detect) rejoin_ms=\(rejoin)")
    }

    private func show(_ cluster: LocalCluster, _ view: MembershipView) async {
        print("  view \(view.id.epoch).\(view.id.coordinator), quorate: \(view.quorum.isQuorate ? "yes" : "no")"
            + " (\(view.quorum.totalVotes) of \(view.quorum.state.expectedVotes) expected votes, quorum \(view.quorum.quorum))")
        for member in view.members {
            print("    \(member.name)  id \(member.node)  incarnation \(member.member.incarnation)")
        }
    }

    private func pause(_ prompt: String) {
        guard !nonInteractive else { return }
        print(prompt, terminator: "")
        fflush(nil)
        _ = readLine()
    }

    private func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }

    private func failure(_ message: String) -> any Error {
        FileHandle.standardError.write(Data("ha demo: \(message)\n".utf8))
        return ExitCode(1)
    }

    /// The path of a tool built next to this one.
    static func sibling(_ name: String) throws -> String {
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let candidate = me.deletingLastPathComponent().appendingPathComponent(name).path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        if let found = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":")
            .map({ "\($0)/\(name)" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        {
            return found
        }
        throw ValidationError("cannot find the \(name) executable next to \(me.path) or on PATH")
    }
}

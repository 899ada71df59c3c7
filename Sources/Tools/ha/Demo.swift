import ArgumentParser
import CRM
import Dispatch
import Foundation
import Launcher
import XML

/// `ha demo`: a whole cluster on this machine, the node running a group killed, its resources moving.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a 3-node cluster on loopback, kill the node running a group, and time the failover",
        discussion: """
            Starts N nodes on 127.0.0.1 … 127.0.0.N, each an `ha start` (heartbeat, lrmd, crmd) with its own \
            --config, --run-dir and --state-dir under a temporary directory; loads Examples/demo-cib.xml with \
            cibadmin (a group of three Dummy resources, a clone of Dummy, the fence_ha_test fence device, \
            stonith-enabled=true); shows the status; kills the node running the group with SIGKILL (its ha \
            start and daemons); prints how long the group took to run elsewhere, split into detection, \
            agreement, scheduling, fencing and starting; restarts the node and shows it back. Ends with \
            `RESULT failover_ms=… detect_ms=… fence_ms=… start_ms=…`. Everything it started is stopped and \
            its directory removed at the end, on failure and on Ctrl-C.
            """)

    @Option(name: .long, help: "Number of nodes (3 to 9)") var nodes = 3
    @Flag(name: .customLong("non-interactive"), help: "Run the scenario without pausing and exit")
    var nonInteractive = false
    @Option(name: .long, help: "UDP port (default: random between 20000 and 40000)") var port: Int?
    @Option(name: .long, help: "The CIB to load (default: Examples/demo-cib.xml of this source tree)") var cib: String?
    @Option(name: .long, help: "The directory holding ocf/ and fence/ agents (default: agents/ of this tree)")
    var agents: String?
    @Flag(name: .long, help: "Keep the temporary directory (configuration and logs) afterwards") var keep = false

    func validate() throws {
        guard (3...9).contains(nodes) else { throw ValidationError("--nodes must be 3 to 9") }
    }

    func run() async throws {
        let executables = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let tree = DemoFiles.sourceTree(from: executables.path)
        guard let agents = agents ?? tree.map({ "\($0)/agents" }), let cibPath = cib ?? tree.map({ "\($0)/Examples/demo-cib.xml" })
        else { throw ValidationError("cannot find the source tree's agents/ and Examples/: give --agents and --cib") }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("ha-demo-\(getpid())").path
        let layout = NodeCluster.Layout(
            ha: executables.appendingPathComponent("ha").path, tools: executables.path,
            ocfPath: "\(agents)/ocf:/usr/lib/ocf/resource.d", fencePath: "\(agents)/fence:/usr/sbin")
        let cluster = try NodeCluster(
            count: nodes, base: base, port: port ?? Int.random(in: 20000...40000), layout: layout,
            logLevel: ProcessInfo.processInfo.environment["HA_DEMO_LOG_LEVEL"] ?? "notice")
        let interrupts = DemoFiles.onInterrupt {
            cluster.killAll()
            if !keep { try? FileManager.default.removeItem(atPath: base) }
        }
        var failure: (any Error)?
        do {
            try await DemoRun(cluster: cluster, interactive: !nonInteractive, cibPath: cibPath).run()
        } catch {
            failure = error
        }
        await cluster.stopAll()
        interrupts.forEach { $0.cancel() }
        if keep || failure != nil && ProcessInfo.processInfo.environment["HA_DEMO_KEEP_ON_FAILURE"] != nil {
            print("kept \(base)")
        } else {
            try? FileManager.default.removeItem(atPath: base)
        }
        if let failure {
            FileHandle.standardError.write(Data("ha demo: \(failure)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// Finding the source tree, and Ctrl-C.
enum DemoFiles {
    /// The nearest directory at or above `start` holding `agents/ocf/linux-ha/Dummy` (the build directory
    /// lies inside the source tree), else the current directory if it holds it.
    static func sourceTree(from start: String) -> String? {
        var directory = URL(fileURLWithPath: start)
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.path + "/agents/ocf/linux-ha/Dummy") { return directory.path }
            directory = directory.deletingLastPathComponent()
        }
        let here = FileManager.default.currentDirectoryPath
        return FileManager.default.fileExists(atPath: here + "/agents/ocf/linux-ha/Dummy") ? here : nil
    }

    /// On SIGINT or SIGTERM: runs `cleanup`, then exits 130.
    static func onInterrupt(_ cleanup: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                FileHandle.standardError.write(Data("\nha demo: interrupted; stopping the cluster\n".utf8))
                cleanup()
                exit(130)
            }
            source.resume()
            return source
        }
    }
}

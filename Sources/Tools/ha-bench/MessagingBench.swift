import ArgumentParser
import Foundation
import Messaging

/// `ha-bench messaging`: N real node processes on loopback (127.0.0.1 … 127.0.0.N) measure ordered throughput,
/// delivery latency idle and under another node's flood, and RSS. See Docs/Benchmarks/messaging.md.
struct MessagingBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "messaging",
        abstract: "Ordered throughput, latency (idle and under a flood) and RSS of N messaging nodes on loopback.",
        discussion: """
            Starts N node processes, each bound to 127.0.0.<id>. Senders 1…K multicast --size byte messages in \
            agreed order for --seconds as fast as flow control allows; every node counts and hashes what it \
            delivers. Then node 2 (not the sequencer) sends 100 probes/s and times its own agreed delivery of each, \
            first idle and then while node 3 floods. Ends with: RESULT msgs_per_s=… mb_per_s=… p50_us=… p99_us=… max_us=… rss_kb=…
            """)

    @Option(help: "Number of nodes (2…9).") var nodes = 3
    @Option(help: "Message size in bytes (24…1 MiB).") var size = 64
    @Option(help: "Seconds of sending in the throughput phase.") var seconds = 10
    @Option(help: "How many nodes send in the throughput phase (1…nodes).") var senders = 1
    @Option(help: "Seconds of each latency phase.") var latencySeconds = 5
    @Option(help: "Base UDP port; node i binds 127.0.0.i on it and the port above.") var port = 17_400
    @Flag(help: "HMAC-SHA256 only, no AES-256-GCM encryption.") var noCrypto = false
    @Option(help: "Flow-control window: own units in flight per sender.") var window = GroupMessaging.Configuration().window
    @Flag(help: "Run the nodes in network namespaces, one bridge per link (needs root and ip netns).") var netns = false
    @Option(help: "Medium: ucast (loopback or namespaces), mcast or bcast (namespaces only).")
    var transport = "ucast"
    @Option(help: "Links per node (2 needs --netns); data fails over between them.") var links = 1
    @Option(help: "With --netns: take the last node's link 0 down this many seconds after start (failover).")
    var cutLinkAfter: Int?

    func validate() throws {
        guard (2...9).contains(nodes) else { throw ValidationError("--nodes must be 2…9") }
        guard (24...(1 << 20)).contains(size) else { throw ValidationError("--size must be 24…1048576") }
        guard (1...nodes).contains(senders) else { throw ValidationError("--senders must be 1…--nodes") }
        guard seconds > 0 && seconds <= 600 && latencySeconds > 0 && latencySeconds <= 600 else {
            throw ValidationError("--seconds and --latency-seconds must be 1…600")
        }
        guard ["ucast", "mcast", "bcast"].contains(transport) else {
            throw ValidationError("--transport must be ucast, mcast or bcast")
        }
        guard (1...2).contains(links) else { throw ValidationError("--links must be 1 or 2") }
        guard netns || (transport == "ucast" && links == 1 && cutLinkAfter == nil) else {
            throw ValidationError("mcast, bcast, --links 2 and --cut-link-after need --netns")
        }
        if netns && !MessagingNamespaces.isAvailable {
            throw ValidationError("--netns needs root and `ip netns`")
        }
    }

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ha-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyFile = directory.appendingPathComponent("authkeys").path
        let secret = try AuthKeysFile.generateSecret()
        try AuthKeysFile.write(
            AuthKeys(activeKeyNumber: 1, entries: [1: .init(method: "hmac-sha256", secret: secret)]), to: keyFile)
        // The nodes run ha-messaging-node from beside this executable (Messaging and NIO only, no Foundation).
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("ha-messaging-node")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw ValidationError("\(executable.path) is missing: swift build --product ha-messaging-node")
        }
        let namespaces = netns ? try MessagingNamespaces(count: nodes, links: links) : nil
        defer { namespaces?.tearDown() }
        var processes: [(Process, Pipe)] = []
        for id in 1...nodes {
            let process = Process()
            if let namespaces {
                process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
                process.arguments = ["netns", "exec", namespaces.node(id), executable.path]
                    + nodeArguments(id: id, keyFile: keyFile)
            } else {
                process.executableURL = executable
                process.arguments = nodeArguments(id: id, keyFile: keyFile)
            }
            // One malloc arena: glibc's per-thread arenas would keep freed packet buffers resident on each thread.
            var environment = ProcessInfo.processInfo.environment
            environment["MALLOC_ARENA_MAX"] = environment["MALLOC_ARENA_MAX"] ?? "1"
            process.environment = environment
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            processes.append((process, pipe))
        }
        let limit = Double(seconds + 2 * latencySeconds + 60)
        if let namespaces, let cutLinkAfter {
            let last = nodes
            Task.detached {
                try? await Task.sleep(for: .seconds(cutLinkAfter))
                do {
                    try namespaces.setLink(0, of: last, up: false)
                    print("CUT node=\(last) link=0 after_s=\(cutLinkAfter)")
                } catch {
                    print("CUT failed: \(error)")
                }
            }
        }
        var outputs: [String] = []
        for (process, pipe) in processes {
            let data = try await readAll(pipe, process: process, timeout: limit)
            outputs.append(String(decoding: data, as: UTF8.self))
        }
        print(outputs.joined(), terminator: "")
        print(
            Self.summarize(
                outputs, size: size, senders: senders, nodes: nodes, crypto: !noCrypto,
                transport: netns ? "\(transport)-netns" : "\(transport)", links: links))
    }

    private func nodeArguments(id: Int, keyFile: String) -> [String] {
        var arguments = [
            "--id", "\(id)", "--nodes", "\(nodes)", "--size", "\(size)", "--seconds", "\(seconds)",
            "--senders", "\(senders)", "--latency-seconds", "\(latencySeconds)", "--port", "\(port)",
            "--key-file", keyFile, "--window", "\(window)", "--transport", transport, "--links", "\(links)",
        ]
        if netns { arguments.append("--netns") }
        if noCrypto { arguments.append("--no-crypto") }
        return arguments
    }

    /// Reads a child's output until it exits, killing it (by pid) if it outlives `timeout`.
    private func readAll(_ pipe: Pipe, process: Process, timeout: Double) async throws -> Data {
        let deadline = Date().addingTimeInterval(timeout)
        var data = Data()
        let handle = pipe.fileHandleForReading
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            data.append(chunk)
            if Date() > deadline {
                kill(process.processIdentifier, SIGKILL)
                break
            }
        }
        process.waitUntilExit()
        return data
    }
}

extension MessagingBench {
    /// Combines the nodes' NODE and LATENCY lines into the run's RESULT line (corosync-ring's definitions:
    /// aggregate messages over the longest delivery window; percentiles by nearest rank).
    static func summarize(
        _ outputs: [String], size: Int, senders: Int, nodes: Int, crypto: Bool, transport: String = "ucast",
        links: Int = 1
    ) -> String {
        var fields: [[String: String]] = []
        var idle: [String: String] = [:]
        var flood: [String: String] = [:]
        for line in outputs.joined().split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard let kind = parts.first else { continue }
            var values: [String: String] = [:]
            for part in parts.dropFirst() {
                let pair = part.split(separator: "=", maxSplits: 1)
                if pair.count == 2 { values[String(pair[0])] = String(pair[1]) }
            }
            if kind == "NODE" { fields.append(values) }
            if kind == "LATENCY" && values["phase"] == "idle" { idle = values }
            if kind == "LATENCY" && values["phase"] == "flood" { flood = values }
        }
        let messages = fields.compactMap { $0["messages"].flatMap(Int.init) }.max() ?? 0
        let delivered = fields.compactMap { $0["messages"].flatMap(Int.init) }
        let window = fields.compactMap { $0["secs"].flatMap(Double.init) }.max() ?? 0
        let hashes = Set(fields.compactMap { $0["hash"] })
        let rss = fields.compactMap { $0["rss_kb"].flatMap(Int.init) }.max() ?? 0
        let hwm = fields.compactMap { $0["hwm_kb"].flatMap(Int.init) }.max() ?? 0
        let rate = window > 0 ? Double(messages) / window : 0
        let complete = messages > 0 && fields.count == nodes && hashes.count == 1 && Set(delivered).count == 1
        func format(_ value: Double) -> String { String(format: "%.1f", value) }
        return "RESULT mode=messaging transport=\(transport) links=\(links) size=\(size) senders=\(senders) nodes=\(nodes) crypto=\(crypto ? "on" : "off") "
            + "msgs=\(messages) secs=\(String(format: "%.3f", window)) msgs_per_s=\(format(rate)) "
            + "mb_per_s=\(String(format: "%.2f", rate * Double(size) / 1e6)) "
            + "p50_us=\(idle["p50_us"] ?? "-") p99_us=\(idle["p99_us"] ?? "-") max_us=\(idle["max_us"] ?? "-") "
            + "flood_p50_us=\(flood["p50_us"] ?? "-") flood_p99_us=\(flood["p99_us"] ?? "-") "
            + "flood_max_us=\(flood["max_us"] ?? "-") flood_load_msgs_per_s=\(flood["load_msgs_per_s"] ?? "-") "
            + "rss_kb=\(rss) hwm_kb=\(hwm) order=\(hashes.count == 1 ? "consistent" : "inconsistent") "
            + "complete=\(complete ? "yes" : "no")"
    }
}

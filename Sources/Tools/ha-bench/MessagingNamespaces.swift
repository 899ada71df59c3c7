import ArgumentParser
import Foundation

/// Network namespaces for `ha-bench messaging --netns`: one per node and one holding a bridge per link; node i has
/// eth<k> = 10.<232+k>.0.i/24 on bridge k. Everything is removed by `tearDown` (also on a failed set-up).
final class MessagingNamespaces: Sendable {
    let prefix = "hbx\(Int.random(in: 1000...9999))"
    let count: Int
    let links: Int

    init(count: Int, links: Int) throws {
        self.count = count
        self.links = links
        do {
            try Self.ip(["netns", "add", bridge])
            for link in 0..<links {
                try Self.ip(["-n", bridge, "link", "add", "br\(link)", "type", "bridge"])
                try Self.ip(["-n", bridge, "link", "set", "br\(link)", "up"])
            }
            for index in 1...count {
                try Self.ip(["netns", "add", node(index)])
                try Self.ip(["-n", node(index), "link", "set", "lo", "up"])
                for link in 0..<links { try connect(index, link) }
            }
        } catch {
            tearDown()
            throw error
        }
    }

    private func connect(_ index: Int, _ link: Int) throws {
        let port = port(index, link)
        try Self.ip(["link", "add", port, "netns", bridge, "type", "veth", "peer", "name", "eth\(link)", "netns", node(index)])
        try Self.ip(["-n", bridge, "link", "set", port, "master", "br\(link)", "up"])
        try Self.ip(["-n", node(index), "addr", "add", "10.\(232 + link).0.\(index)/24", "brd", "+", "dev", "eth\(link)"])
        try Self.ip(["-n", node(index), "link", "set", "eth\(link)", "up"])
    }

    var bridge: String { "\(prefix)b" }
    func node(_ index: Int) -> String { "\(prefix)n\(index)" }
    func port(_ index: Int, _ link: Int) -> String { "\(prefix)v\(index)l\(link)" }

    /// `ip link set eth<link> down` (or up) inside node `index`'s namespace: that node loses (regains) the link.
    func setLink(_ link: Int, of index: Int, up: Bool) throws {
        try Self.ip(["-n", node(index), "link", "set", "eth\(link)", up ? "up" : "down"])
    }

    func tearDown() {
        for index in 1...count { try? Self.ip(["netns", "del", node(index)]) }
        try? Self.ip(["netns", "del", bridge])
    }

    /// Whether namespaces can be made here (root and iproute2).
    static var isAvailable: Bool {
        getuid() == 0 && (try? ip(["netns", "list"])) != nil
    }

    static func ip(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("ip \(arguments.joined(separator: " ")) failed (root and iproute2 needed for --netns)")
        }
    }
}

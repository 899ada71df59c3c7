import Foundation
import Membership
import NIOCore

/// A runnable example of the heartbeat client library: joins a group and prints, in agreed order, every view
/// (with quorum), group change and message; sends each line read from standard input to the group.
///
///     swift run group-chat --run-dir /tmp/ha-demo/node1/run [--group chat] [--say "hello" --exit-after 5]
///
/// With `ha demo --keep` running, start one per node's run directory and type.
@main
struct GroupChat {
    static func main() async throws {
        try await chat(Arguments(CommandLine.arguments.dropFirst()))
    }

    nonisolated static func chat(_ arguments: Arguments) async throws {
        let socket = HADirectories(run: arguments.value("--run-dir")).heartbeatSocket
        let group = arguments.value("--group") ?? "chat"
        try await HeartbeatClient.withConnection(socketPath: socket, name: "group-chat") { connection in
            try await connection.join(group)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await printEvents(connection.events) }
                tasks.addTask {
                    if let line = arguments.value("--say") {
                        try await connection.send(ByteBuffer(string: line), to: group)
                    } else {
                        while let line = readLine() { try await connection.send(ByteBuffer(string: line), to: group) }
                    }
                    if let seconds = arguments.value("--exit-after").flatMap(Int.init) {
                        try await Task.sleep(for: .seconds(seconds))
                    } else {
                        try await Task.sleep(for: .seconds(86_400 * 365))
                    }
                }
                _ = try await tasks.next()
                tasks.cancelAll()
            }
        }
    }

    static func printEvents(_ events: HeartbeatEvents) async throws {
        for try await event in events {
            switch event {
            case .status(let status): print("connected to \(status.local.name) in cluster \(status.clusterName)")
            case .view(let view):
                print("view \(view.id.epoch).\(view.id.coordinator): \(view.members.map(\.name)) quorate=\(view.quorum.isQuorate)")
            case .groupChanged(let change):
                print("group \(change.group): members \(change.members) joined \(change.joined) left \(change.left)")
            case .message(let group, let from, let payload): print("[\(group)] \(from): \(String(buffer: payload))")
            case .failure(let reason): print("refused: \(reason)")
            }
        }
    }
}

/// Tiny `--name value` parsing, to keep the example about the client library.
struct Arguments: Sendable {
    let words: [String]
    init(_ words: ArraySlice<String>) { self.words = Array(words) }
    func value(_ name: String) -> String? {
        guard let index = words.firstIndex(of: name), index + 1 < words.count else { return nil }
        return words[index + 1]
    }
}

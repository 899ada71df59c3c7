import ArgumentParser

/// `ha`: starts and watches a node's daemons; `ha demo` runs a whole local cluster.
@main
struct HA: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ha",
        abstract: "Linux-HA in Swift: run a node's daemons, or a demonstration cluster on this machine",
        subcommands: [Start.self, Demo.self])
}

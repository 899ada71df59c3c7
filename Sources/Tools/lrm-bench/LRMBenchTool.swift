import ArgumentParser

/// Stand-alone root until `ha-bench` has subcommands on main; then `LRMBench` becomes `ha-bench lrm`.
@main
struct LRMBenchTool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lrm-bench", abstract: "Local resource manager benchmarks.", subcommands: [LRMBench.self],
        defaultSubcommand: LRMBench.self)
}

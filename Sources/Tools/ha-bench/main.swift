// ha-bench: benchmark executables that print figures and end with a RESULT line (see Docs/Benchmarks/).
// Each area adds its subcommand in its own file (MessagingBench.swift, PolicyBench.swift, …) and lists it here.
import ArgumentParser

struct HABench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ha-bench",
        abstract: "Benchmarks for the Linux-HA suite; each run ends with one RESULT key=value line.",
        subcommands: [
            MessagingBench.self,
            MembershipBench.self,
            LRMBench.self,
            FailoverBench.self,
        ])
}

/// Runs a command through its async entry point (top-level code would otherwise pick the synchronous one).
func runAsync<Command: AsyncParsableCommand>(_ command: Command.Type) async {
    await command.main()
}

await runAsync(HABench.self)

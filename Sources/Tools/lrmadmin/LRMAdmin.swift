import ArgumentParser
import Glibc
import ResourceAgents

/// Heartbeat's lrmadmin: talks to lrmd to list agents, manage resources and run operations.
@main
struct LRMAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lrmadmin",
        abstract: "Query and drive the local resource manager (lrmd).",
        discussion: """
            Exit status: 0 on success; for 'exec', the agent's OCF exit code; 1 when lrmd refuses a request; \
            102 when lrmd cannot be reached; 64 for usage errors.
            """,
        subcommands: [
            Classes.self, Providers.self, Agents.self, Metadata.self, Add.self, Remove.self, List.self, Exec.self,
            History.self, Cancel.self,
        ])
}

/// Options every subcommand takes.
struct CommonOptions: ParsableArguments {
    @Option(name: .customLong("run-dir"), help: "Run directory (default: $HA_RUN_DIR or /run/linux-ha).")
    var runDirectory: String?

    @Option(name: .customLong("output-as"), help: "Output format: text or xml.")
    var format: OutputFormat = .text

    /// Connects to lrmd, runs `body` and closes; a failure to connect exits 102 like Pacemaker's tools.
    func withClient<T>(_ body: (LRMDClient) async throws -> T) async throws -> T {
        let path = "\(RunDirectory.resolve(option: runDirectory))/lrmd.sock"
        let client: LRMDClient
        do { client = try await LRMDClient.connect(socketPath: path) } catch {
            printError("could not connect to lrmd at \(path): \(error)")
            throw ExitCode(102)
        }
        defer { Task { await client.close() } }
        do { return try await body(client) } catch let error as LRMDClientError {
            printError(error.description)
            throw ExitCode(1)
        }
    }
}

/// Output formats, as Pacemaker's `--output-as`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, xml
}

func printError(_ message: String) {
    var text = "lrmadmin: \(message)\n"
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

/// Parses `key=value` parameter options.
func parseParameters(_ pairs: [String]) throws -> [String: String] {
    var parameters: [String: String] = [:]
    for pair in pairs {
        guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
            throw ValidationError("parameter '\(pair)' is not NAME=VALUE")
        }
        parameters[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
    }
    return parameters
}

func printNames(_ names: [String], element: String, format: OutputFormat) {
    switch format {
    case .text: for name in names { print(name) }
    case .xml:
        print("<lrmadmin>")
        for name in names { print("  <\(element) name=\"\(xmlEscaped(name))\"/>") }
        print("</lrmadmin>")
    }
}

func xmlEscaped(_ text: String) -> String {
    var result = ""
    for character in text {
        switch character {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "\n": result += "&#10;"
        default: result.append(character)
        }
    }
    return result
}

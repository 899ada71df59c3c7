import ArgumentParser
import ResourceAgents

struct Classes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the supported resource classes.")
    @OptionGroup var common: CommonOptions

    func run() async throws {
        let names = try await common.withClient { try await $0.names(.listStandards) }
        printNames(names, element: "class", format: common.format)
    }
}

struct Providers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List OCF providers (of one agent type).")
    @OptionGroup var common: CommonOptions
    @Argument(help: "Only providers of this agent type.") var agent: String?

    func run() async throws {
        let names = try await common.withClient { try await $0.names(.listProviders(agentType: agent)) }
        printNames(names, element: "provider", format: common.format)
    }
}

struct Agents: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List agents of a class: CLASS or ocf:PROVIDER.")
    @OptionGroup var common: CommonOptions
    @Argument(help: "ocf, ocf:PROVIDER, lsb or stonith.") var classAndProvider: String

    func run() async throws {
        let parts = classAndProvider.split(separator: ":", maxSplits: 1).map(String.init)
        guard let standard = AgentStandard(rawValue: parts.first ?? "") else {
            throw ValidationError("unknown class '\(classAndProvider)'")
        }
        let provider = parts.count > 1 ? parts[1] : nil
        let names = try await common.withClient { try await $0.names(.listAgents(standard, provider: provider)) }
        printNames(names, element: "agent", format: common.format)
    }
}

struct Metadata: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print an agent's meta-data XML.")
    @OptionGroup var common: CommonOptions
    @Argument(help: "CLASS:PROVIDER:TYPE, lsb:NAME or stonith:NAME.") var agent: String

    func run() async throws {
        let identifier = try parseAgent(agent)
        let text = try await common.withClient { try await $0.metadata(of: identifier) }
        print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
    }
}

struct Add: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Register a resource.")
    @OptionGroup var common: CommonOptions
    @Argument(help: "Resource id.") var resource: String
    @Argument(help: "CLASS:PROVIDER:TYPE, lsb:NAME or stonith:NAME.") var agent: String
    @Option(name: .customLong("param"), help: "Instance parameter NAME=VALUE (repeatable).") var parameters: [String] =
        []

    func run() async throws {
        let definition = ResourceDefinition(
            id: resource, agent: try parseAgent(agent), parameters: try parseParameters(parameters))
        try await common.withClient { try await $0.register(definition) }
    }
}

struct Remove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Unregister a resource.")
    @OptionGroup var common: CommonOptions
    @Argument(help: "Resource id.") var resource: String

    func run() async throws {
        try await common.withClient { try await $0.unregister(resource) }
    }
}

struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List registered resources.")
    @OptionGroup var common: CommonOptions

    func run() async throws {
        let definitions = try await common.withClient { try await $0.resources() }
        switch common.format {
        case .text: for definition in definitions { print("\(definition.id)\t\(definition.agent)") }
        case .xml:
            print("<lrmadmin>")
            for definition in definitions {
                print(
                    "  <resource id=\"\(xmlEscaped(definition.id))\" agent=\"\(xmlEscaped(definition.agent.description))\"/>"
                )
            }
            print("</lrmadmin>")
        }
    }
}

func parseAgent(_ text: String) throws -> AgentIdentifier {
    do { return try AgentIdentifier(parsing: text) } catch { throw ValidationError(error.description) }
}

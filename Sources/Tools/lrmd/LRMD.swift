import ArgumentParser
import Logging
import ResourceAgents
import ServiceLifecycle

/// The local resource manager daemon: runs OCF, LSB and fence agents for this node on behalf of crmd and tools.
@main
struct LRMD: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lrmd",
        abstract: "Run resource agents for this node (local resource manager daemon).",
        discussion: """
            Listens on <run-dir>/lrmd.sock for crmd and lrmadmin. Agents are found along OCF_RA_PATH \
            (default $OCF_ROOT/resource.d), in /etc/init.d (lsb) and along HA_FENCE_AGENT_PATH (default \
            /usr/sbin, fence_* programs). SIGTERM or SIGINT shuts down gracefully.
            """)

    @Option(name: .customLong("run-dir"), help: "Run directory (default: $HA_RUN_DIR or /run/linux-ha).")
    var runDirectory: String?

    @Option(name: .customLong("ocf-ra-path"), help: "Colon-separated OCF agent directories (default: $OCF_RA_PATH).")
    var ocfPath: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown log level '\(logLevel)'") }
    }

    func run() async throws {
        let runDirectory = RunDirectory.resolve(option: runDirectory)
        let temporary = "\(runDirectory)/resource-agents"
        guard RunDirectory.create(runDirectory), RunDirectory.create(temporary) else {
            throw ValidationError("cannot create run directory \(runDirectory)")
        }
        var environment = RunDirectory.environment
        if let ocfPath { environment["OCF_RA_PATH"] = ocfPath }
        let locator = AgentLocator(environment: environment)
        let passed = ["HA_SBIN_DIR", "HA_LOGFACILITY", "PCMK_LOGFACILITY", "HA_LOGFILE", "HA_DEBUGLOG"]
        // Agents that call cluster tools (crm_attribute --promotion) reach this node's crmd through HA_RUN_DIR.
        var extra = environment.filter { passed.contains($0.key) }
        extra["HA_RUN_DIR"] = runDirectory
        let settings = AgentEnvironmentSettings(resourceTemporaryDirectory: temporary, extra: extra)
        var logger = Logger(label: "ha.lrmd")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let service = LRMDService(
            configuration: LRMDConfiguration(runDirectory: runDirectory, locator: locator, settings: settings),
            logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

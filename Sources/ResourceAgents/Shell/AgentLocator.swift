import Glibc

/// Finds agents on disk and lists what is installed: OCF agents along `OCF_RA_PATH` (default
/// `$OCF_ROOT/resource.d`), LSB scripts in `/etc/init.d`, fence agents (`fence_*`) in `/usr/sbin`.
public struct AgentLocator: Sendable, Hashable {
    /// `OCF_ROOT`, exported to every agent.
    public var ocfRoot: String
    /// Directories holding `<provider>/<type>` OCF agents, searched in order.
    public var ocfDirectories: [String]
    /// Where LSB init scripts live.
    public var lsbDirectory: String
    /// Directories holding fence agents, searched in order.
    public var fenceDirectories: [String]

    /// Makes a locator; the defaults are Debian's paths.
    public init(
        ocfRoot: String = "/usr/lib/ocf", ocfDirectories: [String]? = nil, lsbDirectory: String = "/etc/init.d",
        fenceDirectories: [String] = ["/usr/sbin"]
    ) {
        self.ocfRoot = ocfRoot
        self.ocfDirectories = ocfDirectories ?? ["\(ocfRoot)/resource.d"]
        self.lsbDirectory = lsbDirectory
        self.fenceDirectories = fenceDirectories
    }

    /// Reads `OCF_ROOT`, `OCF_RA_PATH` (colon-separated) and `HA_FENCE_AGENT_PATH` (colon-separated) from an
    /// environment, falling back to the defaults.
    public init(environment: [String: String]) {
        let root = environment["OCF_ROOT"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/lib/ocf"
        let path = environment["OCF_RA_PATH"].map { $0.split(separator: ":").map(String.init) }
        let fence = environment["HA_FENCE_AGENT_PATH"].map { $0.split(separator: ":").map(String.init) }
        self.init(ocfRoot: root, ocfDirectories: path, fenceDirectories: fence ?? ["/usr/sbin"])
    }

    /// The standards this executor runs (service and systemd are refused).
    public var standards: [AgentStandard] { AgentStandard.allCases.filter(\.isSupported) }

    /// The agent's executable path, or nil when it is not installed.
    public func path(for agent: AgentIdentifier) -> String? {
        candidates(for: agent).first { access($0, X_OK) == 0 && Self.isRegularFile($0) }
    }

    func candidates(for agent: AgentIdentifier) -> [String] {
        switch agent.standard {
        case .ocf: ocfDirectories.map { "\($0)/\(agent.provider ?? "")/\(agent.type)" }
        case .lsb: ["\(lsbDirectory)/\(agent.type)"]
        case .stonith: fenceDirectories.map { "\($0)/\(agent.type)" }
        case .service, .systemd: []
        }
    }

    /// OCF providers, sorted; with `agentType`, only those providing that agent.
    public func providers(of agentType: String? = nil) -> [String] {
        let all = Set(ocfDirectories.flatMap { Self.entries(in: $0).filter { Self.isDirectory("\($0)") } })
        return all.map { Self.lastComponent($0) }.filter { provider in
            guard let agentType else { return true }
            return ocfDirectories.contains { access("\($0)/\(provider)/\(agentType)", X_OK) == 0 }
        }.sorted()
    }

    /// Agent types of a standard, sorted; for OCF optionally of one provider.
    public func agents(of standard: AgentStandard, provider: String? = nil) -> [String] {
        let directories: [String]
        switch standard {
        case .ocf:
            let providers = provider.map { [$0] } ?? self.providers()
            directories = ocfDirectories.flatMap { directory in providers.map { "\(directory)/\($0)" } }
        case .lsb: directories = [lsbDirectory]
        case .stonith: directories = fenceDirectories
        case .service, .systemd: directories = []
        }
        let names = directories.flatMap { directory in
            Self.entries(in: directory).filter { access($0, X_OK) == 0 && Self.isRegularFile($0) }
        }.map { Self.lastComponent($0) }
        let filtered = standard == .stonith ? names.filter { $0.hasPrefix("fence_") } : names
        return Set(filtered).filter { !$0.hasPrefix(".") }.sorted()
    }

    static func entries(in directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var result: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != ".", name != ".." else { continue }
            result.append("\(directory)/\(name)")
        }
        return result
    }

    static func isRegularFile(_ path: String) -> Bool {
        var information = stat()
        return stat(path, &information) == 0 && (information.st_mode & S_IFMT) == S_IFREG
    }

    static func isDirectory(_ path: String) -> Bool {
        var information = stat()
        return stat(path, &information) == 0 && (information.st_mode & S_IFMT) == S_IFDIR
    }

    static func lastComponent(_ path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }
}

/// The resource-agent standards (Pacemaker's "classes") an agent can belong to.
public enum AgentStandard: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Open Cluster Framework agents under `$OCF_ROOT/resource.d/<provider>/<type>`.
    case ocf
    /// SysV init scripts under `/etc/init.d`, driven with start/stop/status.
    case lsb
    /// Fence agents (`fence_*`) reading `key=value` parameters on stdin.
    case stonith
    /// Pacemaker's alias that picks lsb or systemd; refused until systemd is supported.
    case service
    /// systemd units over D-Bus; refused: no D-Bus support yet.
    case systemd

    /// Whether this executor can run agents of the standard. `service` and `systemd` are refused loudly.
    public var isSupported: Bool {
        switch self {
        case .ocf, .lsb, .stonith: true
        case .service, .systemd: false
        }
    }

    /// Whether agents of the standard are named with a provider (`ocf:provider:type`).
    public var requiresProvider: Bool { self == .ocf }

    /// The standard's name as users write it (`ocf`, `lsb`, ...).
    public var description: String { rawValue }
}

/// Names one resource agent: `ocf:heartbeat:Dummy`, `lsb:ssh`, `stonith:fence_dummy`.
public struct AgentIdentifier: Sendable, Hashable, CustomStringConvertible {
    /// The agent's standard (class).
    public var standard: AgentStandard
    /// The OCF provider; nil for the standards that have none.
    public var provider: String?
    /// The agent's type: the file name of the script or program.
    public var type: String

    /// Makes an identifier, checking the combination the way registration does.
    public init(standard: AgentStandard, provider: String?, type: String) throws(AgentIdentifierError) {
        guard !type.isEmpty else { throw .emptyType }
        guard Self.isSafeName(type) else { throw .unsafeName(type) }
        if standard.requiresProvider {
            guard let provider, !provider.isEmpty else { throw .missingProvider(type) }
            guard Self.isSafeName(provider) else { throw .unsafeName(provider) }
        } else if let provider, !provider.isEmpty {
            throw .unexpectedProvider(standard: standard, provider: provider)
        }
        self.standard = standard
        self.provider = standard.requiresProvider ? provider : nil
        self.type = type
    }

    /// Parses `class:provider:type` (or `class:type` for standards without providers).
    public init(parsing text: String) throws(AgentIdentifierError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3 else { throw .malformed(text) }
        guard let standard = AgentStandard(rawValue: parts[0]) else { throw .unknownStandard(parts[0]) }
        if parts.count == 3 {
            try self.init(standard: standard, provider: parts[1], type: parts[2])
        } else {
            try self.init(standard: standard, provider: nil, type: parts[1])
        }
    }

    /// `ocf:heartbeat:Dummy` or `lsb:ssh`, as Pacemaker prints it.
    public var description: String {
        if let provider { "\(standard):\(provider):\(type)" } else { "\(standard):\(type)" }
    }

    /// Agent and provider names become path components, so they may not climb out of their directory.
    static func isSafeName(_ name: String) -> Bool {
        !name.contains("/") && name != "." && name != ".." && !name.contains("\0")
    }
}

/// Why an agent identifier was refused.
public enum AgentIdentifierError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is not `class:provider:type` or `class:type`.
    case malformed(String)
    /// The class is not one of ocf, lsb, stonith, service, systemd.
    case unknownStandard(String)
    /// The type is empty.
    case emptyType
    /// An OCF agent was named without a provider.
    case missingProvider(String)
    /// A provider was given for a standard that has none.
    case unexpectedProvider(standard: AgentStandard, provider: String)
    /// A name would escape its directory (`/`, `..`).
    case unsafeName(String)

    /// A message naming what was wrong.
    public var description: String {
        switch self {
        case .malformed(let text): "malformed agent '\(text)': expected class:provider:type or class:type"
        case .unknownStandard(let name): "unknown resource class '\(name)' (expected ocf, lsb or stonith)"
        case .emptyType: "agent type is empty"
        case .missingProvider(let type): "ocf agent '\(type)' needs a provider (ocf:PROVIDER:\(type))"
        case .unexpectedProvider(let standard, let provider):
            "class \(standard) takes no provider, got '\(provider)'"
        case .unsafeName(let name): "agent or provider name '\(name)' may not contain '/' or be '.' or '..'"
        }
    }
}

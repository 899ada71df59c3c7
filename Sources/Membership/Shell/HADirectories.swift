import Foundation

/// Where a daemon or tool finds its configuration, runtime and state files. Each comes from an option, else
/// the environment (`HA_CONFIG_DIR`, `HA_RUN_DIR`, `HA_STATE_DIR`), else the system default, so several nodes
/// can run side by side on one machine.
public struct HADirectories: Sendable, Hashable {
    /// Holds `ha.cf` and `authkeys` (default `/etc/ha.d`).
    public var config: String
    /// Holds the daemon's Unix socket and pid file (default `/run/linux-ha`).
    public var run: String
    /// Holds persistent state such as the membership epoch (default `/var/lib/linux-ha`).
    public var state: String

    /// Resolves the directories from options, then the environment, then defaults.
    public init(
        config: String? = nil, run: String? = nil, state: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.config = config ?? environment["HA_CONFIG_DIR"] ?? "/etc/ha.d"
        self.run = run ?? environment["HA_RUN_DIR"] ?? "/run/linux-ha"
        self.state = state ?? environment["HA_STATE_DIR"] ?? "/var/lib/linux-ha"
    }

    /// `ha.cf`.
    public var haCF: String { config + "/ha.cf" }
    /// `authkeys`.
    public var authkeys: String { config + "/authkeys" }
    /// The heartbeat daemon's client socket.
    public var heartbeatSocket: String { run + "/heartbeat.sock" }
    /// The heartbeat daemon's pid file.
    public var heartbeatPIDFile: String { run + "/heartbeat.pid" }
    /// The persisted membership epoch.
    public var epochFile: String { state + "/membership.epoch" }

    /// Reads and parses `ha.cf`; errors name the file and line.
    public func loadConfiguration() throws(ConfigurationFileError) -> HeartbeatConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: haCF, encoding: .utf8)
        } catch {
            throw ConfigurationFileError(file: haCF, line: 0, reason: "cannot read: \(error.localizedDescription)")
        }
        return try HeartbeatConfiguration.parse(text, file: haCF)
    }

    /// Creates the run and state directories if missing.
    public func createRuntimeDirectories() throws {
        for directory in [run, state] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
    }
}

/// Durable small files: written to a temporary file, fsynced, renamed over the old one, directory fsynced.
public enum DurableFile {
    /// Replaces `path` atomically with `contents`.
    public static func write(_ contents: String, to path: String) throws {
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, synced == 0 else { throw POSIXError(.EIO) }
        guard rename(temporary, path) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        let directory = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    /// The epoch stored by the last run, 0 if none. A corrupt file is an error: never reuse view ids silently.
    public static func readEpoch(at path: String) throws -> UInt64 {
        guard FileManager.default.fileExists(atPath: path) else { return 0 }
        let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let epoch = UInt64(text) else {
            throw ConfigurationFileError(file: path, line: 1, reason: "not an epoch number: '\(text)'")
        }
        return epoch
    }
}

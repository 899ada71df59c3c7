import Glibc

/// Where a node's daemons keep sockets and runtime state: `--run-dir DIR`, else `HA_RUN_DIR`, else
/// `/run/linux-ha`. Several nodes on one machine each get their own.
public enum RunDirectory {
    /// The default when neither the option nor the environment names one.
    public static let defaultPath = "/run/linux-ha"

    /// Resolves the run directory from an option value and the environment.
    public static func resolve(option: String?) -> String {
        if let option, !option.isEmpty { return option }
        if let value = getenv("HA_RUN_DIR").map({ String(cString: $0) }), !value.isEmpty { return value }
        return defaultPath
    }

    /// Creates a directory and its parents (mode 0750); returns false if it cannot be made.
    @discardableResult
    public static func create(_ path: String) -> Bool {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/\(component)"
            if mkdir(prefix, 0o750) != 0 && errno != EEXIST { return false }
        }
        return AgentLocator.isDirectory(path)
    }

    /// The process environment as a dictionary.
    public static var environment: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}

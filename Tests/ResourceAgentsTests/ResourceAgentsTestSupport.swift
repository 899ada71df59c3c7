import Glibc
import Testing

@testable import ResourceAgents

extension Tag {
    /// Runs real processes and real agents.
    @Tag static var integration: Self
    /// The one-minute soak test; CI runs it once per run of the suite.
    @Tag static var soak: Self
}

/// Paths and helpers shared by the tests.
enum TestSupport {
    /// The repository root (three levels above this file).
    static let repository: String = {
        var parts = #filePath.split(separator: "/").map(String.init)
        parts.removeLast(3)
        return "/" + parts.joined(separator: "/")
    }()

    /// Our own agents' OCF directory followed by the system's.
    static let locator = AgentLocator(
        ocfRoot: "/usr/lib/ocf", ocfDirectories: ["\(repository)/agents/ocf", "/usr/lib/ocf/resource.d"],
        fenceDirectories: ["\(repository)/agents/fence", "/usr/sbin"])

    static var isResourceAgentsInstalled: Bool { access("/usr/lib/ocf/resource.d/heartbeat/Dummy", X_OK) == 0 }
    static var isPacemakerAgentsInstalled: Bool { access("/usr/lib/ocf/resource.d/pacemaker/Stateful", X_OK) == 0 }

    /// A fresh temporary directory.
    static func temporaryDirectory(_ name: String = "lrm") -> String {
        var template = Array("/tmp/\(name)-XXXXXX".utf8CString)
        let path = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        return path.map { String(cString: $0) } ?? "/tmp/\(name)"
    }

    static func removeTree(_ path: String) {
        guard path.hasPrefix("/tmp/") else { return }
        for entry in AgentLocator.entries(in: path) {
            if AgentLocator.isDirectory(entry) { removeTree(entry) } else { unlink(entry) }
        }
        rmdir(path)
    }

    static func writeFile(_ path: String, _ text: String, mode: mode_t = 0o755) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { return }
        var bytes = Array(text.utf8)
        _ = write(fd, &bytes, bytes.count)
        close(fd)
        chmod(path, mode)
    }

    static func fileExists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &buffer, buffer.count)
            guard count > 0 else { break }
            result += buffer[0..<count]
        }
        return String(decoding: result, as: UTF8.self)
    }
}

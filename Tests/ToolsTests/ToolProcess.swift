import Foundation
import Testing

/// Runs one of our built tools (or Pacemaker's) as a real process and captures what it printed.
struct ToolProcess {
    var status: Int32
    var standardOutput: String
    var standardError: String

    /// The directory holding our built executables: the test bundle's own build directory.
    static let buildDirectory: URL = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while directory.path != "/" && !FileManager.default.fileExists(atPath: directory.appendingPathComponent("crm_verify").path) {
            directory = directory.deletingLastPathComponent()
        }
        return directory
    }()

    /// Where Pacemaker's tools are installed on Debian.
    static let pacemakerDirectory = "/usr/sbin"

    /// Whether Pacemaker's `tool` is installed for side-by-side comparison.
    static func pacemakerHas(_ tool: String) -> Bool {
        FileManager.default.isExecutableFile(atPath: "\(pacemakerDirectory)/\(tool)")
    }

    /// Runs our `tool`.
    static func ours(
        _ tool: String, _ arguments: [String], environment: [String: String] = [:], input: String? = nil
    ) throws -> ToolProcess {
        try run(buildDirectory.appendingPathComponent(tool).path, arguments, environment: environment, input: input)
    }

    /// Runs Pacemaker's `tool`.
    static func pacemaker(
        _ tool: String, _ arguments: [String], environment: [String: String] = [:], input: String? = nil
    ) throws -> ToolProcess {
        try run("\(pacemakerDirectory)/\(tool)", arguments, environment: environment, input: input)
    }

    static func run(
        _ path: String, _ arguments: [String], environment: [String: String], input: String?
    ) throws -> ToolProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for key in ["CIB_file", "CIB_shadow", "CIB_shadow_dir", "CIB_user"] { merged[key] = nil }
        merged["LC_ALL"] = "C"
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let output = Pipe()
        let errors = Pipe()
        let standardInput = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = standardInput
        try process.run()
        if let input { standardInput.fileHandleForWriting.write(Data(input.utf8)) }
        try standardInput.fileHandleForWriting.close()
        // Read both pipes fully before waiting, so a chatty tool never blocks on a full pipe.
        let errorData = ReadInBackground(errors.fileHandleForReading)
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ToolProcess(
            status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData.wait(), as: UTF8.self))
    }
}

/// Reads a pipe to its end on another thread (stderr, while the caller drains stdout).
final class ReadInBackground: @unchecked Sendable {
    // Safe: `data` is written once by the reader thread before `done` is signalled, read after `wait()`.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

/// A scratch directory removed when the test ends.
final class ScratchDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "ha-tools-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `name` inside the directory and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}

/// Where the scheduler corpus is (`$CONFORMANCE_DIR/scheduler/xml` or a `shared/conformance` above us).
enum ConformanceCorpus {
    static let directory: String? = {
        if let explicit = ProcessInfo.processInfo.environment["CONFORMANCE_DIR"] { return explicit + "/scheduler/xml" }
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("shared/conformance/scheduler/xml").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }()

    static func path(_ name: String) -> String? {
        directory.map { "\($0)/\(name).xml" }
    }

    static var names: [String] {
        guard let directory, let files = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return files.filter { $0.hasSuffix(".xml") }.map { String($0.dropLast(4)) }.sorted()
    }
}

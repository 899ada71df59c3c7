import Foundation
import XML

/// Runs the built tool executables (next to the test bundle in the build directory) and Debian's
/// Pacemaker tools, on scratch copies of CIB files.
enum CIBToolHarness {
    /// The result of one tool run.
    struct Run {
        var status: Int32
        var output: String
        var error: String
    }

    /// The build directory holding our executables.
    static let buildDirectory: URL = {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        // The test binary may sit inside a `.xctest` bundle directory.
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("cibadmin").path),
            directory.path != "/"
        {
            directory = directory.deletingLastPathComponent()
        }
        return directory
    }()

    /// Our executable named `name`.
    static func ours(_ name: String) -> String { buildDirectory.appendingPathComponent(name).path }

    /// Pacemaker's cibadmin, when installed.
    static let pacemakerCibadmin = "/usr/sbin/cibadmin"
    static var hasPacemaker: Bool { FileManager.default.isExecutableFile(atPath: pacemakerCibadmin) }

    /// Runs `executable` with `arguments`, extra environment and optional standard input.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: String? = nil
    )
        throws -> Run
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged["CIB_file"] = nil
        merged["CIB_shadow"] = nil
        merged["CIB_user"] = nil
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let output = Pipe()
        let error = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
            error: String(decoding: errorData, as: UTF8.self))
    }

    /// A fresh scratch directory, removed by the caller.
    static func scratchDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cib-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The CIB text with formatting and `cib-last-written` normalised away, for semantic comparison.
    static func normalized(_ text: String) -> String {
        guard let document = try? XMLDocument.parse(text, source: "cmp") else { return "UNPARSABLE: " + text }
        try? document.root.setAttribute("cib-last-written", nil)
        return document.serialized()
    }

    /// A short excerpt around the first difference of two texts, for test messages.
    static func firstDifference(_ lhs: String, _ rhs: String) -> String {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        var index = 0
        while index < min(left.count, right.count), left[index] == right[index] { index += 1 }
        let start = max(0, index - 80)
        let excerpt = { (bytes: [UInt8]) in
            String(decoding: bytes[min(start, bytes.count)..<min(bytes.count, index + 80)], as: UTF8.self)
        }
        return "ours: …\(excerpt(left))… theirs: …\(excerpt(right))…"
    }

    /// Copy of a conformance-corpus CIB.
    static func corpus(_ name: String) -> String {
        "/work/shared/conformance/scheduler/xml/\(name).xml"
    }
}

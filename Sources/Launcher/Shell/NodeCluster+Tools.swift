import CRM
import Foundation
import Glibc
import XML

/// What a tool run printed.
public struct ToolOutput: Sendable {
    /// Its exit status (-1: killed at the timeout).
    public var status: Int32
    /// Standard output.
    public var output: String
    /// Standard error.
    public var errors: String
}

extension NodeCluster {
    /// Runs one of our tools (`cibadmin`, `crm_mon`, …) against node `index`'s daemons, killed after `timeout`.
    public func tool(
        _ name: String, _ arguments: [String], on index: Int, timeout: Duration = .seconds(10)
    ) async -> ToolOutput {
        let scratch = "\(base)/tool-\(UUID().uuidString)"
        defer {
            try? FileManager.default.removeItem(atPath: scratch + ".out")
            try? FileManager.default.removeItem(atPath: scratch + ".err")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(layout.tools)/\(name)")
        process.arguments = arguments
        process.environment = environment(index)
        guard FileManager.default.createFile(atPath: scratch + ".out", contents: nil),
            FileManager.default.createFile(atPath: scratch + ".err", contents: nil),
            let output = FileHandle(forWritingAtPath: scratch + ".out"),
            let errors = FileHandle(forWritingAtPath: scratch + ".err")
        else { return ToolOutput(status: -1, output: "", errors: "cannot create \(scratch)") }
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return ToolOutput(status: -1, output: "", errors: "\(error)") }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
        var status = Int32(-1)
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        } else {
            status = process.terminationStatus
        }
        try? output.close()
        try? errors.close()
        return ToolOutput(
            status: status, output: (try? String(contentsOfFile: scratch + ".out", encoding: .utf8)) ?? "",
            errors: (try? String(contentsOfFile: scratch + ".err", encoding: .utf8)) ?? "")
    }

    /// Node `index`'s CIB as its crmd answers `cibadmin -Q`, nil when it does not answer.
    public func cib(on index: Int) async -> XMLDocument? {
        let answer = await tool("cibadmin", ["-Q"], on: index, timeout: .seconds(5))
        guard answer.status == 0 else { return nil }
        return try? XMLDocument.parse(answer.output)
    }

    /// Where each resource runs according to node `index`'s CIB (nil when its crmd does not answer).
    public func placements(on index: Int) async -> ResourceStatusIndex? {
        await cib(on: index).map(ResourceStatusIndex.init)
    }

    /// Polls node `index`'s CIB until `condition` holds for it or `timeout` passes; returns the last CIB seen.
    public func waitForCIB(
        on index: Int, timeout: Duration, _ condition: (XMLDocument) -> Bool
    ) async -> (met: Bool, cib: XMLDocument?) {
        let deadline = ContinuousClock.now + timeout
        var last: XMLDocument?
        while ContinuousClock.now < deadline {
            if let document = await cib(on: index) {
                last = document
                if condition(document) { return (true, document) }
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return (false, last)
    }
}

extension ResourceStatusIndex {
    /// The single node where every one of `resources` runs, nil if any is stopped, runs twice or the
    /// resources are split.
    public func commonNode(of resources: [String]) -> String? {
        let nodes = resources.map { placements(of: $0).map(\.node) }
        guard let first = nodes.first, first.count == 1, nodes.allSatisfy({ $0 == first }) else { return nil }
        return first[0]
    }
}

import ArgumentParser
import CRM
import Foundation
import XML

/// Runs the policy engine on a CIB file, as Pacemaker's crm_simulate does without a live cluster.
struct CRMSimulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crm_simulate",
        abstract: "Compute the transition a CIB calls for and show or save it.",
        discussion: "Reads a CIB with -x, runs the policy engine, and writes the transition graph (-G), scores (-s), a summary and (-S) a simulated execution.")

    @Option(name: [.customShort("x"), .customLong("xml-file")], help: "Read the CIB from this file.")
    var xmlFile: String?
    @Flag(name: [.customShort("L"), .customLong("live-check")], help: "Connect to the live cluster (not available).")
    var liveCheck = false
    @Option(name: [.customShort("G"), .customLong("save-graph")], help: "Save the transition graph here.")
    var saveGraph: String?
    @Option(name: [.customShort("D"), .customLong("save-dotfile")], help: "Save the graph in dot format here.")
    var saveDotfile: String?
    @Flag(name: [.customShort("Q"), .customLong("quiet")], help: "Show no cluster status.")
    var quiet = false
    @Flag(name: [.customShort("S"), .customLong("simulate")], help: "Simulate executing the transition.")
    var simulate = false
    @Flag(name: [.customShort("s"), .customLong("show-scores")], help: "Show allocation scores.")
    var showScores = false
    @Option(name: [.customShort("t"), .customLong("set-datetime")], help: "Set \"now\" (ISO 8601).")
    var setDatetime: String?

    func run() throws {
        if liveCheck {
            throw ValidationError("crm_simulate: --live-check needs a running cluster, which is not available here; use -x FILE")
        }
        guard let xmlFile else { throw ValidationError("crm_simulate: give the CIB with -x FILE") }
        guard let data = FileManager.default.contents(atPath: xmlFile) else {
            FileHandle.standardError.write(Data("crm_simulate: cannot read \(xmlFile)\n".utf8))
            throw ExitCode(66)
        }
        var now: Int?
        if let setDatetime {
            guard let parsed = PolicyEngine.parseDate(setDatetime) else {
                throw ValidationError("crm_simulate: cannot read date '\(setDatetime)'")
            }
            now = parsed
        }
        let result: TransitionResult
        do {
            let document = try XMLDocument.parse(Array(data), source: xmlFile)
            result = try PolicyEngine.schedule(cib: document.root, now: now, recordScores: showScores)
        } catch let error as XMLError {
            FileHandle.standardError.write(Data("crm_simulate: \(error)\n".utf8))
            throw ExitCode(65)
        } catch let error as SchedulerError {
            FileHandle.standardError.write(Data("crm_simulate: \(error)\n".utf8))
            throw ExitCode(65)
        }
        if let saveGraph {
            try Data(result.graph.xml().utf8).write(to: URL(fileURLWithPath: saveGraph))
        }
        if let saveDotfile {
            try Data(result.graph.dot().utf8).write(to: URL(fileURLWithPath: saveDotfile))
        }
        if !quiet {
            print("Current cluster status:")
            print(result.currentStatus.joined(separator: "\n"))
            print("")
        }
        if showScores {
            print(result.scores.joined(separator: "\n"))
        }
        if !quiet {
            print("Transition Summary:")
            if !result.summary.isEmpty { print(result.summary.joined(separator: "\n")) }
        }
        if simulate {
            print("")
            print("Executing Cluster Transition:")
            if !result.execution.isEmpty { print(result.execution.joined(separator: "\n")) }
            print("")
            print("Revised Cluster Status:")
            print(result.revisedStatus.joined(separator: "\n"))
        }
    }
}

CRMSimulate.main()

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
    @Flag(name: [.customShort("L"), .customLong("live-check")], help: "Run on the live cluster's CIB (through the local crmd).")
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
    @Option(name: [.customShort("u"), .customLong("node-up")], help: "Bring a node online before scheduling.")
    var nodeUp: [String] = []
    @Option(name: [.customShort("d"), .customLong("node-down")], help: "Take a node offline cleanly before scheduling.")
    var nodeDown: [String] = []
    @Option(name: [.customShort("f"), .customLong("node-fail")], help: "Mark a node as failed (it will be fenced).")
    var nodeFail: [String] = []
    @Option(name: [.customShort("i"), .customLong("op-inject")], help: "Add RSC_TASK_INTERVAL@NODE=RC to the history first.")
    var opInject: [String] = []
    @Option(name: [.customShort("F"), .customLong("op-fail")], help: "With -S: RSC_TASK_INTERVAL@NODE=RC fails when executed.")
    var opFail: [String] = []

    func run() throws {
        let data: Data?
        let source: String
        if liveCheck {
            // The live CIB through the local crmd (or CIB_file/CIB_shadow when set, as Pacemaker's tools do).
            guard let session = try? CIBSession() else {
                FileHandle.standardError.write(Data("crm_simulate: CIB query failed: Input file not available\n".utf8))
                throw ExitCode(66)
            }
            data = Data(session.document.xml.serialized().utf8)
            source = "<live CIB>"
        } else {
            guard let xmlFile else { throw ValidationError("crm_simulate: give the CIB with -x FILE or -L") }
            guard FileManager.default.isReadableFile(atPath: xmlFile) else {
                FileHandle.standardError.write(Data("crm_simulate: cannot read \(xmlFile)\n".utf8))
                throw ExitCode(66)
            }
            data = nil
            source = xmlFile
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
            // The typed model is all the engine needs: a CIB file is scanned in small chunks, never held as
            // text or as a whole tree; the live CIB arrives as text from the crmd.
            var model = try data.map { try ClusterModel.parsing(cibText: $0, source: source) }
                ?? ClusterModel.parsing(file: source)
            try applyWhatIf(&model)
            // Like Pacemaker: without -t or an execution-date in the CIB, "now" is the wall clock.
            if now == nil && model.executionDate == nil { now = Int(Date().timeIntervalSince1970) }
            result = PolicyEngine.schedule(model, now: now, recordScores: showScores, failing: try failingOperations())
        } catch XMLError.unreadable(let path, let reason) {
            FileHandle.standardError.write(Data("crm_simulate: cannot read \(path): \(reason)\n".utf8))
            throw ExitCode(66)
        } catch let error as XMLError {
            FileHandle.standardError.write(Data("crm_simulate: \(error)\n".utf8))
            throw ExitCode(65)
        } catch let error as SchedulerError {
            FileHandle.standardError.write(Data("crm_simulate: \(error)\n".utf8))
            throw ExitCode(65)
        } catch let error as ClusterModel.WhatIfError {
            FileHandle.standardError.write(Data("crm_simulate: \(error)\n".utf8))
            throw ExitCode(64)
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
        // Everything is written: leave without tearing down large structures one by one.
        Foundation.exit(0)
    }
}

extension CRMSimulate {
    /// Applies --node-up/--node-down/--node-fail and --op-inject to the model, in that order.
    func applyWhatIf(_ model: inout ClusterModel) throws {
        for node in nodeUp { try model.apply(.up, toNode: node) }
        for node in nodeDown { try model.apply(.down, toNode: node) }
        for node in nodeFail { try model.apply(.fail, toNode: node) }
        for spec in opInject { try model.inject(ClusterModel.OperationSpec(parsing: spec)) }
    }

    func failingOperations() throws -> [ClusterModel.OperationSpec] {
        try opFail.map { text throws in try ClusterModel.OperationSpec(parsing: text) }
    }
}

CRMSimulate.main()

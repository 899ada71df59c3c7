import Foundation
import Testing

/// Our crm_verify against Pacemaker's on the same inputs: same exit status, same `--output-as xml` stdout.
@Suite(.enabled(if: ToolProcess.pacemakerHas("crm_verify"), "Pacemaker's crm_verify is not installed; side-by-side skipped"))
struct CRMVerifySideBySideTests {
    /// Hand-made CIBs, each exercising one check both tools make.
    static let cases: [(String, String)] = [
        ("valid", toolCIB()),
        ("no-stonith", toolCIB(options: "")),
        ("no-provider", toolCIB(resources: #"<primitive id="d1" class="ocf" type="Dummy"/>"#)),
        ("bad-class", toolCIB(resources: #"<primitive id="d1" class="bogus" type="Dummy"/>"#)),
        ("dangling-location", toolCIB(constraints: #"<rsc_location id="l" rsc="nosuch" node="node1" score="10"/>"#)),
        ("bad-score", toolCIB(constraints: #"<rsc_location id="l" rsc="d1" node="node1" score="lots"/>"#)),
        ("duplicate-id", toolCIB(resources: #"<primitive id="d1" class="lsb" type="a"/><primitive id="d1" class="lsb" type="b"/>"#)),
        ("reference-to-nvpair", toolCIB(constraints: #"<rsc_colocation id="c" rsc="d1" with-rsc="o-s" score="INFINITY"/>"#)),
        ("bad-influence", toolCIB(
            resources: #"<primitive id="d1" class="lsb" type="a"/><primitive id="d2" class="lsb" type="b"/>"#,
            constraints: #"<rsc_colocation id="c" rsc="d1" with-rsc="d2" score="INFINITY" influence="maybe"/>"#)),
        ("promoted-role-on-primitive", toolCIB(resources: """
            <primitive id="d1" class="lsb" type="a"><meta_attributes id="m"><nvpair id="m-r" name="target-role" value="Promoted"/></meta_attributes></primitive>
            """)),
        ("duplicate-op", toolCIB(resources: """
            <primitive id="d1" class="lsb" type="a"><operations><op id="a" name="monitor" interval="10s"/><op id="b" name="monitor" interval="10000ms"/></operations></primitive>
            """)),
        ("bad-interval-is-only-a-warning", toolCIB(resources: """
            <primitive id="d1" class="lsb" type="a"><operations><op id="a" name="monitor" interval="abc"/></operations></primitive>
            """)),
        ("unknown-schema", toolCIB(validateWith: "pacemaker-9.9")),
        ("validation-off-bad-kind", toolCIB(
            validateWith: "none", resources: #"<primitive id="d1" class="lsb" type="a"/><primitive id="d2" class="lsb" type="b"/>"#,
            constraints: #"<rsc_order id="o" first="d1" then="d2" kind="foo"/>"#)),
        ("require-all-deprecated", toolCIB(
            resources: #"<primitive id="d1" class="lsb" type="a"/><primitive id="d2" class="lsb" type="b"/>"#,
            constraints: #"<rsc_order id="o" first="d1" then="d2" require-all="false"/>"#)),
    ]

    @Test(arguments: cases.map(\.0))
    func sameVerdictAsPacemaker(name: String) throws {
        let scratch = try ScratchDirectory()
        let text = try #require(Self.cases.first { $0.0 == name }?.1)
        let file = try scratch.write("\(name).xml", text)
        let ours = try ToolProcess.ours("crm_verify", ["-x", file, "--output-as", "xml"])
        let theirs = try ToolProcess.pacemaker("crm_verify", ["-x", file, "--output-as", "xml"])
        #expect(ours.status == theirs.status, "\(name): ours \(ours.status), Pacemaker \(theirs.status)\n\(theirs.standardError)")
        #expect(withoutRequest(ours.standardOutput) == withoutRequest(theirs.standardOutput))
    }

    /// Pacemaker reports these from the status section through its scheduler; we cannot check them yet.
    static let schedulerOrigins: Set<String> = [
        "update_resource_action_runnable", "schedule_fencing", "pe_fence_node", "determine_online_status",
        "unpack_rsc_op_failure", "unpack_node_state", "process_rsc_state", "schedule_fencing_and_shutdowns",
        "ordering_is_invalid", "pe__force_anon", "can_run_instance", "pcmk__primitive_create_actions",
        "distribute_children", "set_group_flag", "pcmk__threshold_reached", "check_recoverable", "assign_best_node",
        "pcmk__create_graph", "pcmk__colocation_affects", "unpack_rsc_op", "cluster_status", "unpack_config",
    ]

    /// Every fourth corpus CIB (to keep the run short): the exit status must match unless Pacemaker's own
    /// report (`-VV`) names a scheduler step, in which case the file is counted as out of scope.
    @Test(.enabled(if: ConformanceCorpus.directory != nil, "the conformance corpus is not here"))
    func corpusVerdictsMatchPacemaker() throws {
        let sample = ConformanceCorpus.names.enumerated().filter { $0.offset % 4 == 0 }.map(\.element)
        var compared = 0
        var outOfScope: [String] = []
        for name in sample {
            let file = try #require(ConformanceCorpus.path(name))
            // Pacemaker 2.1.5 knows schemas up to pacemaker-3.9; we also accept 3.10 (Pacemaker 3.0's syntax).
            if try String(contentsOfFile: file, encoding: .utf8).contains(#"validate-with="pacemaker-3.10""#) {
                outOfScope.append(name)
                continue
            }
            let theirs = try ToolProcess.pacemaker("crm_verify", ["-VV", "-x", file])
            let ours = try ToolProcess.ours("crm_verify", ["-x", file])
            if theirs.status != ours.status && reportsSchedulerProblem(theirs.standardError) {
                outOfScope.append(name)
                continue
            }
            compared += 1
            #expect(ours.status == theirs.status, "\(name): ours \(ours.status), Pacemaker \(theirs.status)")
        }
        print("crm_verify side by side: \(compared) corpus CIBs agree; \(outOfScope.count) need the scheduler: \(outOfScope)")
        #expect(compared >= sample.count * 3 / 4)
    }

    private func reportsSchedulerProblem(_ report: String) -> Bool {
        report.split(separator: "\n").contains { line in
            guard line.hasPrefix("("), let close = line.firstIndex(of: ")") else { return false }
            return Self.schedulerOrigins.contains(String(line[line.index(after: line.startIndex)..<close]))
        }
    }

    private func withoutRequest(_ output: String) -> String {
        output.replacing(/request="[^"]*"/, with: "request=\"\"")
    }
}

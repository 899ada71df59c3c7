import Foundation
import Testing
import XML

@testable import CRM

/// Our own policy scenarios (Tests/Golden/policy, corpus layout), expected graphs produced by Pacemaker's
/// crm_simulate and compared semantically: actions by identity, orderings as edges.
@Suite struct PolicyGoldenTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let golden = root.appendingPathComponent("Tests/Golden/policy")

    static var scenarios: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: golden.appendingPathComponent("xml").path)) ?? []
        return names.filter { $0.hasSuffix(".xml") }.map { String($0.dropLast(4)) }.sorted()
    }

    /// Action identities and edges of a transition graph, as graph-compare sees them.
    static func shape(of graph: XMLElement) -> (actions: [String], edges: [String]) {
        func identity(_ element: XMLElement) -> String {
            let fields = ["operation", "operation_key", "on_node"].map { element[attribute: $0] ?? "" }
            return ([element.name] + fields).joined(separator: "|")
        }
        var actions: [String] = []
        var edges: [String] = []
        var byID: [String: String] = [:]
        for synapse in graph.children(named: "synapse") {
            for action in synapse.firstChild(named: "action_set")?.children ?? [] {
                byID[action[attribute: "id"] ?? ""] = identity(action)
            }
        }
        for synapse in graph.children(named: "synapse") {
            guard let action = synapse.firstChild(named: "action_set")?.children.first else { continue }
            actions.append(identity(action))
            for trigger in synapse.firstChild(named: "inputs")?.children(named: "trigger") ?? [] {
                for input in trigger.children { edges.append("\(byID[input[attribute: "id"] ?? ""] ?? "?") -> \(identity(action))") }
            }
        }
        return (actions.sorted(), edges.sorted())
    }

    @Test(arguments: scenarios)
    func graphMatchesPacemaker(scenario: String) throws {
        let input = try XMLDocument.parse(
            Array(try Data(contentsOf: Self.golden.appendingPathComponent("xml/\(scenario).xml"))), source: scenario)
        let expected = try XMLDocument.parse(
            Array(try Data(contentsOf: Self.golden.appendingPathComponent("exp/\(scenario).exp"))), source: scenario)
        let ours = try XMLDocument.parse(try PolicyEngine.schedule(cib: input.root, now: nil).graph.xml())
        let want = Self.shape(of: expected.root)
        let got = Self.shape(of: ours.root)
        #expect(got.actions == want.actions, "\(scenario): actions differ")
        #expect(got.edges == want.edges, "\(scenario): edges differ")
    }

    @Test func goldenScenariosExist() {
        #expect(Self.scenarios.count >= 3)
    }
}

/// Runs the shared Pacemaker conformance corpus against our crm_simulate and fails if fewer tests pass
/// than the committed ratchet (Tests/Golden/conformance-pass-count.txt). Skipped when python3, the
/// corpus or a built crm_simulate is missing.
@Suite struct ConformanceRatchetTests {
    @Test func passCountNeverDrops() throws {
        let root = PolicyGoldenTests.root
        let fileManager = FileManager.default
        let scorer = "/work/shared/tools/scheduler-conformance"
        let binaries = [".build/release/crm_simulate", ".build/debug/crm_simulate"].map { root.appendingPathComponent($0).path }
        // The most recently built binary: a stale release build must not hide (or fake) a change.
        func modified(_ path: String) -> Date {
            ((try? fileManager.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast
        }
        let built = binaries.filter { fileManager.isExecutableFile(atPath: $0) }.sorted { modified($0) > modified($1) }
        guard fileManager.isExecutableFile(atPath: scorer), fileManager.isExecutableFile(atPath: "/usr/bin/python3"),
            let binary = built.first
        else { return }
        let ratchetText = try String(contentsOf: root.appendingPathComponent("Tests/Golden/conformance-pass-count.txt"), encoding: .utf8)
        let ratchet = try #require(Int(ratchetText.trimmingCharacters(in: .whitespacesAndNewlines)))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [scorer, "--impl", "\(binary) -x {xml} -G {graph} -Q {args}", "-j", "2", "--no-progress"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let last = try #require(output.split(separator: "\n").last)
        let passed = try #require(Int(last.split(separator: " ").first ?? ""))
        #expect(passed >= ratchet, "conformance dropped: \(passed) passed, ratchet is \(ratchet)")
    }
}

/// The streaming reader must see the same CIB as the whole-tree parser.
@Suite struct StreamingParseTests {
    @Test(arguments: PolicyGoldenTests.scenarios)
    func streamingAndTreeParsesScheduleTheSame(scenario: String) throws {
        let bytes = Array(try Data(contentsOf: PolicyGoldenTests.golden.appendingPathComponent("xml/\(scenario).xml")))
        let tree = try ClusterModel(cib: XMLDocument.parse(bytes, source: scenario).root)
        let streamed = try ClusterModel.parsing(cibText: bytes, source: scenario)
        #expect(PolicyEngine.schedule(tree, now: nil).graph.xml() == PolicyEngine.schedule(streamed, now: nil).graph.xml())
    }

    /// A piece of the configuration that refers to another piece makes the scanner read it whole.
    @Test func referencesAcrossPiecesAreResolved() throws {
        let cib = """
            <cib have-quorum="1" execution-date="1700000000"><configuration>
            <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
            <nodes><node id="1" uname="node1"/></nodes>
            <resources>
            <primitive id="rscA" class="ocf" provider="heartbeat" type="Dummy">
              <meta_attributes id="shared"><nvpair id="s1" name="target-role" value="Stopped"/></meta_attributes></primitive>
            <primitive id="rscB" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id-ref="shared"/></primitive>
            <primitive id="rscC" class="ocf" provider="heartbeat" type="Dummy"/>
            </resources><constraints/></configuration>
            <status><node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"/></status></cib>
            """
        let tree = try ClusterModel(cib: XMLDocument.parse(cib, source: "refs.xml").root)
        let scanned = try ClusterModel.parsing(cibText: Array(cib.utf8), source: "refs.xml")
        let graph = PolicyEngine.schedule(scanned, now: nil).graph.xml()
        #expect(graph == PolicyEngine.schedule(tree, now: nil).graph.xml())
        #expect(graph.contains("rscC_start_0"))
        #expect(!graph.contains("rscB_start_0"))
    }

    @Test func truncatedDocumentIsRefusedWithItsPosition() {
        #expect(throws: XMLError.self) {
            _ = try ClusterModel.parsing(cibText: Array("<cib><configuration><nodes>".utf8), source: "cut.xml")
        }
    }
}

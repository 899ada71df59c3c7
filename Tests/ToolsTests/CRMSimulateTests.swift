import Foundation
import Testing

/// Runs the built crm_simulate as users do and checks its output, files and exit codes.
@Suite struct CRMSimulateTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binary = root.appendingPathComponent(".build/debug/crm_simulate").path

    static let cib = """
        <cib have-quorum="1" dc-uuid="1" execution-date="1700000000"><configuration><crm_config>\
        <cluster_property_set id="o"><nvpair id="n" name="stonith-enabled" value="false"/></cluster_property_set>\
        </crm_config><nodes><node id="1" uname="alpha"/><node id="2" uname="beta"/></nodes><resources>\
        <primitive id="web" class="ocf" provider="heartbeat" type="Dummy"/></resources><constraints/>\
        </configuration><status><node_state id="1" uname="alpha" in_ccm="true" crmd="online" join="member" \
        expected="member"/><node_state id="2" uname="beta" in_ccm="true" crmd="online" join="member" \
        expected="member"/></status></cib>
        """

    /// Runs crm_simulate with `arguments`; nil when the binary has not been built.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String)? {
        guard FileManager.default.isExecutableFile(atPath: binary) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, out, err)
    }

    static func write(_ text: String, name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crm-simulate-\(getpid())-\(name)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func simulatePrintsPacemakerSectionsAndWritesGraph() throws {
        let input = try Self.write(Self.cib, name: "in.xml")
        let graph = input + ".graph"
        guard let result = try Self.run(["-x", input, "-S", "-G", graph]) else { return }
        #expect(result.status == 0)
        for section in ["Current cluster status:", "Transition Summary:", "Executing Cluster Transition:", "Revised Cluster Status:"] {
            #expect(result.output.contains(section), "missing \(section)")
        }
        #expect(result.output.contains("* Start      web"))
        #expect(result.output.contains("web\t(ocf:heartbeat:Dummy):\t Started alpha"))
        let written = try String(contentsOfFile: graph, encoding: .utf8)
        #expect(written.contains("operation_key=\"web_start_0\" on_node=\"alpha\""))
    }

    @Test func whatIfNodeFailFencesNothingWithoutFencing() throws {
        let input = try Self.write(Self.cib, name: "fail.xml")
        guard let result = try Self.run(["-x", input, "-S", "--node-fail", "alpha"]) else { return }
        #expect(result.status == 0)
        #expect(result.output.contains("web\t(ocf:heartbeat:Dummy):\t Started beta"))
    }

    @Test func unsupportedElementsAreRefusedByName() throws {
        let clone = Self.cib.replacingOccurrences(
            of: "<primitive id=\"web\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/>",
            with: "<clone id=\"web-clone\"><meta_attributes id=\"m\"><nvpair id=\"m1\" name=\"notify\" value=\"true\"/>"
                + "</meta_attributes><primitive id=\"web\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/></clone>")
        let input = try Self.write(clone, name: "clone.xml")
        guard let result = try Self.run(["-x", input, "-G", input + ".graph", "-Q"]) else { return }
        #expect(result.status == 65)
        #expect(result.error.contains("clone"))
        #expect(result.error.contains("web-clone"))
        #expect(result.error.contains("notify"))
    }

    @Test func clonesAreScheduledAndShown() throws {
        let clone = Self.cib.replacingOccurrences(
            of: "<primitive id=\"web\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/>",
            with: "<clone id=\"web-clone\"><primitive id=\"web\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/></clone>")
        let input = try Self.write(clone, name: "plain-clone.xml")
        guard let result = try Self.run(["-x", input, "-S"]) else { return }
        #expect(result.status == 0)
        #expect(result.output.contains("* Clone Set: web-clone [web]:"))
        #expect(result.output.contains("Pseudo action:   web-clone_running_0"))
    }

    @Test func liveCheckFailsClearly() throws {
        guard let result = try Self.run(["-L"]) else { return }
        #expect(result.status != 0)
        #expect(result.error.contains("live"))
    }

    @Test func badWhatIfRequestIsAUsageError() throws {
        let input = try Self.write(Self.cib, name: "bad.xml")
        guard let result = try Self.run(["-x", input, "--op-inject", "nonsense"]) else { return }
        #expect(result.status == 64)
        #expect(result.error.contains("nonsense"))
    }
}

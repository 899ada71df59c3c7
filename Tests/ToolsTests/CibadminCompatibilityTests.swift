import Foundation
import Testing
import XML

/// Our cibadmin against Debian's on copies of the same CIBs: same exit codes, same resulting CIB
/// (semantically: elements, attributes, order; not formatting or cib-last-written) and same query output.
@Suite(.serialized) struct CibadminCompatibilityTests {
    /// One step: cibadmin's arguments.
    typealias Step = [String]

    static let editSteps: [Step] = [
        ["-Q"], ["-Q", "-o", "resources"], ["-Q", "-o", "status"], ["-Q", "-o", "rsc_defaults"],
        ["-Q", "-o", "constraints"], ["-Q", "--xpath", "//primitive"], ["-Q", "--xpath", "//primitive", "-e"],
        ["-Q", "--xpath", "//primitive", "-n"], ["-Q", "--xpath", "//nothing"],
        ["-C", "-o", "nodes", "-X", #"<node id="n9" uname="node9"/>"#],
        ["-C", "-o", "nodes", "-X", #"<node id="n9" uname="node9"/>"#],
        ["-C", "-o", "constraints", "-X", #"<rsc_location id="loc-t" rsc="{RSC}" node="node9" score="100"/>"#],
        ["-M", "-X", #"<node id="n9" uname="node9b"/>"#],
        ["-M", "-X", #"<nvpair id="nosuch" value="1"/>"#],
        [
            "-M", "-X",
            #"<primitive id="{RSC}"><meta_attributes id="A-tm"><nvpair id="A-tm-c" name="counter" value="value++"/></meta_attributes></primitive>"#,
        ],
        ["-M", "-X", #"<nvpair id="A-tm-c" value="value++"/>"#],
        ["-M", "-X", #"<nvpair id="A-tm-c" value="value+=10"/>"#],
        ["-M", "-X", #"<nvpair id="A-tm-c" value="value+=INFINITY"/>"#],
        [
            "-M", "-c", "-o", "crm_config", "-X",
            #"<cluster_property_set id="extra"><nvpair id="extra-a" name="a" value="1"/></cluster_property_set>"#,
        ],
        ["-M", "-X", #"<cib admin_epoch="admin_epoch++"/>"#],
        ["-B"],
        ["-D", "-X", #"<nvpair id="A-tm-c" name="other"/>"#],
        ["-D", "-X", #"<nvpair id="A-tm-c"/>"#],
        ["-D", "-X", #"<nvpair id="A-tm-c"/>"#],
        ["-R", "-o", "constraints", "-X", #"<rsc_location id="loc-t" rsc="{RSC}" node="node9" score="200"/>"#],
        ["-R", "-X", #"<primitive id="nosuch" class="ocf" provider="heartbeat" type="Dummy"/>"#],
        ["-D", "--xpath", "//rsc_location[@id='loc-t']"],
        ["-D", "--xpath", "//node", "-d"],
        ["-D", "--xpath", "//op", "-d", "--force"],
        ["-D", "--xpath", "//nothing"],
        ["-D", "-o", "status", "-X", #"<node_state id="1"/>"#],
        ["-E"], ["-E", "--force"], ["-Q"],
    ]

    static let corpusFiles = ["1-a-then-bm-move-b", "594", "clone-anon-failcount", "group-fail"]

    @Test(
        .enabled(if: CIBToolHarness.hasPacemaker, "Debian's /usr/sbin/cibadmin is not installed"),
        arguments: corpusFiles)
    func sameResultsAsPacemaker(corpusName: String) throws {
        let directory = try CIBToolHarness.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let theirs = directory.appendingPathComponent("theirs.xml").path
        let ours = directory.appendingPathComponent("ours.xml").path
        let source = CIBToolHarness.corpus(corpusName)
        try FileManager.default.copyItem(atPath: source, toPath: theirs)
        try FileManager.default.copyItem(atPath: source, toPath: ours)
        let resource = try Self.firstPrimitive(in: source)
        for template in Self.editSteps {
            let step = template.map { $0.replacingOccurrences(of: "{RSC}", with: resource) }
            let expected = try CIBToolHarness.run(
                CIBToolHarness.pacemakerCibadmin, step, environment: ["CIB_file": theirs])
            let actual = try CIBToolHarness.run(CIBToolHarness.ours("cibadmin"), step, environment: ["CIB_file": ours])
            #expect(actual.status == expected.status, "exit code of \(step) on \(corpusName): \(actual.error)")
            let theirCIB = CIBToolHarness.normalized(try String(contentsOfFile: theirs, encoding: .utf8))
            let ourCIB = CIBToolHarness.normalized(try String(contentsOfFile: ours, encoding: .utf8))
            #expect(
                ourCIB == theirCIB,
                "CIB after \(step) on \(corpusName) differs: \(CIBToolHarness.firstDifference(ourCIB, theirCIB))")
            if step.first == "-Q" && expected.status == 0 {
                let sameOutput =
                    step.contains("-e")
                    ? actual.output == expected.output
                    : CIBToolHarness.normalized(actual.output) == CIBToolHarness.normalized(expected.output)
                #expect(sameOutput, "output of \(step) on \(corpusName)")
            }
        }
    }

    /// Steps use a resource that exists, so every edit stays schema-valid (the validator is wired
    /// separately; Pacemaker would refuse a dangling reference with 78).
    static func firstPrimitive(in path: String) throws -> String {
        let document = try XMLDocument.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))), source: path)
        return try #require(try document.select("//primitive").first?[attribute: "id"])
    }

    @Test(.enabled(if: CIBToolHarness.hasPacemaker, "Debian's /usr/sbin/cibadmin is not installed"))
    func wholeReplaceAndVersionRulesMatchPacemaker() throws {
        let directory = try CIBToolHarness.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = CIBToolHarness.corpus("594")
        let base = try String(contentsOfFile: source, encoding: .utf8)
        let newer = directory.appendingPathComponent("newer.xml").path
        try base.replacingOccurrences(of: #" epoch=""#, with: #" epoch="9"#).write(
            toFile: newer, atomically: true, encoding: .utf8)
        let theirs = directory.appendingPathComponent("theirs.xml").path
        let ours = directory.appendingPathComponent("ours.xml").path
        try FileManager.default.copyItem(atPath: source, toPath: theirs)
        try FileManager.default.copyItem(atPath: source, toPath: ours)
        let steps: [Step] = [
            ["-R", "-x", source], ["-R", "-x", newer], ["-R", "-x", source], ["-E", "--force"], ["-R", "-x", newer],
            ["-R", "-o", "nodes", "-X", "<nodes/>"],
        ]
        for step in steps {
            let expected = try CIBToolHarness.run(
                CIBToolHarness.pacemakerCibadmin, step, environment: ["CIB_file": theirs])
            let actual = try CIBToolHarness.run(CIBToolHarness.ours("cibadmin"), step, environment: ["CIB_file": ours])
            #expect(actual.status == expected.status, "exit code of \(step): \(actual.error)")
            #expect(
                CIBToolHarness.normalized(try String(contentsOfFile: ours, encoding: .utf8))
                    == CIBToolHarness.normalized(try String(contentsOfFile: theirs, encoding: .utf8)),
                "CIB after \(step) differs")
        }
    }

    /// Edits the schema must refuse (78) and ones it must accept, starting from `cibadmin --empty`.
    @Test(.enabled(if: CIBToolHarness.hasPacemaker, "Debian's /usr/sbin/cibadmin is not installed"))
    func schemaDecisionsMatchPacemaker() throws {
        let directory = try CIBToolHarness.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let empty = try CIBToolHarness.run(CIBToolHarness.pacemakerCibadmin, ["--empty"])
        let theirs = directory.appendingPathComponent("theirs.xml").path
        let ours = directory.appendingPathComponent("ours.xml").path
        try empty.output.write(toFile: theirs, atomically: true, encoding: .utf8)
        try empty.output.write(toFile: ours, atomically: true, encoding: .utf8)
        let primitive = #"<primitive id="p" class="ocf" provider="heartbeat" type="Dummy"/>"#
        let steps: [Step] = [
            [
                "-C", "-o", "resources", "-X",
                #"<primitive id="p" class="ocf" provider="heartbeat" type="Dummy" bogus="1"/>"#,
            ],
            ["-C", "-o", "nodes", "-X", #"<node id="1"/>"#],
            ["-C", "-o", "constraints", "-X", #"<rsc_location id="l" rsc="nosuch" node="n" score="1"/>"#],
            ["-C", "-o", "resources", "-X", primitive],
            ["-C", "-o", "constraints", "-X", #"<rsc_location id="l" rsc="p" node="n" score="1"/>"#],
            ["-D", "-X", #"<primitive id="p"/>"#], ["-M", "-X", #"<cib validate-with="pacemaker-9.9"/>"#],
            ["-C", "-o", "resources", "-X", primitive], ["-M", "-X", #"<primitive id="p" type="Stateful"/>"#],
        ]
        for step in steps {
            let expected = try CIBToolHarness.run(
                CIBToolHarness.pacemakerCibadmin, step, environment: ["CIB_file": theirs])
            let actual = try CIBToolHarness.run(CIBToolHarness.ours("cibadmin"), step, environment: ["CIB_file": ours])
            #expect(actual.status == expected.status, "exit code of \(step): \(actual.error)")
            #expect(
                CIBToolHarness.normalized(try String(contentsOfFile: ours, encoding: .utf8))
                    == CIBToolHarness.normalized(try String(contentsOfFile: theirs, encoding: .utf8)),
                "CIB after \(step) differs")
        }
    }

    @Test(
        .enabled(if: CIBToolHarness.hasPacemaker, "Debian's /usr/sbin/cibadmin is not installed"),
        arguments: ["-5", "-6"])
    func digestsMatchPacemaker(option: String) throws {
        for name in Self.corpusFiles {
            let step = [option, "-x", CIBToolHarness.corpus(name)]
            let expected = try CIBToolHarness.run(CIBToolHarness.pacemakerCibadmin, step)
            let actual = try CIBToolHarness.run(CIBToolHarness.ours("cibadmin"), step)
            #expect(actual.status == expected.status)
            #expect(actual.output == expected.output, "\(option) of \(name)")
        }
    }

    @Test func skipsVisiblyWithoutPacemaker() {
        if !CIBToolHarness.hasPacemaker {
            print("cibadmin compatibility tests skipped: /usr/sbin/cibadmin is not installed")
        }
        #expect(FileManager.default.isExecutableFile(atPath: CIBToolHarness.ours("cibadmin")))
    }
}

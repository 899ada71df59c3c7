import Foundation
import Testing

/// Bad input to cibadmin: a clear error naming what and where, a non-zero exit, the stored CIB unchanged.
@Suite struct CibadminBadInputTests {
    static let cib = """
        <cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="4" num_updates="2" admin_epoch="0">
          <configuration>
            <crm_config/>
            <nodes>
              <node id="1" uname="node1"/>
            </nodes>
            <resources/>
            <constraints/>
          </configuration>
          <status/>
        </cib>

        """

    /// Runs our cibadmin on a fresh copy of `cib` and checks the file did not change.
    func runUnchanged(
        _ arguments: [String], environment: [String: String] = [:], input: String? = nil,
        setUp: (String) throws -> Void = { _ in }
    ) throws -> CIBToolHarness.Run {
        let directory = try CIBToolHarness.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("cib.xml").path
        try Self.cib.write(toFile: path, atomically: true, encoding: .utf8)
        try setUp(directory.path)
        var environment = environment
        environment["CIB_file"] = environment["CIB_file"] ?? path
        let expanded = arguments.map { $0.replacingOccurrences(of: "{DIR}", with: directory.path) }
        let run = try CIBToolHarness.run(
            CIBToolHarness.ours("cibadmin"), expanded, environment: environment, input: input)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == Self.cib, "stored CIB changed by \(arguments)")
        return run
    }

    @Test func malformedXMLNamesLineAndColumn() throws {
        let run = try runUnchanged(["-C", "-o", "nodes", "-X", "<node id=\"2\" uname=\"a\""])
        #expect(run.status == 65)
        #expect(run.error.contains("--xml-text:1:"))
    }

    @Test func malformedXMLFromPipeAndFile() throws {
        let piped = try runUnchanged(["-M", "-p"], input: "<nvpair id='x'>\n<oops></nvpair>")
        #expect(piped.status == 65)
        #expect(piped.error.contains("<stdin>:2:"))
        let missing = try runUnchanged(["-M", "-x", "/nonexistent/input.xml"])
        #expect(missing.status == 105 || missing.status == 66)
        #expect(missing.error.contains("/nonexistent/input.xml"))
    }

    @Test func invalidUTF8IsRefused() throws {
        let run = try runUnchanged(["-M", "-x", "{DIR}/bad.xml"]) { directory in
            try Data([0x3C, 0x6E, 0x6F, 0x64, 0x65, 0x20, 0x69, 0x64, 0x3D, 0x22, 0xFF, 0xFE, 0x22, 0x2F, 0x3E])
                .write(to: URL(fileURLWithPath: directory + "/bad.xml"))
        }
        #expect(run.status == 65)
        #expect(run.error.contains("bad.xml"))
    }

    @Test func unknownScopeIsAUsageError() throws {
        let run = try runUnchanged(["-Q", "-o", "bogus"])
        #expect(run.status == 64)
        #expect(run.error.contains("unknown scope 'bogus'"))
    }

    @Test func unknownIDAndDuplicateID() throws {
        let unknown = try runUnchanged(["-M", "-X", #"<node id="77" uname="x"/>"#])
        #expect(unknown.status == 105)
        let duplicate = try runUnchanged(["-C", "-o", "nodes", "-X", #"<node id="1" uname="again"/>"#])
        #expect(duplicate.status == 108)
        #expect(duplicate.output.contains("<failed_update id=\"1\""))
    }

    @Test func oversizedInputAndCIBAreRefused() throws {
        let big = "<node id=\"2\" uname=\"" + String(repeating: "x", count: 2_000) + "\"/>"
        let input = try runUnchanged(["-C", "-o", "nodes", "-X", big], environment: ["HA_CIB_MAX_BYTES": "1000"])
        #expect(input.status == 65)
        #expect(input.error.contains("over the limit of 1000 bytes"))
        let cib = try runUnchanged(["-Q"], environment: ["HA_CIB_MAX_BYTES": "100"])
        #expect(cib.status != 0)
        #expect(cib.error.contains("limit of 100 bytes"))
    }

    @Test func missingFileAndNoLiveCluster() throws {
        let missing = try runUnchanged(["-Q"], environment: ["CIB_file": "/nonexistent/cib.xml"])
        #expect(missing.status == 105)
        #expect(missing.error.contains("/nonexistent/cib.xml"))
        let live = try CIBToolHarness.run(CIBToolHarness.ours("cibadmin"), ["-Q"])
        #expect(live.status == 102)
        // No crmd at the default run directory: Pacemaker's words.
        #expect(live.error == "Could not connect to the CIB: Transport endpoint is not connected\nInit failed, could not perform requested operations\n", "\(live.error)")
    }

    @Test(
        .enabled(
            if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser"),
            "needs root and runuser"))
    func unreadableDirectoryNamesThePath() throws {
        let directory = try CIBToolHarness.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let locked = directory.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
        let path = locked.appendingPathComponent("cib.xml").path
        try Self.cib.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(directory.path, 0o755)
        chmod(locked.path, 0o700)
        let run = try CIBToolHarness.run(
            "/usr/sbin/runuser",
            ["-u", "nobody", "--", CIBToolHarness.ours("cibadmin"), "-M", "-X", #"<node id="1" uname="z"/>"#],
            environment: ["CIB_file": path])
        #expect(run.status == 66)
        #expect(run.error.contains(path) && run.error.contains("Permission denied"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == Self.cib)
    }

    @Test func writeFailureLeavesTheCIBUnchanged() throws {
        // A file-size limit makes every write past 1 KiB fail (EFBIG), as a full disk would.
        let directory = try CIBToolHarness.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("cib.xml").path
        let padded = Self.cib.replacingOccurrences(
            of: "<resources/>", with: "<resources>" + String(repeating: "\n", count: 1) + "</resources>"
        )
        .replacingOccurrences(
            of: "<crm_config/>",
            with: "<crm_config><cluster_property_set id=\"p\">"
                + (0..<20).map {
                    "<nvpair id=\"n\($0)\" name=\"n\($0)\" value=\"\(String(repeating: "v", count: 40))\"/>"
                }.joined()
                + "</cluster_property_set></crm_config>")
        try padded.write(toFile: path, atomically: true, encoding: .utf8)
        let run = try CIBToolHarness.run(
            "/bin/bash",
            [
                "-c", "ulimit -f 1; trap '' XFSZ; exec \"$0\" -M -X '<node id=\"1\" uname=\"z\"/>'",
                CIBToolHarness.ours("cibadmin"),
            ],
            environment: ["CIB_file": path])
        #expect(run.status == 73)
        #expect(run.error.contains(path) && run.error.contains("unchanged"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == padded)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(leftovers == ["cib.xml"])
    }

    @Test func fullDiskLeavesTheCIBUnchanged() throws {
        let directory = try CIBToolHarness.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let mount = try CIBToolHarness.run("/bin/mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", directory.path])
        guard mount.status == 0 else {
            print("fullDiskLeavesTheCIBUnchanged skipped: cannot mount a small tmpfs here (\(mount.error))")
            return
        }
        defer { _ = try? CIBToolHarness.run("/bin/umount", [directory.path]) }
        let path = directory.appendingPathComponent("cib.xml").path
        let nvpairs = (0..<40).map {
            "<nvpair id=\"n\($0)\" name=\"n\($0)\" value=\"\(String(repeating: "v", count: 100))\"/>"
        }
        let large = Self.cib.replacingOccurrences(
            of: "<crm_config/>",
            with: "<crm_config><cluster_property_set id=\"p\">\(nvpairs.joined())</cluster_property_set></crm_config>")
        try large.write(toFile: path, atomically: false, encoding: .utf8)
        // fill the rest of the file system
        let filler = directory.appendingPathComponent("filler").path
        _ = try CIBToolHarness.run("/bin/dd", ["if=/dev/zero", "of=\(filler)", "bs=1k", "count=64"])
        let run = try CIBToolHarness.run(
            CIBToolHarness.ours("cibadmin"), ["-M", "-X", #"<node id="1" uname="z"/>"#], environment: ["CIB_file": path]
        )
        #expect(run.status == 73)
        #expect(run.error.contains("No space left on device"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == large)
    }
}

import Foundation
import Testing

/// lrmd and lrmadmin run as real processes: lrmadmin's commands, output and exit codes, lrmd's shutdown.
@Suite(.serialized) struct LRMAdminTests {
    static let agents: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("agents").path
    }()

    /// Starts lrmd in a fresh run directory, runs `body`, then stops lrmd with SIGTERM and checks it exited 0.
    func withDaemon(_ body: (String) throws -> Void) throws {
        let scratch = try ScratchDirectory()
        let runDirectory = try scratch.write("placeholder", "") + ".run"
        let daemon = Process()
        daemon.executableURL = ToolProcess.buildDirectory.appendingPathComponent("lrmd")
        daemon.arguments = ["--run-dir", runDirectory, "--log-level", "error"]
        daemon.environment = [
            "OCF_RA_PATH": "\(Self.agents)/ocf", "HA_FENCE_AGENT_PATH": "\(Self.agents)/fence", "PATH": "/usr/bin:/bin",
        ]
        try daemon.run()
        defer { if daemon.isRunning { daemon.terminate() } }
        let socket = "\(runDirectory)/lrmd.sock"
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) { usleep(50_000) }
        try body(runDirectory)
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: socket))
    }

    func admin(_ runDirectory: String, _ arguments: [String]) throws -> ToolProcess {
        try ToolProcess.ours("lrmadmin", arguments + ["--run-dir", runDirectory])
    }

    @Test func commandsAndExitCodes() throws {
        try withDaemon { run in
            #expect(try admin(run, ["classes"]).standardOutput == "ocf\nlsb\nstonith\n")
            #expect(try admin(run, ["providers"]).standardOutput == "linux-ha\n")
            #expect(try admin(run, ["agents", "ocf:linux-ha"]).standardOutput == "Dummy\nStateful\n")
            #expect(try admin(run, ["agents", "stonith"]).standardOutput == "fence_ha_test\n")
            #expect(
                try admin(run, ["metadata", "ocf:linux-ha:Dummy"]).standardOutput.contains(
                    "<resource-agent name=\"Dummy\""))
            #expect(try admin(run, ["add", "d1", "ocf:linux-ha:Dummy", "--param", "state=\(run)/d1"]).status == 0)
            let codes = try ["monitor", "start", "monitor", "stop", "monitor"].map {
                try admin(run, ["exec", "d1", $0]).status
            }
            #expect(codes == [7, 0, 0, 0, 7])
            let history = try admin(run, ["history", "d1"])
            #expect(history.standardOutput.contains("d1_start_0 call=2 rc=0 (ok) status=Done"))
            let xml = try admin(run, ["history", "--output-as", "xml"])
            #expect(
                xml.standardOutput.contains(
                    #"<operation key="d1_monitor_0" resource="d1" action="monitor" interval="0" call-id="5" rc-code="7""#
                ))
            #expect(try admin(run, ["list"]).standardOutput == "d1\tocf:linux-ha:Dummy\n")
            let cancel = try admin(run, ["cancel", "d1", "monitor", "--interval", "5000"])
            #expect(cancel.status == 1)
            #expect(cancel.standardError.contains("no operation d1_monitor_5000 exists"))
            #expect(try admin(run, ["add", "nx", "ocf:linux-ha:NoSuch"]).status == 0)
            let missing = try admin(run, ["exec", "nx", "start"])
            #expect(missing.status == 5)
            #expect(missing.standardError.contains("Not installed"))
            #expect(
                try admin(
                    run, ["add", "slow", "ocf:linux-ha:Dummy", "--param", "op_sleep=30", "--param", "state=\(run)/s"]
                ).status == 0)
            let slow = try admin(run, ["exec", "slow", "start", "--timeout", "300"])
            #expect(slow.status == 1)
            #expect(slow.standardError.contains("Timed out"))
            #expect(try admin(run, ["remove", "d1"]).status == 0)
            #expect(try admin(run, ["exec", "d1", "start"]).status == 1)
            #expect(try admin(run, ["add", "x", "ocf:Dummy"]).status == 64)
        }
    }

    @Test func recurringExecCancelFenceAndLSBResources() throws {
        try withDaemon { run in
            #expect(try admin(run, ["add", "d2", "ocf:linux-ha:Dummy", "--param", "state=\(run)/d2"]).status == 0)
            #expect(try admin(run, ["exec", "d2", "start"]).status == 0)
            #expect(try admin(run, ["exec", "d2", "monitor", "--interval", "1000"]).status == 0)
            #expect(try admin(run, ["cancel", "d2", "monitor", "--interval", "1000"]).status == 0)
            #expect(try admin(run, ["cancel", "d2", "monitor", "--interval", "1000"]).status == 1)  // gone now
            let record = "\(run)/fenced"
            let fence = ["add", "f1", "stonith:fence_ha_test", "--param", "record_file=\(record)"]
            #expect(try admin(run, fence).status == 0)
            #expect(try admin(run, ["exec", "f1", "start"]).status == 0)
            #expect(try admin(run, ["exec", "f1", "off", "--param", "port=node2"]).status == 0)
            #expect(try String(contentsOfFile: record, encoding: .utf8).contains("off node2"))
            #expect(try admin(run, ["list"]).standardOutput.contains("f1\tstonith:fence_ha_test\n"))
            #expect(try admin(run, ["add", "l1", "lsb:ha-test-no-such-script"]).status == 0)
            let missing = try admin(run, ["exec", "l1", "monitor"])
            #expect(missing.status == 5)
            #expect(missing.standardError.contains("Not installed"))
        }
    }

    @Test func unreachableDaemonIsExit102() throws {
        let result = try ToolProcess.ours("lrmadmin", ["classes", "--run-dir", "/nonexistent/run"])
        #expect(result.status == 102)
    }
}

import Testing

@testable import ResourceAgents

/// An LSB init script written by the test: monitor runs `status`, whose 3 means "not running".
@Suite(.tags(.integration))
struct LSBAgentTests {
    @Test func lsbScriptLifecycleWithStatusMapping() async throws {
        let directory = TestSupport.temporaryDirectory("lrm-lsb")
        defer { TestSupport.removeTree(directory) }
        TestSupport.writeFile(
            "\(directory)/lsbdummy",
            """
            #!/bin/sh
            ### BEGIN INIT INFO
            # Provides:          lsbdummy
            # Short-Description: LSB test service
            ### END INIT INFO
            state=\(directory)/lsbdummy.running
            case "$1" in
                start) touch $state; exit 0 ;;
                stop) rm -f $state; exit 0 ;;
                status) [ -f $state ] && exit 0; exit 3 ;;
                broken) exit 150 ;;
                *) exit 3 ;;
            esac

            """)
        let supervisor = try ProcessSupervisor()
        defer { supervisor.shutdown() }
        let runner = AgentRunner(
            locator: AgentLocator(ocfDirectories: [], lsbDirectory: directory), supervisor: supervisor)
        let agent = try AgentIdentifier(parsing: "lsb:lsbdummy")
        var codes: [OCFExitCode] = []
        for action in ["monitor", "start", "monitor", "stop", "status", "broken"] {
            codes.append(await runner.run(AgentInvocation(resource: "l1", agent: agent, action: action)).exitCode)
        }
        #expect(codes == [.notRunning, .success, .success, .success, .notRunning, .genericError])
        #expect(runner.locator.agents(of: .lsb) == ["lsbdummy"])
        let metadata = await MetadataFetcher.metadata(of: agent, runner: runner)
        #expect(try AgentMetadata(parsing: metadata.get()).shortDescription == "LSB test service")
    }

    @Test func peerPolicyAllowsRootOwnUserAndGroup() {
        let policy = PeerPolicy(allowedUsers: [0, 1000], allowedGroup: 115)
        #expect(policy.allows(PeerCredentials(pid: 1, uid: 0, gid: 0)))
        #expect(policy.allows(PeerCredentials(pid: 1, uid: 1000, gid: 1000)))
        #expect(policy.allows(PeerCredentials(pid: 1, uid: 2000, gid: 115)))
        #expect(!policy.allows(PeerCredentials(pid: 1, uid: 2000, gid: 2000)))
        #expect(!PeerPolicy(allowedUsers: [], allowedGroup: nil).allows(PeerCredentials(pid: 1, uid: 0, gid: 0)))
    }
}

import NIOCore
import Testing

@testable import ResourceAgents

@Suite struct CoreTypesTests {
    @Test(arguments: [(0, 0), (7, 7), (9, 9), (190, 190), (191, 191), (10, 1), (127, 1), (255, 1), (-1, 1)])
    func ocfExitCodesAreNormalisedAsPacemakerDoes(raw: Int32, expected: Int32) {
        #expect(AgentOutcome.exitCode(raw, standard: .ocf, action: "monitor").rawValue == expected)
    }

    @Test(arguments: [(0, 0), (1, 7), (2, 7), (3, 7), (4, 1), (150, 5), (151, 4)])
    func lsbStatusCodesAreTranslated(raw: Int32, expected: Int32) {
        #expect(AgentOutcome.exitCode(raw, standard: .lsb, action: "monitor").rawValue == expected)
    }

    @Test func lsbOtherActionsPassZeroToSevenThrough() {
        #expect(AgentOutcome.exitCode(6, standard: .lsb, action: "start") == .notConfigured)
        #expect(AgentOutcome.exitCode(8, standard: .lsb, action: "start") == .genericError)
    }

    @Test func exitReasonIsTheLastPrefixedLine() {
        let stderr = "noise\nocf-exit-reason:first\nmore\nINFO: ocf-exit-reason:second one  \n"
        #expect(AgentOutcome.exitReason(in: stderr) == "second one")
        #expect(AgentOutcome.exitReason(in: "nothing here") == nil)
    }

    @Test func agentIdentifiersParseAndRefuseBadForms() throws {
        #expect(try AgentIdentifier(parsing: "ocf:heartbeat:Dummy").description == "ocf:heartbeat:Dummy")
        #expect(try AgentIdentifier(parsing: "lsb:ssh").provider == nil)
        #expect(throws: AgentIdentifierError.missingProvider("Dummy")) { try AgentIdentifier(parsing: "ocf:Dummy") }
        #expect(throws: AgentIdentifierError.unknownStandard("upstart")) { try AgentIdentifier(parsing: "upstart:x") }
        #expect(throws: AgentIdentifierError.unsafeName("..")) { try AgentIdentifier(parsing: "ocf:..:x") }
        #expect(throws: (any Error).self) { try AgentIdentifier(parsing: "stonith:p:fence_x") }
    }

    @Test func operationKeyUsesMilliseconds() {
        #expect(
            OperationKey(resource: "d1", action: "monitor", interval: .seconds(10)).description == "d1_monitor_10000")
    }

    @Test func ocfEnvironmentCarriesTheContract() throws {
        let invocation = AgentInvocation(
            resource: "d1", agent: try AgentIdentifier(parsing: "ocf:heartbeat:Dummy"), action: "monitor",
            parameters: ["state": "/tmp/x y", "CRM_meta_on_node": "n1", "OCF_CHECK_LEVEL": "10", "bad=name": "v"],
            timeout: .seconds(20), interval: .seconds(10))
        let command = invocation.command(path: "/a/Dummy", settings: AgentEnvironmentSettings())
        let environment = Dictionary(uniqueKeysWithValues: command.environment)
        #expect(command.arguments == ["/a/Dummy", "monitor"])
        #expect(environment["OCF_ROOT"] == "/usr/lib/ocf")
        #expect(environment["OCF_RESOURCE_INSTANCE"] == "d1")
        #expect(environment["OCF_RESOURCE_TYPE"] == "Dummy")
        #expect(environment["OCF_RESOURCE_PROVIDER"] == "heartbeat")
        #expect(environment["OCF_RA_VERSION_MAJOR"] == "1")
        #expect(environment["OCF_RA_VERSION_MINOR"] == "1")
        #expect(environment["OCF_EXIT_REASON_PREFIX"] == "ocf-exit-reason:")
        #expect(environment["OCF_RESKEY_state"] == "/tmp/x y")
        #expect(environment["OCF_RESKEY_CRM_meta_on_node"] == "n1")
        #expect(environment["OCF_RESKEY_CRM_meta_timeout"] == "20000")
        #expect(environment["OCF_RESKEY_CRM_meta_interval"] == "10000")
        #expect(environment["OCF_CHECK_LEVEL"] == "10")
        #expect(!environment.keys.contains { $0.contains("bad") })
        #expect(command.environment.map(\.0) == command.environment.map(\.0).sorted())
    }

    @Test func fenceAgentsGetParametersOnStandardInput() throws {
        let invocation = AgentInvocation(
            resource: "f1", agent: try AgentIdentifier(parsing: "stonith:fence_ha_test"), action: "start",
            parameters: ["port": "n2", "CRM_meta_timeout": "1000"])
        let command = invocation.command(path: "/x/fence_ha_test", settings: AgentEnvironmentSettings())
        #expect(command.arguments == ["/x/fence_ha_test"])
        #expect(command.standardInput == "action=monitor\nport=n2\n")
        let stop = AgentInvocation(resource: "f1", agent: invocation.agent, action: "stop")
        #expect(stop.programAction == nil)
    }

    @Test func lsbMonitorRunsStatus() throws {
        let invocation = AgentInvocation(
            resource: "s", agent: try AgentIdentifier(parsing: "lsb:ssh"), action: "monitor")
        #expect(
            invocation.command(path: "/etc/init.d/ssh", settings: .init()).arguments == ["/etc/init.d/ssh", "status"])
    }

    @Test(arguments: [
        ("20s", Duration.seconds(20)), ("500ms", .milliseconds(500)), ("2min", .seconds(120)), ("1h", .seconds(3600)),
        ("15", .seconds(15)),
    ])
    func durationsParseInPacemakerSyntax(text: String, expected: Duration) {
        #expect(AgentMetadata.parseDuration(text) == expected)
    }

    @Test func badDurationIsNil() {
        #expect(AgentMetadata.parseDuration("soon") == nil)
        #expect(AgentMetadata.parseDuration("10 parsecs") == nil)
    }
}

@Suite struct WireProtocolTests {
    func roundTrip(_ message: LRMDMessage) throws -> LRMDMessage? {
        var buffer = ByteBuffer()
        message.write(into: &buffer)
        return try LRMDMessage.read(from: &buffer)
    }

    @Test func everyMessageRoundTrips() throws {
        let agent = try AgentIdentifier(parsing: "ocf:heartbeat:Dummy")
        let key = OperationKey(resource: "d1", action: "monitor", interval: .seconds(10))
        let result = OperationResult(
            key: key, callID: CallID(4), exitCode: .unknown(42), status: .timedOut, exitReason: "multi\nline \\ text",
            output: "out=put\n", startedAt: .milliseconds(1500), queueTime: .microseconds(7), executionTime: .seconds(2)
        )
        let messages: [LRMDMessage] = [
            .request(id: 1, .register(ResourceDefinition(id: "d1", agent: agent, parameters: ["a": "1=2", "b": ""]))),
            .request(
                id: 2,
                .execute(
                    OperationRequest(
                        key: key, timeout: .seconds(5), startDelay: .seconds(1),
                        parameters: ["CRM_meta_x": "y"], notifiesChangesOnly: true, notifiesOriginOnly: true))),
            .request(id: 3, .cancel(key)), .request(id: 4, .history(resource: nil)),
            .request(id: 5, .listAgents(.ocf, provider: "heartbeat")), .request(id: 6, .metadata(agent)),
            .request(id: 7, .unregister(resource: "d1")), .request(id: 8, .subscribe),
            .response(id: 9, .accepted(CallID(12))), .response(id: 10, .failure("no")),
            .response(id: 11, .results([result, result])), .response(id: 12, .names(["a", "b"])),
            .response(id: 13, .metadata("<resource-agent/>\n")), .result(result),
        ]
        for message in messages { #expect(try roundTrip(message) == message) }
    }

    @Test func partialFrameNeedsMoreData() throws {
        var buffer = ByteBuffer()
        LRMDMessage.request(id: 1, .subscribe).write(into: &buffer)
        var partial = buffer.getSlice(at: 0, length: buffer.readableBytes - 1)!
        #expect(try LRMDMessage.read(from: &partial) == nil)
    }

    @Test func badFramesAreTypedErrors() {
        var huge = ByteBuffer()
        huge.writeInteger(UInt32.max)
        #expect(throws: LRMDProtocolError.frameTooLarge(Int(UInt32.max))) { try LRMDMessage.read(from: &huge) }
        for body in ["type=request\nid=1\nrequest=bogus\n", "nonsense\n", "type=request\nid=x\n", "type=what\n"] {
            var buffer = ByteBuffer()
            buffer.writeInteger(UInt32(body.utf8.count))
            buffer.writeString(body)
            #expect(throws: LRMDProtocolError.self) { try LRMDMessage.read(from: &buffer) }
        }
    }
}

import Testing

@testable import ResourceAgents

@Suite struct AgentMetadataTests {
    @Test func ocf10WithDoctypeParses() throws {
        let text = """
            <?xml version="1.0"?>
            <!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
            <resource-agent name="Dummy" version="1.0">
            <version>1.0</version>
            <longdesc lang="en">Long</longdesc><shortdesc lang="en">Short</shortdesc>
            <parameters>
            <parameter name="state" unique="1" required="0"><shortdesc lang="en">State file</shortdesc>
            <content type="string" default="/tmp/x"/></parameter>
            </parameters>
            <actions><action name="start" timeout="20s"/><action name="monitor" timeout="20" interval="10s" depth="0"/>
            </actions></resource-agent>
            """
        let metadata = try AgentMetadata(parsing: text)
        #expect(metadata.name == "Dummy")
        #expect(metadata.ocfVersion == "1.0")
        #expect(metadata.parameters.first?.isUnique == true)
        #expect(metadata.parameters.first?.defaultValue == "/tmp/x")
        #expect(metadata.timeout(for: "monitor") == .seconds(20))
        #expect(metadata.actions.last?.interval == .seconds(10))
        #expect(!metadata.isPromotable)
    }

    @Test func ocf11AttributesAreUnderstoodAndUnknownOnesIgnored() throws {
        let text = """
            <resource-agent name="Stateful" version="1.1"><version>1.1</version>
            <parameters><parameter name="p" unique-group="g" reloadable="1" required="true" odd="x">
            <deprecated><replaced-with name="q"/></deprecated><content type="integer"/></parameter>
            <parameter><content/></parameter></parameters>
            <actions><action name="promote" timeout="10s"/><action name="demote" timeout="bogus"/>
            <action name="monitor" role="Promoted" interval="10s"/><extra/></actions></resource-agent>
            """
        let metadata = try AgentMetadata(parsing: text)
        let parameter = try #require(metadata.parameters.first)
        #expect(metadata.parameters.count == 1)
        #expect(parameter.isUnique && parameter.isReloadable && parameter.isRequired && parameter.isDeprecated)
        #expect(metadata.isPromotable)
        #expect(metadata.timeout(for: "demote") == nil)
        #expect(metadata.actions.last?.role == "Promoted")
    }

    @Test func malformedOrForeignXMLFails() {
        #expect(throws: AgentMetadataError.self) { try AgentMetadata(parsing: "<resource-agent") }
        #expect(throws: AgentMetadataError.unexpectedRoot("html")) { try AgentMetadata(parsing: "<html/>") }
    }

    @Test func lsbMetadataIsSynthesisedFromTheInitInfoHeader() throws {
        let script = """
            #!/bin/sh
            ### BEGIN INIT INFO
            # Provides:          ssh
            # Short-Description: OpenBSD Secure Shell server
            # Description:       Runs <sshd> & friends
            ### END INIT INFO
            """
        let metadata = try AgentMetadata(parsing: LSBMetadata.synthesize(name: "ssh", script: script))
        #expect(metadata.shortDescription == "OpenBSD Secure Shell server")
        #expect(metadata.longDescription == "Runs <sshd> & friends")
        #expect(metadata.supports("status"))
    }
}

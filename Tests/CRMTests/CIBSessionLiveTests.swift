import CRM
import Foundation
import Testing
import XML

/// A CIB served over a real crmd socket by an in-process `CRMDSocketServer`, standing in for the DC: it
/// applies updates at once and can pretend to have lost quorum.
final class ServedCIB: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var document: CIBDocument
    private var isQuorate = true
    private var interruptions = 0
    private(set) var updates: [String] = []

    /// The next `count` updates are applied but answered `interrupted`, as when a view changes just after.
    func interruptNext(_ count: Int) { lock.withLock { interruptions = count } }

    init(_ document: CIBDocument) { self.document = document }

    func setQuorate(_ value: Bool) { lock.withLock { isQuorate = value } }

    func answer(_ request: CRMDRequest, peer: CRMDPeer) -> CRMDResponse {
        lock.withLock {
            switch request {
            case .ping:
                return .pong(node: "node1", dc: "node1", isQuorate: isQuorate, view: 1)
            case .query(let target, let user):
                do {
                    return .elements(try document.query(target, user: user).map { $0.serialized() })
                } catch let error as CIBError {
                    return .failure(exitCode: Int(error.exitCode.rawValue), message: error.description)
                } catch {
                    return .failure(exitCode: 1, message: "\(error)")
                }
            case .update(let body):
                updates.append(body)
                guard isQuorate else { return .outcome(.noQuorum) }
                do {
                    let (request, user) = try CIBUpdateBody.decode(body)
                    let result = try document.apply(request, user: user)
                    if interruptions > 0 {
                        interruptions -= 1
                        return .outcome(.interrupted)
                    }
                    return .outcome(result.isChanged ? .committed(result.after) : .unchanged(result.after))
                } catch let error as CIBError {
                    return .outcome(.rejected(exitCode: Int(error.exitCode.rawValue), message: error.description))
                } catch {
                    return .outcome(.rejected(exitCode: 1, message: "\(error)"))
                }
            }
        }
    }
}

@Suite("CIBSession on the live cluster (crmd socket)", .serialized)
struct CIBSessionLiveTests {
    func withServer(_ body: (ServedCIB, [String: String]) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crmd-sock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let served = ServedCIB(try CIBFixtures.document())
        let server = try await CRMDSocketServer.start(
            path: directory.path + "/crmd.sock", handle: { request, peer, reply in reply(served.answer(request, peer: peer)) },
            log: { _ in })
        do {
            try await body(served, ["HA_RUN_DIR": directory.path])
        } catch {
            await server.close()
            throw error
        }
        await server.close()
    }

    @Test func queriesAndUpdatesGoThroughTheSocket() async throws {
        try await withServer { served, environment in
            let session = try CIBSession(environment: environment)
            #expect(session.location == .live)
            #expect(session.document.version == CIBVersion(adminEpoch: 0, epoch: 5, numUpdates: 3))
            let resources = try session.query(.scope(.resources))
            #expect(resources.count == 1 && resources[0].name == "resources")
            #expect(try session.query(.xpath("//primitive")).map { $0[attribute: "id"] } == ["d1"])
            #expect(throws: CIBError.self) { try session.query(.xpath("//nothing[@id='x']")) }

            let element = try XMLDocument.parse(
                "<primitive id=\"d2\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/>", source: "test")
            let result = try session.apply(.create(.scope(.resources), element.root))
            #expect(result.isChanged && result.isConfigurationChanged)
            #expect(result.after == CIBVersion(adminEpoch: 0, epoch: 6, numUpdates: 0))
            #expect(session.document.version == result.after, "the session shows the CIB after the update")
            #expect(try session.query(.xpath("//primitive")).count == 2)
            // The trial run refuses with the file session's error before anything is sent.
            let sent = served.updates.count
            #expect {
                try session.apply(.create(.scope(.resources), element.root))
            } throws: { error in
                guard case .cib(.alreadyExists) = error as? CIBSessionError else { return false }
                return true
            }
            #expect(served.updates.count == sent)
            served.setQuorate(false)
            let third = try XMLDocument.parse(
                "<primitive id=\"d3\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/>", source: "test")
            #expect {
                try session.apply(.create(.scope(.resources), third.root))
            } throws: { error in
                (error as? CIBSessionError)?.exitCode == .quorum
            }
        }
    }

    @Test func interruptedEditsThatAreSafeToRepeatAreSentAgain() async throws {
        try await withServer { served, environment in
            let session = try CIBSession(environment: environment)
            let modify = try XMLDocument.parse("<primitive id=\"d1\" description=\"x\"/>", source: "test")
            served.interruptNext(1)
            let result = try session.apply(.modify(.xpath("//primitive[@id='d1']"), modify.root, allowCreate: false))
            #expect(served.updates.count == 2, "sent again")
            #expect(result.after == session.document.version)
            #expect(try session.query(.xpath("//primitive[@id='d1']"))[0][attribute: "description"] == "x")

            served.interruptNext(1)
            _ = try session.apply(.delete(.xpath("//rsc_location[@id='loc1']"), nil, allMatches: false))
            #expect(served.updates.count == 3, "the refreshed copy shows the delete went through: not sent again")

            let create = try XMLDocument.parse(
                "<primitive id=\"d9\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/>", source: "test")
            served.interruptNext(1)
            #expect {
                try session.apply(.create(.scope(.resources), create.root))
            } throws: { error in
                (error as? CIBSessionError)?.exitCode == .timeout
            }
            #expect(served.updates.count == 4, "a create is not repeated")
        }
    }

    @Test func withoutACrmdToolsGetPacemakersDisconnect() throws {
        let environment = ["HA_RUN_DIR": "/nonexistent-\(UUID().uuidString)"]
        #expect {
            _ = try CIBSession(environment: environment)
        } throws: { error in
            guard let error = error as? CIBStoreError else { return false }
            return error == .noLiveCluster && error.exitCode == .disconnect
                && error.description == "Transport endpoint is not connected"
        }
    }
}

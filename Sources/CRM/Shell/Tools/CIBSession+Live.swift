import Glibc
import XML

/// The live backend of `CIBSession`: the local crmd's socket (`CRMDClient`).
extension CIBSession {
    static func connect(_ environment: [String: String]) throws(CIBStoreError) -> CRMDClient {
        do {
            return try CRMDClient(path: CRMDClient.socketPath(environment: environment))
        } catch {
            throw .noLiveCluster
        }
    }

    /// The whole CIB as the crmd shows it to `user`.
    static func fetch(from crmd: CRMDClient, user: String?) throws(CIBStoreError) -> CIBDocument {
        let response: CRMDResponse
        do {
            response = try crmd.request(.query(.whole, user: user))
        } catch {
            throw .unreadable(path: crmd.path, reason: error.description)
        }
        switch response {
        case .elements(let elements) where elements.count == 1:
            do {
                return try CIBDocument.parse(Array(elements[0].utf8), source: crmd.path)
            } catch {
                throw .corrupt(path: crmd.path, reason: "\(error)", newestValidBackup: nil)
            }
        case .failure(_, let message):
            throw .unreadable(path: crmd.path, reason: message)
        default:
            throw .unreadable(path: crmd.path, reason: "unexpected answer to a CIB query")
        }
    }

    func liveQuery(_ target: CIBTarget, _ crmd: CRMDClient) throws(CIBError) -> [XMLElement] {
        let response: CRMDResponse
        do {
            response = try crmd.request(.query(target, user: requestedUser))
        } catch {
            throw .invalidRequest("Could not connect to the CIB: \(error)")
        }
        switch response {
        case .elements(let elements):
            var result: [XMLElement] = []
            for text in elements {
                do {
                    result.append(try XMLDocument.parse(text, source: crmd.path).root)
                } catch {
                    throw .invalidXML(error)
                }
            }
            return result
        case .failure(let code, let message):
            if code == Int(CRMExitCode.noSuchObject.rawValue) { throw .noSuchObject(message) }
            if code == Int(CRMExitCode.insufficientPrivileges.rawValue) {
                throw .permissionDenied(user: user, reason: message)
            }
            throw .invalidRequest(message)
        default:
            throw .invalidRequest("unexpected answer to a CIB query")
        }
    }

    /// The running tool's name (`cibadmin`), which the DC records as the CIB's `update-client`.
    static var clientName: String? {
        guard let path = CommandLine.arguments.first, let name = path.split(separator: "/").last else { return nil }
        return String(name)
    }

    func liveApply(_ request: CIBRequest, _ crmd: CRMDClient) throws(CIBSessionError) -> CIBUpdateResult {
        let body: String
        do {
            body = try CIBUpdateBody.encode(request, user: requestedUser, client: Self.clientName)
        } catch {
            throw .cib(error)
        }
        // A trial run on this copy gives the same refusals, with the same messages, as a file session; the DC
        // decides for real on the whole CIB.
        try trialRun(request)
        let before = document.version
        var after: CIBVersion?
        for attempt in 0...Self.interruptedRetries {
            let response: CRMDResponse
            do {
                response = try crmd.request(.update(body: body))
            } catch {
                throw .cluster(.disconnect, "Could not connect to the CIB: \(error)")
            }
            switch response {
            case .outcome(.committed(let version)), .outcome(.appliedWithoutQuorum(let version)):
                after = version
            case .outcome(.unchanged):
                // Unchanged after an interrupted attempt: that attempt went through.
                guard attempt > 0 else {
                    return CIBUpdateResult(before: before, after: before, isChanged: false, isConfigurationChanged: false)
                }
            case .outcome(.rejected(let code, let message)):
                throw .cluster(CRMExitCode(rawValue: Int32(code)) ?? .error, message)
            case .outcome(.noQuorum):
                throw .cluster(.quorum, "Operation requires quorum: the partition has no quorum")
            case .outcome(.interrupted):
                // The cluster changed (a node came or went) while the update was in flight: it may or may not
                // have been applied. An edit that is safe to repeat is sent again once the new DC is there.
                guard attempt < Self.interruptedRetries, Self.isSafeToRepeat(request) else {
                    throw .cluster(.timeout, "Timer expired: the cluster changed while the update was in flight")
                }
                usleep(UInt32(100_000 << attempt))
                try refresh(crmd)
                if case .delete = request, Self.isGone(request, in: self) {
                    // The first attempt went through: what it deletes is gone.
                    let version = document.version
                    return CIBUpdateResult(
                        before: before, after: version, isChanged: true,
                        isConfigurationChanged: (version.adminEpoch, version.epoch) != (before.adminEpoch, before.epoch))
                }
                continue
            case .failure(let code, let message):
                throw .cluster(CRMExitCode(rawValue: Int32(code)) ?? .error, message)
            default:
                throw .cluster(.protocolViolation, "unexpected answer to a CIB update")
            }
            break
        }
        try refresh(crmd)
        let version = after ?? document.version
        return CIBUpdateResult(
            before: before, after: version, isChanged: true,
            isConfigurationChanged: (version.adminEpoch, version.epoch) != (before.adminEpoch, before.epoch))
    }

    /// How often an interrupted update is sent again.
    static let interruptedRetries = 3

    /// Edits whose second application changes nothing more than the first: modify, replace, delete, erase.
    static func isSafeToRepeat(_ request: CIBRequest) -> Bool {
        switch request {
        case .modify, .replace, .delete, .erase: true
        case .query, .create, .bump, .applyPatch: false
        }
    }

    /// Whether a delete now finds nothing to delete.
    static func isGone(_ request: CIBRequest, in session: CIBSession) -> Bool {
        do {
            return try !session.trialRun(request).isChanged
        } catch .cib(.noSuchObject) {
            return true
        } catch {
            return false
        }
    }

    @discardableResult
    private func trialRun(_ request: CIBRequest) throws(CIBSessionError) -> CIBUpdateResult {
        do {
            var trial = try CIBDocument(document.xml.copy(), validator: document.validator)
            return try trial.apply(request, user: user, groups: groups)
        } catch {
            throw .cib(error)
        }
    }

    /// Fetches the CIB again, keeping the validator.
    private func refresh(_ crmd: CRMDClient) throws(CIBSessionError) {
        do {
            let validator = document.validator
            document = try Self.fetch(from: crmd, user: requestedUser)
            document.validator = validator
        } catch {
            throw .store(error)
        }
    }
}

extension CIBSession {
    /// The name of the node whose crmd this live session talks to (nil for files, or when it does not say).
    public func localNodeName() -> String? {
        guard let crmd, case .pong(let node, _, _, _) = try? crmd.request(.ping) else { return nil }
        return node
    }
}

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

    func liveApply(_ request: CIBRequest, _ crmd: CRMDClient) throws(CIBSessionError) -> CIBUpdateResult {
        let body: String
        do {
            body = try CIBUpdateBody.encode(request, user: requestedUser)
        } catch {
            throw .cib(error)
        }
        // A trial run on this copy gives the same refusals, with the same messages, as a file session; the DC
        // decides for real on the whole CIB.
        do {
            var trial = try CIBDocument(document.xml.copy(), validator: document.validator)
            _ = try trial.apply(request, user: user, groups: groups)
        } catch {
            throw .cib(error)
        }
        let before = document.version
        let response: CRMDResponse
        do {
            response = try crmd.request(.update(body: body))
        } catch {
            throw .cluster(.disconnect, "Could not connect to the CIB: \(error)")
        }
        let after: CIBVersion
        switch response {
        case .outcome(.committed(let version)), .outcome(.appliedWithoutQuorum(let version)):
            after = version
        case .outcome(.unchanged):
            return CIBUpdateResult(before: before, after: before, isChanged: false, isConfigurationChanged: false)
        case .outcome(.rejected(let code, let message)):
            throw .cluster(CRMExitCode(rawValue: Int32(code)) ?? .error, message)
        case .outcome(.noQuorum):
            throw .cluster(.quorum, "Operation requires quorum: the partition has no quorum")
        case .outcome(.interrupted):
            throw .cluster(.timeout, "Timer expired: the cluster changed while the update was in flight")
        case .failure(let code, let message):
            throw .cluster(CRMExitCode(rawValue: Int32(code)) ?? .error, message)
        default:
            throw .cluster(.protocolViolation, "unexpected answer to a CIB update")
        }
        do {
            let validator = document.validator
            document = try Self.fetch(from: crmd, user: requestedUser)
            document.validator = validator
        } catch {
            throw .store(error)
        }
        return CIBUpdateResult(
            before: before, after: after, isChanged: true,
            isConfigurationChanged: (after.adminEpoch, after.epoch) != (before.adminEpoch, before.epoch))
    }
}

extension CIBSession {
    /// The name of the node whose crmd this live session talks to (nil for files, or when it does not say).
    public func localNodeName() -> String? {
        guard let crmd, case .pong(let node, _, _, _) = try? crmd.request(.ping) else { return nil }
        return node
    }
}

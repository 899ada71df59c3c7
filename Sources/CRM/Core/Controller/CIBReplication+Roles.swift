import Membership
import Messaging

extension CIBReplication {
    /// Just elected: bring every member in line with this copy, which is the best in the partition.
    mutating func becomeDC(votes: [NodeID: ElectionVote]) -> [Directive] {
        disk.startHistory()
        if let version = disk.durableVersion { book.recordDurable(node, version) }
        let mine = (lineage, document.version)
        let lagging = votes.contains { $0.key != node && ($0.value.lineage, $0.value.version) != mine }
        return [.broadcast(welcomeMessage(includingSnapshot: lagging))]
    }

    /// The welcome for the current view, with the whole CIB when someone needs it.
    func welcomeMessage(includingSnapshot: Bool) -> ControllerMessage {
        .welcome(
            view: view?.id ?? ViewID(0), lineage: lineage, version: document.version,
            snapshot: includingSnapshot ? document.snapshot() : nil)
    }

    /// A member takes the DC's copy when its own differs, then reports what it holds on disk.
    mutating func welcome(lineage dcLineage: CIBLineage, version: CIBVersion, snapshot: String?) -> [Directive] {
        guard case .member(let dc, _) = role, let viewID = view?.id else { return [] }
        var directives: [Directive] = []
        if (lineage, document.version) != (dcLineage, version) {
            guard let snapshot else {
                // The DC thought we matched; only a stale welcome can say so. Ask for the whole CIB.
                return [.broadcast(.syncRequested(view: viewID))]
            }
            do {
                document = try Document(snapshot: snapshot)
            } catch {
                return [.replicaFault("the DC's CIB does not load: \(error)"), .broadcast(.syncRequested(view: viewID))]
            }
            lineage = dcLineage
            directives += [persistCurrent(), .documentChanged(document.version, update: nil)]
        }
        role = .member(dc: dc, isWelcomed: true)
        disk.startHistory()
        if let durable = disk.durableVersion { directives.append(.broadcast(.durable(view: viewID, version: durable))) }
        return directives
    }

    /// A member applies one of the DC's patches; on any mismatch it asks for the whole CIB.
    mutating func applyPatch(
        _ patch: String, update: UpdateID, from: CIBVersion, to: CIBVersion, lineage patchLineage: CIBLineage
    ) -> [Directive]
    {
        guard case .member(let dc, _) = role, let viewID = view?.id else { return [] }
        do {
            guard document.version == from else {
                throw CIBError.patchVersionMismatch(expected: from, actual: document.version)
            }
            try document.apply(patch: patch)
            guard document.version == to else {
                throw CIBError.patchFailed("the patch led to \(document.version), not \(to)")
            }
        } catch {
            role = .member(dc: dc, isWelcomed: false)
            return [.replicaFault("a patch from the DC does not apply: \(error)"), .broadcast(.syncRequested(view: viewID))]
        }
        lineage = patchLineage
        return [persistCurrent(), .documentChanged(to, update: update)]
    }

    /// The DC applies an update delivered in agreed order and multicasts the result.
    mutating func applyUpdate(_ id: UpdateID, body: String, requiresQuorum: Bool) -> [Directive] {
        guard let view else { return [] }
        if requiresQuorum && !view.isQuorate { return [.broadcast(.outcome(view: view.id, id, .noQuorum))] }
        let from = document.version
        let patch: String?
        do {
            patch = try document.apply(update: body)
        } catch {
            let outcome = UpdateOutcome.rejected(exitCode: Int(error.exitCode.rawValue), message: error.description)
            return [.broadcast(.outcome(view: view.id, id, outcome))]
        }
        guard let patch else { return [.broadcast(.outcome(view: view.id, id, .unchanged(from)))] }
        let to = document.version
        if view.isQuorate { lineage = CIBLineage(term: view.id, version: to) }
        var directives: [Directive] = [
            .broadcast(.patch(view: view.id, update: id, from: from, to: to, lineage: lineage, patch: patch)),
            persistCurrent(), .documentChanged(to, update: id),
        ]
        if view.isQuorate {
            book.await(id, at: to)
        } else {
            directives.append(.broadcast(.outcome(view: view.id, id, .appliedWithoutQuorum(to))))
        }
        return directives
    }

    /// Acknowledges every update a quorum now holds on disk.
    mutating func commitDurable() -> [Directive] {
        guard let view, view.isQuorate,
            let committed = book.committedVersion(members: view.members, quorum: view.durabilityQuorum)
        else { return [] }
        return book.takeCommitted(upTo: committed).map { .broadcast(.outcome(view: view.id, $0.id, .committed($0.version))) }
    }
}

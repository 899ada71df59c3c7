import Membership
import Messaging

/// One node's CIB replica and its part in the replication protocol: the DC applies updates in agreed order
/// and multicasts them as patches with versions; a replica that joins gets the whole CIB; an update is
/// acknowledged to its origin only once a quorum of nodes holds it on disk.
///
/// The instance reads no clock and does no I/O: the shell feeds views, delivered group messages, finished
/// disk writes and local requests, and carries out the directives (multicast in agreed order, write the CIB,
/// answer a tool). See Docs/Protocols/CIB-Replication.md for the protocol and why it loses no
/// acknowledged update.
public struct CIBReplication<Document: ReplicatedDocument> {
    /// Inputs.
    public enum Event {
        /// Membership installed a new view of the crmd group.
        case viewInstalled(ControllerView)
        /// A group message was delivered, in agreed order.
        case messageDelivered(from: NodeID, ControllerMessage)
        /// The write of the `.persist` directive with this sequence number (and all before it) is on disk.
        case persisted(sequence: UInt64)
        /// A local client (a tool, or this crmd) asks for an update. `id` must be unique (see `UpdateID`).
        case updateSubmitted(UpdateID, body: String, requiresQuorum: Bool)
    }

    /// Outputs.
    public enum Directive {
        /// Multicast to the crmd group in agreed order (the sender receives it too).
        case broadcast(ControllerMessage)
        /// Write the whole CIB durably (fsync + rename) with `lineage`; report `.persisted(sequence:)` when done.
        /// The shell takes `document.snapshot()` when the write starts (writes may be coalesced): a copy newer
        /// than `version` beside this lineage only under-claims.
        case persist(sequence: UInt64, lineage: CIBLineage, version: CIBVersion)
        /// Answer the local client that submitted `id`.
        case complete(UpdateID, UpdateOutcome)
        /// The DC of the current view is known (`dc == node` when this node is it).
        case dcElected(NodeID, view: ViewID)
        /// The local copy changed through `update` (nil for a whole copy from the DC). The DC reruns the
        /// policy engine on this; tools may watch it.
        case documentChanged(CIBVersion, update: UpdateID?)
        /// This replica could not apply something; it asked the DC for the whole CIB. For the log.
        case replicaFault(String)
    }

    /// Where this replica stands in the current view.
    public enum Role: Equatable, Sendable {
        /// No view, or the election of the current view is running.
        case electing
        /// `dc` is the DC; `isWelcomed` once its welcome was applied here.
        case member(dc: NodeID, isWelcomed: Bool)
        /// This node is the DC.
        case dc
    }

    /// This node.
    public let node: NodeID
    /// The local copy.
    public internal(set) var document: Document
    /// The last state a quorate DC wrote that the local copy descends from.
    public internal(set) var lineage: CIBLineage
    /// The current view.
    public internal(set) var view: ControllerView?
    /// Where this replica stands.
    public internal(set) var role: Role = .electing
    var election: DCElection
    var disk: DiskLedger
    var origin = OriginLedger()
    var book = CommitBook()

    /// A replica starting from what was on disk (or an empty CIB with `CIBLineage.initial`).
    public init(node: NodeID, document: Document, lineage: CIBLineage) {
        self.node = node
        self.document = document
        self.lineage = lineage
        self.election = DCElection(node: node)
        self.disk = DiskLedger(version: document.version)
    }

    /// Whether this node is the DC of its current view.
    public var isDC: Bool { role == .dc }

    /// The DC of the current view, once elected.
    public var dc: NodeID? {
        switch role {
        case .electing: nil
        case .member(let dc, _): dc
        case .dc: node
        }
    }

    /// Feeds one event.
    public mutating func handle(_ event: Event) -> [Directive] {
        switch event {
        case .viewInstalled(let newView):
            return installView(newView)
        case .messageDelivered(let sender, let message):
            return deliver(message, from: sender)
        case .persisted(let sequence):
            return persisted(upTo: sequence)
        case .updateSubmitted(let id, let body, let requiresQuorum):
            // Without a view nothing can be sent; the update waits for the first election.
            origin.submitted(id, body: body, requiresQuorum: requiresQuorum, isSent: view != nil)
            guard view != nil else { return [] }
            return [.broadcast(.update(id, body: body, requiresQuorum: requiresQuorum))]
        }
    }

    private mutating func installView(_ newView: ControllerView) -> [Directive] {
        let wasDC = role == .dc
        view = newView
        role = .electing
        book = CommitBook()
        var directives = origin.interruptInFlight().map { Directive.complete($0, .interrupted) }
        let vote = ElectionVote(lineage: lineage, version: document.version, wasDC: wasDC)
        for directive in election.handle(.viewInstalled(newView, vote: vote)) {
            directives += perform(directive)
        }
        return directives
    }

    private mutating func deliver(_ message: ControllerMessage, from sender: NodeID) -> [Directive] {
        switch message {
        case .vote(let viewID, let vote):
            return election.handle(.voteDelivered(from: sender, view: viewID, vote)).flatMap { perform($0) }
        case .update(let id, let body, let requiresQuorum):
            var directives: [Directive] = []
            if id.origin == node { origin.delivered(id, withDC: dc != nil) }
            if isDC { directives += applyUpdate(id, body: body, requiresQuorum: requiresQuorum) }
            return directives
        case .welcome(let viewID, let dcLineage, let version, let snapshot):
            guard viewID == view?.id, sender == dc, !isDC else { return [] }
            return welcome(lineage: dcLineage, version: version, snapshot: snapshot)
        case .syncRequested(let viewID):
            guard viewID == view?.id, isDC else { return [] }
            return [.broadcast(welcomeMessage(includingSnapshot: true))]
        case .patch(let viewID, let update, let from, let to, let patchLineage, let patch):
            guard viewID == view?.id, sender == dc, !isDC, case .member(_, true) = role else { return [] }
            return applyPatch(patch, update: update, from: from, to: to, lineage: patchLineage)
        case .durable(let viewID, let version):
            guard viewID == view?.id, isDC else { return [] }
            book.recordDurable(sender, version)
            return commitDurable()
        case .outcome(let viewID, let id, let outcome):
            guard viewID == view?.id, id.origin == node, origin.finish(id) else { return [] }
            return [.complete(id, outcome)]
        case .actionRequested, .actionFinished, .memberReady:
            return []
        }
    }

    private mutating func perform(_ directive: DCElection.Directive) -> [Directive] {
        switch directive {
        case .broadcastVote(let viewID, let vote):
            return [.broadcast(.vote(view: viewID, vote))]
        case .elected(let winner, let viewID, let votes):
            var directives: [Directive] = [.dcElected(winner, view: viewID)]
            if winner == node {
                role = .dc
                directives += becomeDC(votes: votes)
            } else {
                role = .member(dc: winner, isWelcomed: false)
            }
            directives += origin.takeAwaitingDC().map { .broadcast(.update($0.id, body: $0.body, requiresQuorum: $0.requiresQuorum)) }
            return directives
        }
    }

    /// Issues a write of the current copy.
    mutating func persistCurrent() -> Directive {
        let sequence = disk.issue(version: document.version)
        return .persist(sequence: sequence, lineage: lineage, version: document.version)
    }

    private mutating func persisted(upTo sequence: UInt64) -> [Directive] {
        guard let version = disk.completed(upTo: sequence) else { return [] }
        switch role {
        case .dc:
            book.recordDurable(node, version)
            return commitDurable()
        case .member(_, true):
            guard let viewID = view?.id else { return [] }
            return [.broadcast(.durable(view: viewID, version: version))]
        case .member, .electing:
            return []
        }
    }
}

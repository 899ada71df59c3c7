import Membership
import Messaging

/// Names one CIB update from its origin: the node, the node's incarnation (so a restarted crmd never
/// reuses an id) and a sequence number the origin counts up.
public struct UpdateID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The node whose crmd received the update from a tool (or made it itself).
    public var origin: NodeID
    /// The origin's run; a restart starts a new incarnation.
    public var incarnation: UInt64
    /// Counts up per incarnation.
    public var sequence: UInt64

    /// Names an update.
    public init(origin: NodeID, incarnation: UInt64, sequence: UInt64) {
        self.origin = origin
        self.incarnation = incarnation
        self.sequence = sequence
    }

    public static func < (lhs: UpdateID, rhs: UpdateID) -> Bool {
        (lhs.origin, lhs.incarnation, lhs.sequence) < (rhs.origin, rhs.incarnation, rhs.sequence)
    }
    public var description: String { "\(origin).\(incarnation).\(sequence)" }
}

/// The last state of a replica that a quorate DC wrote: the DC's term (the id of the view that elected it)
/// and the version it wrote. Updates applied without quorum leave the lineage alone, so a copy that only
/// grew in a minority partition never beats a copy a quorum acknowledged (see Docs/Protocols/CIB-Replication.md).
public struct CIBLineage: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The view id that elected the DC which wrote this state; `ViewID(0)` for a CIB never replicated.
    public var term: ViewID
    /// The version that DC wrote.
    public var version: CIBVersion

    /// Builds a lineage.
    public init(term: ViewID, version: CIBVersion) {
        self.term = term
        self.version = version
    }

    /// The lineage of a CIB that was never written by a quorate DC.
    public static let initial = CIBLineage(term: ViewID(0), version: CIBVersion(adminEpoch: 0, epoch: 0, numUpdates: 0))

    public static func < (lhs: CIBLineage, rhs: CIBLineage) -> Bool {
        (lhs.term, lhs.version) < (rhs.term, rhs.version)
    }
    public var description: String { "term \(term.epoch).\(term.coordinator)@\(version)" }
}

/// What a replica offers in a DC election: how good its CIB copy is, and whether it was the DC before.
public struct ElectionVote: Hashable, Sendable, CustomStringConvertible {
    /// The replica's lineage.
    public var lineage: CIBLineage
    /// The replica's current version (may be past the lineage after minority-only updates).
    public var version: CIBVersion
    /// Whether the voter was the DC of its previous view: on a tie it keeps the job, so a view change that
    /// does not touch the DC does not move it.
    public var wasDC: Bool

    /// Builds a vote.
    public init(lineage: CIBLineage, version: CIBVersion, wasDC: Bool) {
        self.lineage = lineage
        self.version = version
        self.wasDC = wasDC
    }
    public var description: String { "\(lineage) v\(version)\(wasDC ? " dc" : "")" }
}

/// How an update ended, as the DC decides it and the origin reports it to its tool.
public enum UpdateOutcome: Hashable, Sendable, CustomStringConvertible {
    /// Applied and durable on a quorum of nodes: the update is acknowledged and never lost.
    case committed(CIBVersion)
    /// Applied in a partition without quorum (controller-internal updates only); never acknowledged as durable.
    case appliedWithoutQuorum(CIBVersion)
    /// The update changed nothing.
    case unchanged(CIBVersion)
    /// The DC refused the update; the CIB is unchanged. `exitCode` is Pacemaker's exit code for the error.
    case rejected(exitCode: Int, message: String)
    /// The partition has no quorum; the update needs it and was not applied.
    case noQuorum
    /// The cluster changed while the update was in flight; it may or may not have been applied.
    case interrupted

    public var description: String {
        switch self {
        case .committed(let version): "committed \(version)"
        case .appliedWithoutQuorum(let version): "applied without quorum \(version)"
        case .unchanged(let version): "unchanged \(version)"
        case .rejected(let code, let message): "rejected (\(code)): \(message)"
        case .noQuorum: "no quorum"
        case .interrupted: "interrupted"
        }
    }
}

/// The messages crmds exchange in their process group, always in agreed (total) order.
public enum ControllerMessage: Hashable, Sendable {
    /// A replica's vote in the election of `view`.
    case vote(view: ViewID, ElectionVote)
    /// An update for the DC to apply; `body` is the document's encoding of the request.
    case update(UpdateID, body: String, requiresQuorum: Bool)
    /// The DC of `view` brings the members in line: members whose copy differs take `snapshot`.
    case welcome(view: ViewID, lineage: CIBLineage, version: CIBVersion, snapshot: String?)
    /// A replica asks the DC for the full CIB (its copy could not take a patch).
    case syncRequested(view: ViewID)
    /// The DC applied `update`: replicas apply `patch` (source `from`, target `to`) and take `lineage`.
    case patch(view: ViewID, update: UpdateID, from: CIBVersion, to: CIBVersion, lineage: CIBLineage, patch: String)
    /// The sender persisted the DC's copy up to `version`.
    case durable(view: ViewID, version: CIBVersion)
    /// The DC's decision on an update, for its origin.
    case outcome(view: ViewID, UpdateID, UpdateOutcome)
    /// The DC asks `target`'s crmd to run an action of transition `transitionID` through its lrmd.
    case actionRequested(view: ViewID, target: NodeID, transitionID: Int, GraphAction, transitionKey: String)
    /// The sender has no action running and all its result records applied in `view`: the DC may schedule.
    case memberReady(view: ViewID)
    /// `target`'s crmd reports the result of a requested action back to the DC.
    case actionFinished(view: ViewID, transitionID: Int, actionID: Int, ActionResult)
}

import Membership
import Messaging

/// The DC's account of every configured node: online, lost and not yet fenced, or known down. It turns
/// views and fencing results into status-section edits, so the policy engine sees a lost node as unclean
/// (and fences it before starting its resources elsewhere) and sees a fenced node as safely down.
public struct NodeStatusTracker: Sendable {
    /// What the DC knows about a node.
    public enum State: Sendable, Equatable {
        /// In the current view with its crmd.
        case online
        /// Left the view without a clean shutdown: it may still run resources until fenced.
        case lostUnfenced
        /// Fenced, or shut down cleanly: nothing runs there.
        case down
        /// Not seen by this controller yet: the CIB's own `node_state` stands (a restarted DC must not
        /// declare a node down that it never saw fenced).
        case unknown
    }

    /// Inputs.
    public enum Event: Sendable, Equatable {
        /// A view was installed (the tracker acts on it only on the DC, see `isDC`).
        case viewInstalled(ControllerView, isDC: Bool)
        /// Fencing of the node succeeded.
        case fenced(NodeID)
        /// The node announced a clean shutdown (its resources are stopped) before leaving.
        case shutDownCleanly(NodeID)
    }

    /// Outputs.
    public enum Directive: Sendable, Equatable {
        /// Submit this `CIBUpdateBody` as a controller update (no quorum needed).
        case submit(String)
        /// Membership changed under a running transition: abort it.
        case abortTransition(reason: String)
    }

    /// Node names by id, as configured.
    public let names: [NodeID: String]
    /// What is known per node.
    public private(set) var states: [NodeID: State]
    private var cleanShutdowns: Set<NodeID> = []

    /// A tracker for the configured nodes; every node starts `unknown` until it is seen.
    public init(names: [NodeID: String]) {
        self.names = names
        self.states = Dictionary(uniqueKeysWithValues: names.keys.map { ($0, State.unknown) })
    }

    /// Lost nodes not fenced yet: while any exists, their resources must not start elsewhere.
    public var unfencedLostNodes: [NodeID] { states.filter { $0.value == .lostUnfenced }.map(\.key).sorted() }

    /// Feeds one event.
    public mutating func handle(_ event: Event) -> [Directive] {
        switch event {
        case .viewInstalled(let view, let isDC):
            return viewInstalled(view, isDC: isDC)
        case .fenced(let node):
            guard states[node] != nil, states[node] != .online else { return [] }
            states[node] = .down
            return submissions { () throws(CIBError) in try StatusUpdates.nodeDown(nodeID: "\(node)", name: name(node)) }
        case .shutDownCleanly(let node):
            cleanShutdowns.insert(node)
            return []
        }
    }

    private mutating func viewInstalled(_ view: ControllerView, isDC: Bool) -> [Directive] {
        var directives: [Directive] = []
        var changed: [String] = []
        for node in names.keys.sorted() {
            let isMember = view.members.contains(node)
            let previous = states[node] ?? .unknown
            let next: State
            if isMember {
                next = .online
            } else if previous == .online {
                next = cleanShutdowns.remove(node) != nil ? .down : .lostUnfenced
            } else {
                next = previous
            }
            states[node] = next
            if next != previous { changed.append("\(name(node)) \(next)") }
            guard isDC, next != .unknown else { continue }
            directives += submissions { () throws(CIBError) in try update(for: node, state: next) }
        }
        if !changed.isEmpty { directives.insert(.abortTransition(reason: "membership: \(changed.joined(separator: ", "))"), at: 0) }
        return directives
    }

    private func update(for node: NodeID, state: State) throws(CIBError) -> [String] {
        switch state {
        case .online:
            return [
                try StatusUpdates.nodeState(
                    nodeID: "\(node)", name: name(node), inMembership: true, controllerOnline: true, join: "member",
                    expected: "member")
            ]
        case .lostUnfenced:
            // Still expected as a member: the policy engine treats it as unclean and fences it first.
            return [
                try StatusUpdates.nodeState(
                    nodeID: "\(node)", name: name(node), inMembership: false, controllerOnline: false, join: "member",
                    expected: "member")
            ]
        case .down:
            return try StatusUpdates.nodeDown(nodeID: "\(node)", name: name(node))
        case .unknown:
            return []
        }
    }

    private func name(_ node: NodeID) -> String { names[node] ?? "node\(node)" }

    private func submissions(_ build: () throws(CIBError) -> [String]) -> [Directive] {
        do {
            return try build().map { .submit($0) }
        } catch {
            preconditionFailure("status update templates must encode: \(error)")
        }
    }
}

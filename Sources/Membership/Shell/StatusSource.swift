import Messaging
import Synchronization

/// Builds `DaemonStatus` from the configuration and the membership loop's snapshot. Sendable, so the client
/// socket's handlers answer status queries at once, never queued behind a message flood in the data loop.
struct StatusSource: Sendable {
    let configuration: HeartbeatConfiguration
    let local: MemberInfo
    let quorum: Quorum
    let snapshot: SnapshotBox

    /// What `crm_node` and the status tool show.
    var status: DaemonStatus {
        let membership = snapshot.value.withLock { $0 }
        let view = membership.view
        var nodes = configuration.nodes.map { node in
            NodeStatus(
                id: node.id, name: node.name, votes: node.votes,
                state: view?.info(of: node.id) != nil ? .member : .lost,
                isLinkUp: node.id == local.node || membership.linkUp.contains(node.id))
        }
        for info in view?.members ?? [] where configuration.node(id: info.node) == nil {
            nodes.append(
                NodeStatus(id: info.node, name: info.name, votes: quorum.votes(of: info.node), state: .member, isLinkUp: true))
        }
        return DaemonStatus(
            clusterName: configuration.clusterName, local: local, view: view, nodes: nodes,
            quorumFlags: QuorumFlags(configuration.quorum))
    }

}

import Foundation
import Messaging
import NIOCore
import Synchronization

extension DaemonState {
    mutating func clientRequested(_ id: UInt64, _ request: ClientRequest) {
        guard var session = clients[id] else { return }
        let member = GroupMember(
            member: local.member, pid: UInt32(bitPattern: session.credentials.pid), connection: UInt32(truncatingIfNeeded: id))
        switch request {
        case .hello(let name, _):
            session.name = name
            clients[id] = session
            deliver(.status(status), to: id)
        case .queryStatus:
            deliver(.status(status), to: id)
        case .join(let group):
            guard isValidGroupName(group) else { return deliver(.failure("invalid group name '\(group)'"), to: id) }
            guard session.groups.insert(group).inserted else {
                return deliver(.failure("already a member of group '\(group)'"), to: id)
            }
            clients[id] = session
            perform(core.handle(.groupJoinRequested(group: group, member)))
        case .leave(let group):
            guard session.groups.remove(group) != nil else {
                return deliver(.failure("not a member of group '\(group)'"), to: id)
            }
            clients[id] = session
            perform(core.handle(.groupLeaveRequested(group: group, member)))
        case .send(let group, let payload):
            perform(core.handle(.groupSendRequested(group: group, member, payload: payload)))
        }
    }

    mutating func clientDisconnected(_ id: UInt64) {
        guard let session = clients.removeValue(forKey: id) else { return }
        let member = GroupMember(
            member: local.member, pid: UInt32(bitPattern: session.credentials.pid), connection: UInt32(truncatingIfNeeded: id))
        for group in session.groups.sorted() {
            perform(core.handle(.groupLeaveRequested(group: group, member)))
        }
    }

    func deliver(_ event: ClientEvent, to id: UInt64) {
        guard let session = clients[id] else { return }
        session.channel.writeAndFlush(ClientFraming.frame(event.encoded), promise: nil)
    }

    func deliverGroup(_ effect: GroupEffect) {
        let group: String
        let event: ClientEvent
        switch effect {
        case .changed(let change):
            group = change.group
            event = .groupChanged(change)
        case .message(let name, let from, let payload):
            group = name
            event = .message(group: name, from: from, payload: payload)
        }
        for (id, session) in clients.sorted(by: { $0.key < $1.key }) where session.groups.contains(group) {
            deliver(event, to: id)
        }
    }

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

    private func isValidGroupName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 128 && name.unicodeScalars.allSatisfy { $0.value > 32 && $0.value < 127 }
    }
}

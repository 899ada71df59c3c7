import Messaging
import NIOCore

/// One heartbeat daemon's protocols composed: view agreement decides views, `GroupMessaging` orders messages
/// within them and delivers each view at its place in the stream, and `ProcessGroups` turns the ordered
/// stream into CPG-like group events. Pure: the daemon's shell feeds it I/O and carries out its directives.
public struct HeartbeatCore: Sendable {
    /// An input.
    public enum Event: Sendable {
        /// The daemon started.
        case started(at: Instant)
        /// An authentic membership message from `sender` (the shell checked it matches the packet's sender).
        case membershipReceived(MembershipMessage, at: Instant)
        /// Authentic ordering frames from a member.
        case framesReceived(from: Member, [Frame])
        /// The membership timer fired.
        case membershipTick(at: Instant)
        /// The messaging timer fired (the shell fires it every few milliseconds).
        case messagingTick(at: Instant)
        /// Messaging's failure detector suspects a member.
        case peerSuspected(Member, at: Instant)
        /// A local process asked to join a group.
        case groupJoinRequested(group: String, GroupMember)
        /// A local process left a group or disconnected.
        case groupLeaveRequested(group: String, GroupMember)
        /// A local process multicasts to a group.
        case groupSendRequested(group: String, GroupMember, payload: ByteBuffer)
        /// The administrator asked this node to leave the cluster.
        case leaveRequested(at: Instant)
    }

    /// An output.
    public enum Directive: Sendable {
        /// Send a membership message to one node.
        case sendMembership(MembershipMessage, to: NodeID)
        /// Send a membership message to every configured node.
        case broadcastMembership(MembershipMessage)
        /// Send ordering frames.
        case sendFrames([Frame], to: Destination)
        /// Call back with `.membershipTick` after this long.
        case scheduleMembershipTick(after: Duration)
        /// Store the epoch durably before sending anything else.
        case persistEpoch(UInt64)
        /// A view reached this point of the ordered stream: tell every local client.
        case deliverView(MembershipView)
        /// A group event for the local members of its group.
        case deliverGroup(GroupEffect)
        /// A local request could not be carried out.
        case refuse(GroupMember, reason: String)
        /// The node has left the cluster.
        case left
    }

    /// View agreement.
    public private(set) var agreement: ViewAgreement
    /// Ordered messaging.
    public private(set) var messaging: GroupMessaging
    /// Group membership, as agreed.
    public private(set) var groups = ProcessGroups()
    /// The local processes per group, re-announced after each view.
    public private(set) var localMembers: [String: Set<GroupMember>] = [:]
    /// Views installed but not yet delivered by messaging, by id.
    var pendingViews: [ViewID: MembershipView] = [:]
    /// The last view delivered to clients.
    public private(set) var deliveredView: MembershipView?

    /// Builds the core of one node.
    public init(agreement: ViewAgreement, messaging: GroupMessaging) {
        self.agreement = agreement
        self.messaging = messaging
    }

    /// Feeds one event.
    public mutating func handle(_ event: Event) -> [Directive] {
        switch event {
        case .started(let now): return membership(.started(at: now))
        case .membershipReceived(let message, let now): return membership(.messageReceived(message, at: now))
        case .membershipTick(let now): return membership(.tick(at: now))
        case .peerSuspected(let member, let now): return membership(.peerSuspected(member, at: now))
        case .leaveRequested(let now): return membership(.leaveRequested(at: now))
        case .framesReceived(let sender, let frames): return ordered(.framesReceived(from: sender, frames: frames))
        case .messagingTick(let now): return ordered(.tick(at: now))
        case .groupJoinRequested(let group, let member):
            localMembers[group, default: []].insert(member)
            return submit(.join(group: group, member), for: member)
        case .groupLeaveRequested(let group, let member):
            localMembers[group]?.remove(member)
            if localMembers[group]?.isEmpty == true { localMembers[group] = nil }
            return submit(.leave(group: group, member), for: member)
        case .groupSendRequested(let group, let member, let payload):
            guard localMembers[group]?.contains(member) == true else {
                return [.refuse(member, reason: "not a member of group '\(group)'")]
            }
            return submit(.message(group: group, from: member, payload: payload), for: member)
        }
    }

    private mutating func membership(_ event: ViewAgreement.Event) -> [Directive] {
        var directives: [Directive] = []
        for directive in agreement.handle(event) {
            switch directive {
            case .send(let message, let to): directives.append(.sendMembership(message, to: to))
            case .broadcast(let message): directives.append(.broadcastMembership(message))
            case .scheduleTick(let after): directives.append(.scheduleMembershipTick(after: after))
            case .persistEpoch(let epoch): directives.append(.persistEpoch(epoch))
            case .viewChangeStarted: break
            case .installView(let view):
                pendingViews[view.id] = view
                directives += ordered(.viewInstalled(view.view))
            case .left: directives.append(.left)
            }
        }
        return directives
    }

    private mutating func submit(_ operation: GroupOperation, for member: GroupMember) -> [Directive] {
        let payload = operation.encoded
        do throws(GroupMessaging.SubmitError) {
            try messaging.validate(payload)
        } catch {
            return [.refuse(member, reason: "message refused: \(error)")]
        }
        guard messaging.canSubmit(size: payload.readableBytes) else {
            return [.refuse(member, reason: "flow control: try again")]
        }
        return ordered(.submitted(payload))
    }

    private mutating func ordered(_ event: GroupMessaging.Event) -> [Directive] {
        var directives: [Directive] = []
        for directive in messaging.handle(event) {
            switch directive {
            case .send(let frames, let destination): directives.append(.sendFrames(frames, to: destination))
            case .deliver(.view(let view)): directives += viewDelivered(view)
            case .deliver(.message(let from, var payload, _)):
                guard let operation = try? GroupOperation.decode(&payload) else { continue }
                directives += groups.apply(operation, from: from).map(Directive.deliverGroup)
            }
        }
        return directives
    }

    private mutating func viewDelivered(_ view: View) -> [Directive] {
        guard let installed = pendingViews.removeValue(forKey: view.id) else { return [] }
        pendingViews = pendingViews.filter { $0.key > view.id }
        deliveredView = installed
        var directives: [Directive] = [.deliverView(installed)]
        directives += groups.viewDelivered(view).map(Directive.deliverGroup)
        let mine = localMembers.mapValues { Array($0).sorted() }
        if !mine.isEmpty { directives += ordered(.submitted(GroupOperation.joinList(mine).encoded)) }
        return directives
    }
}

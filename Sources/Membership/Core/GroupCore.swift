import Messaging
import NIOCore

/// The data side of a heartbeat daemon: `GroupMessaging` orders messages within the views that view agreement
/// decides (delivering each view at its place in the stream), and `ProcessGroups` turns the ordered stream into
/// CPG-like group events. Pure: the daemon's shell feeds it I/O and carries out its directives. View agreement
/// runs apart (its own socket and loop), so a message flood never delays membership.
public struct GroupCore: Sendable {
    /// An input.
    public enum Event: Sendable {
        /// View agreement installed a view.
        case viewAgreed(MembershipView)
        /// Authentic ordering frames from a member.
        case framesReceived(from: Member, [Frame])
        /// The messaging timer fired (the shell fires it every few milliseconds).
        case messagingTick(at: Instant)
        /// A local process asked to join a group.
        case groupJoinRequested(group: String, GroupMember)
        /// A local process left a group or disconnected.
        case groupLeaveRequested(group: String, GroupMember)
        /// A local process multicasts to a group.
        case groupSendRequested(group: String, GroupMember, payload: ByteBuffer)
    }

    /// An output.
    public enum Directive: Sendable {
        /// Send ordering frames.
        case sendFrames([Frame], to: Destination)
        /// A view reached this point of the ordered stream: tell every local client.
        case deliverView(MembershipView)
        /// A group event for the local members of its group.
        case deliverGroup(GroupEffect)
        /// A local request could not be carried out.
        case refuse(GroupMember, reason: String)
    }

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

    /// Builds the data side of one node.
    public init(messaging: GroupMessaging) {
        self.messaging = messaging
    }

    /// Feeds one event.
    public mutating func handle(_ event: Event) -> [Directive] {
        switch event {
        case .viewAgreed(let view):
            pendingViews[view.id] = view
            return ordered(.viewInstalled(view.view))
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

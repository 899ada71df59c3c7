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
    /// Messages delivered since `deliveredView` (the position of the last one).
    var positionInView: UInt64 = 0
    /// Members of `deliveredView` whose daemon's join list was delivered in it.
    var joinListsSeen: Set<Member> = []
    /// Whether every member's join list was delivered: from then on every daemon of the view holds the same
    /// groups, and group changes carry their agreed position.
    var isGroupListAgreed = false

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
            case .deliver(.message(let from, var payload, let view)):
                positionInView += 1
                guard let operation = try? GroupOperation.decode(&payload) else { continue }
                directives += applied(operation, from: from, at: GroupPosition(view: view, index: positionInView))
            }
        }
        return directives
    }

    private mutating func viewDelivered(_ view: View) -> [Directive] {
        guard let installed = pendingViews.removeValue(forKey: view.id) else { return [] }
        pendingViews = pendingViews.filter { $0.key > view.id }
        deliveredView = installed
        positionInView = 0
        joinListsSeen = []
        isGroupListAgreed = false
        var directives: [Directive] = [.deliverView(installed)]
        directives += groups.viewDelivered(view).map(Directive.deliverGroup)
        // Sent even when empty: the last member's list marks the point where all daemons agree on the groups.
        let mine = localMembers.mapValues { Array($0).sorted() }
        directives += ordered(.submitted(GroupOperation.joinList(mine).encoded))
        return directives
    }

    /// Applies an ordered group operation. Once the group lists are agreed, changes carry their position;
    /// the join list that completes the agreement is followed by an agreed change for every local group.
    private mutating func applied(_ operation: GroupOperation, from sender: Member, at position: GroupPosition)
        -> [Directive]
    {
        let wasAgreed = isGroupListAgreed
        let effects = groups.apply(operation, from: sender).map { effect -> GroupEffect in
            guard wasAgreed, case .changed(var change) = effect else { return effect }
            change.agreedAt = position
            return .changed(change)
        }
        var directives = effects.map(Directive.deliverGroup)
        guard !wasAgreed, case .joinList = operation, let view = deliveredView, view.id == position.view else {
            return directives
        }
        joinListsSeen.insert(sender)
        guard view.view.members.allSatisfy({ joinListsSeen.contains($0) }) else { return directives }
        isGroupListAgreed = true
        for group in localMembers.keys.sorted() {
            let change = GroupChange(
                group: group, members: groups.members(of: group), joined: [], left: [], agreedAt: position)
            directives.append(.deliverGroup(.changed(change)))
        }
        return directives
    }
}

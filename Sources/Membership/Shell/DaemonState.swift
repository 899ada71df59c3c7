import Foundation
import Logging
import Messaging
import NIOCore

/// One local client connection.
struct ClientSession: Sendable {
    var channel: any Channel
    var credentials: PeerCredentials
    var name = ""
    var groups: Set<String> = []
}

/// The data loop's state: ordered messaging, process groups and local clients, with the data socket. Touched
/// only by its loop, so it needs no lock. Decides nothing the core could decide: it decodes, routes and carries
/// out directives.
struct DaemonState: Sendable {
    var core: GroupCore
    let local: MemberInfo
    let quorum: Quorum
    let snapshot: SnapshotBox
    var writer: PacketWriter
    var reader: PacketReader
    let configuration: HeartbeatConfiguration
    let directories: HADirectories
    let udp: any Channel
    let logger: Logger
    var addresses: [NodeID: SocketAddress]
    var clients: [UInt64: ClientSession] = [:]
    let origin = ContinuousClock.now
    var isStopped = false

    var now: Instant { Instant(nanoseconds: (ContinuousClock.now - origin).nanosecondsClamped) }

    mutating func handle(_ input: DaemonInput) {
        switch input {
        case .datagram(let envelope): received(envelope)
        case .messagingTimer: perform(core.handle(.messagingTick(at: now)))
        case .viewAgreed(let view): perform(core.handle(.viewAgreed(view)))
        case .peerLearned(let node, let address): if addresses[node] == nil { addresses[node] = address }
        case .clientConnected(let id, let channel, let credentials):
            clients[id] = ClientSession(channel: channel, credentials: credentials)
        case .clientRequest(let id, let request): clientRequested(id, request)
        case .clientMalformed(let id, let reason):
            logger.warning("malformed client request", metadata: ["client": "\(id)", "error": "\(reason)"])
        case .clientDisconnected(let id): clientDisconnected(id)
        case .stop: isStopped = true
        }
    }

    private mutating func received(_ envelope: AddressedEnvelope<ByteBuffer>) {
        guard case .success(let (header, frames)) = reader.open(envelope.data) else { return }
        let sender = header.sender
        guard configuration.node(id: sender.node) != nil || configuration.autojoin != .none else {
            logger.debug("packet from an unlisted node dropped", metadata: ["peer": "\(sender)"])
            return
        }
        addresses[sender.node] = envelope.remoteAddress
        let ordering = frames.filter { if case .control = $0 { false } else { true } }
        if !ordering.isEmpty { perform(core.handle(.framesReceived(from: sender, ordering))) }
    }

    mutating func perform(_ directives: [GroupCore.Directive]) {
        for directive in directives { perform(directive) }
    }

    private mutating func perform(_ directive: GroupCore.Directive) {
        switch directive {
        case .sendFrames(let frames, .members):
            let members = core.messaging.currentView?.members.map(\.node) ?? []
            send(frames, to: targets(members.filter { $0 != local.node }))
        case .sendFrames(let frames, .nodes(let nodes)):
            send(frames, to: targets(nodes))
        case .deliverView(let view):
            logger.info("view delivered", metadata: ["view": "\(view)", "at": "\(now)"])
            for id in clients.keys.sorted() { deliver(.view(view), to: id) }
        case .deliverGroup(let effect): deliverGroup(effect)
        case .refuse(let member, let reason): deliver(.failure(reason), to: UInt64(member.connection))
        }
    }

    private func targets(_ nodes: [NodeID]) -> [SocketAddress] {
        nodes.compactMap { addresses[$0] }
    }

    private mutating func send(_ frames: [Frame], to targets: [SocketAddress]) {
        guard !targets.isEmpty else { return }
        let packets: [ByteBuffer]
        do {
            packets = try writer.pack(frames)
        } catch {
            logger.error("cannot seal packet", metadata: ["error": "\(error)"])
            return
        }
        for target in targets {
            for packet in packets {
                udp.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: packet), promise: nil)
            }
        }
    }
}

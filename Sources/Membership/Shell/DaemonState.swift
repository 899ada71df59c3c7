import Foundation
import Logging
import Messaging
import NIOCore

/// One local client connection.
struct ClientSession {
    var channel: any Channel
    var credentials: PeerCredentials
    var name = ""
    var groups: Set<String> = []
}

/// The daemon's run-loop state: the pure core plus the sockets it talks through. Touched only by the run loop,
/// so it needs no lock. Decides nothing the core could decide: it decodes, routes and carries out directives.
struct DaemonState {
    var core: HeartbeatCore
    var writer: PacketWriter
    var reader: PacketReader
    let configuration: HeartbeatConfiguration
    let directories: HADirectories
    let udp: any Channel
    let logger: Logger
    var addresses: [NodeID: SocketAddress]
    let extraTargets: [SocketAddress]
    var clients: [UInt64: ClientSession] = [:]
    var nextMembershipTick: Instant?
    let origin = ContinuousClock.now
    var hasLeft = false
    /// Set when the daemon must stop because it cannot keep a promise (the epoch could not be stored).
    var fatalError: String?

    var now: Instant { Instant(nanoseconds: (ContinuousClock.now - origin).nanosecondsClamped) }
    var local: MemberInfo { core.agreement.me }

    mutating func handle(_ input: DaemonInput) {
        switch input {
        case .datagram(let envelope): received(envelope)
        case .membershipTimer, .messagingTimer:
            let now = self.now
            if let due = nextMembershipTick, now >= due {
                nextMembershipTick = nil
                perform(core.handle(.membershipTick(at: now)))
            }
            perform(core.handle(.messagingTick(at: now)))
        case .clientConnected(let id, let channel, let credentials):
            clients[id] = ClientSession(channel: channel, credentials: credentials)
        case .clientRequest(let id, let request): clientRequested(id, request)
        case .clientMalformed(let id, let reason):
            logger.warning("malformed client request", metadata: ["client": "\(id)", "error": "\(reason)"])
        case .clientDisconnected(let id): clientDisconnected(id)
        case .shutdownRequested: leave()
        }
    }

    mutating func start() {
        perform(core.handle(.started(at: now)))
    }

    mutating func leave() {
        perform(core.handle(.leaveRequested(at: now)))
    }

    private mutating func received(_ envelope: AddressedEnvelope<ByteBuffer>) {
        guard case .success(let (header, frames)) = reader.open(envelope.data) else { return }
        let sender = header.sender
        guard configuration.node(id: sender.node) != nil || configuration.autojoin != .none else {
            logger.debug("packet from an unlisted node dropped", metadata: ["peer": "\(sender)"])
            return
        }
        addresses[sender.node] = envelope.remoteAddress
        var ordering: [Frame] = []
        for frame in frames {
            guard case .control(let channel, var payload) = frame, channel == HeartbeatDaemon.membershipChannel else {
                ordering.append(frame)
                continue
            }
            do {
                let message = try MembershipMessage.decode(&payload)
                guard message.senderNode == sender.node else { continue }
                if case .announce = message {} else {
                    logger.debug("membership message received", metadata: ["peer": "\(sender)", "message": "\(message)"])
                }
                perform(core.handle(.membershipReceived(message, at: now)))
            } catch {
                logger.debug("malformed membership message", metadata: ["peer": "\(sender)", "error": "\(error)"])
            }
        }
        if !ordering.isEmpty { perform(core.handle(.framesReceived(from: sender, ordering))) }
    }

    mutating func perform(_ directives: [HeartbeatCore.Directive]) {
        for directive in directives { perform(directive) }
    }

    private mutating func perform(_ directive: HeartbeatCore.Directive) {
        switch directive {
        case .sendMembership(let message, let node):
            logger.debug("membership message sent", metadata: ["peer": "\(node)", "message": "\(message)"])
            send([.control(channel: HeartbeatDaemon.membershipChannel, payload: message.encoded)], to: targets([node]))
        case .broadcastMembership(let message):
            send([.control(channel: HeartbeatDaemon.membershipChannel, payload: message.encoded)], to: broadcastTargets)
        case .sendFrames(let frames, .members):
            let members = core.messaging.currentView?.members.map(\.node) ?? []
            send(frames, to: targets(members.filter { $0 != local.node }))
        case .sendFrames(let frames, .nodes(let nodes)):
            send(frames, to: targets(nodes))
        case .scheduleMembershipTick(let after): nextMembershipTick = now + after
        case .persistEpoch(let epoch): persist(epoch)
        case .deliverView(let view):
            logger.notice("view installed", metadata: ["view": "\(view)", "at": "\(now)"])
            for id in clients.keys.sorted() { deliver(.view(view), to: id) }
        case .deliverGroup(let effect): deliverGroup(effect)
        case .refuse(let member, let reason): deliver(.failure(reason), to: UInt64(member.connection))
        case .left: hasLeft = true
        }
    }

    private var broadcastTargets: [SocketAddress] {
        let configured = addresses.filter { $0.key != local.node }.sorted { $0.key < $1.key }.map(\.value)
        return configured + extraTargets.filter { !configured.contains($0) }
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

    private mutating func persist(_ epoch: UInt64) {
        do {
            try DurableFile.write("\(epoch)\n", to: directories.epochFile)
        } catch {
            // Going on could reuse a view id after a restart: stop instead.
            logger.critical("cannot persist the membership epoch", metadata: ["error": "\(error)"])
            fatalError = "cannot persist the membership epoch to \(directories.epochFile): \(error)"
        }
    }
}

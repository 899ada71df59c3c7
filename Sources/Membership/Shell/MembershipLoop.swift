import Foundation
import Logging
import Messaging
import NIOCore

/// The membership loop's state: view agreement on its own socket (the data port + 1, like Messaging's heartbeat
/// plane). Touched only by its loop. Hands each installed view to the data loop and publishes a snapshot for
/// status answers. Decides nothing: it decodes, routes and carries out the core's directives.
struct MembershipLoop {
    var agreement: ViewAgreement
    var writer: PacketWriter
    var reader: PacketReader
    let configuration: HeartbeatConfiguration
    let directories: HADirectories
    let udp: any Channel
    let logger: Logger
    var addresses: [NodeID: SocketAddress]
    let extraTargets: [SocketAddress]
    let dataSink: AsyncStream<DaemonInput>.Continuation
    let snapshot: SnapshotBox
    var nextTick: Instant?
    let origin = ContinuousClock.now
    var hasLeft = false
    /// Set when the daemon must stop because it cannot keep a promise (the epoch could not be stored).
    var fatalError: String?

    var now: Instant { Instant(nanoseconds: (ContinuousClock.now - origin).nanosecondsClamped) }

    mutating func handle(_ input: MembershipInput) {
        switch input {
        case .datagram(let envelope): received(envelope)
        case .timer:
            if let due = nextTick, now >= due {
                nextTick = nil
                perform(agreement.handle(.tick(at: now)))
            }
        case .shutdownRequested: perform(agreement.handle(.leaveRequested(at: now)))
        }
        publish()
    }

    mutating func start() {
        perform(agreement.handle(.started(at: now)))
    }

    private mutating func received(_ envelope: AddressedEnvelope<ByteBuffer>) {
        guard case .success(let (header, frames)) = reader.open(envelope.data) else { return }
        let sender = header.sender
        guard configuration.node(id: sender.node) != nil || configuration.autojoin != .none else { return }
        if addresses[sender.node] != envelope.remoteAddress {
            addresses[sender.node] = envelope.remoteAddress
            // The data socket is on the port below: peers found through mcast, bcast or ucast reach the data loop.
            var data = envelope.remoteAddress
            if let port = data.port, port > 1 {
                data.port = port - 1
                dataSink.yield(.peerLearned(sender.node, data))
            }
        }
        for case .control(let channel, var payload) in frames where channel == HeartbeatDaemon.membershipChannel {
            do {
                let message = try MembershipMessage.decode(&payload)
                guard message.senderNode == sender.node else { continue }
                if case .announce = message {} else {
                    logger.debug("membership message received", metadata: ["peer": "\(sender)", "message": "\(message)"])
                }
                perform(agreement.handle(.messageReceived(message, at: now)))
            } catch {
                logger.debug("malformed membership message", metadata: ["peer": "\(sender)", "error": "\(error)"])
            }
        }
    }

    private mutating func perform(_ directives: [ViewAgreement.Directive]) {
        for directive in directives {
            switch directive {
            case .send(let message, let node):
                logger.debug("membership message sent", metadata: ["peer": "\(node)", "message": "\(message)"])
                send(message, to: addresses[node].map { [$0] } ?? [])
            case .broadcast(let message): send(message, to: broadcastTargets)
            case .scheduleTick(let after): nextTick = now + after
            case .persistEpoch(let epoch): persist(epoch)
            case .viewChangeStarted: break
            case .peerLate(let member, let silence):
                logger.warning("late heartbeat", metadata: ["peer": "\(member)", "silence": "\(silence)"])
            case .installView(let view):
                logger.notice("view installed", metadata: ["view": "\(view)", "at": "\(now)"])
                dataSink.yield(.viewAgreed(view))
            case .left: hasLeft = true
            }
        }
    }

    private func publish() {
        let now = self.now
        let linkUp = Set(configuration.nodes.map(\.id).filter { agreement.liveness.record(of: $0, at: now) != nil })
        let view = agreement.view
        snapshot.value.withLock { $0 = MembershipSnapshot(view: view, linkUp: linkUp) }
    }

    private var broadcastTargets: [SocketAddress] {
        let known = addresses.filter { $0.key != agreement.me.node }.sorted { $0.key < $1.key }.map(\.value)
        return known + extraTargets.filter { !known.contains($0) }
    }

    private mutating func send(_ message: MembershipMessage, to targets: [SocketAddress]) {
        guard !targets.isEmpty else { return }
        let packets: [ByteBuffer]
        do {
            packets = try writer.pack([.control(channel: HeartbeatDaemon.membershipChannel, payload: message.encoded)])
        } catch {
            logger.error("cannot seal packet", metadata: ["error": "\(error)"])
            return
        }
        for target in targets {
            for packet in packets { udp.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: packet), promise: nil) }
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

import Logging
import NIOCore
import Synchronization

/// Runs the `FailureDetector` and `LinkMonitor` on their own event loop and sockets, so heartbeats are sent and
/// received whatever the data plane is doing. Decides nothing.
///
/// `@unchecked Sendable`: mutable state is touched only on `loop`.
final class HeartbeatPlane: @unchecked Sendable {
    let loop: any EventLoop
    let configuration: NodeConfiguration
    let handlers: MessagingNode.Handlers
    let logger: Logger
    let linkChoices: SharedLinkChoices
    let currentView: Mutex<ViewID>
    var detector: FailureDetector
    var monitor: LinkMonitor
    var writer: PacketWriter
    var reader: PacketReader
    var channels: [any Channel] = []
    var learned: [Int: [NodeID: SocketAddress]] = [:]
    var tickTask: Scheduled<Void>?
    var isStopped = false

    init(
        loop: any EventLoop, configuration: NodeConfiguration, protection: OpenSSLPacketProtection,
        handlers: MessagingNode.Handlers, linkChoices: SharedLinkChoices, logger: Logger
    ) {
        self.loop = loop
        self.configuration = configuration
        self.handlers = handlers
        self.logger = logger
        self.linkChoices = linkChoices
        self.currentView = Mutex(ViewID(0))
        let local = Member(node: configuration.node, incarnation: configuration.incarnation)
        detector = FailureDetector(configuration: configuration.detector, expectedNodes: configuration.expectedNodes)
        monitor = LinkMonitor(linkCount: configuration.links.count, deadtime: configuration.detector.deadtime)
        writer = PacketWriter(
            local: local, clusterID: configuration.clusterID, channel: .heartbeat, maximumPacketSize: 256,
            protection: protection)
        reader = PacketReader(
            local: local, clusterID: configuration.clusterID, channel: .heartbeat, protection: protection)
    }

    static func now() -> Instant { Instant(nanoseconds: Int64(NIODeadline.now().uptimeNanoseconds)) }

    func start() {
        loop.execute { self.perform(self.detector.handle(.started(at: Self.now()))) }
    }

    func stop() {
        loop.execute {
            self.isStopped = true
            self.tickTask?.cancel()
        }
    }

    func received(_ datagram: ByteBuffer, from address: SocketAddress, link: Int) {
        guard case .success(let (header, frames)) = reader.open(datagram), header.channel == .heartbeat else { return }
        learned[link, default: [:]][header.sender.node] = address
        let now = Self.now()
        monitor.heard(header.sender.node, on: link, at: now)
        for case .heartbeat(let view) in frames {
            perform(detector.handle(.heartbeatReceived(from: header.sender, view: view, at: now)))
        }
    }

    func perform(_ directives: [FailureDetector.Directive]) {
        for directive in directives {
            switch directive {
            case .broadcastHeartbeat:
                broadcast()
            case .scheduleTick(let delay):
                guard !isStopped else { continue }
                tickTask = loop.scheduleTask(in: .nanoseconds(delay.nanosecondsClamped)) {
                    self.perform(self.detector.handle(.tick(at: Self.now())))
                    self.linkChoices.update(
                        self.monitor.preferredLinks(at: Self.now()), status: self.monitor.status(at: Self.now()))
                }
            case .peerHeard, .peerLate, .peerSuspected, .nodeNeverHeard:
                handlers.onPeerEvent(directive)
            }
        }
    }

    /// Sends one heartbeat on every link: to each unicast peer, or to the group or broadcast address.
    private func broadcast() {
        let view = currentView.withLock { $0 }
        for (index, link) in configuration.links.enumerated() where index < channels.count {
            // A packet of its own per link: one copy sent on two links would be a replay on the second, and that
            // link would look dead to the receiver's link monitor.
            guard let packet = try? writer.pack([.heartbeat(view: view)]).first else { return }
            for address in Self.heartbeatTargets(link) {
                channels[index].write(AddressedEnvelope(remoteAddress: address, data: packet), promise: nil)
            }
            channels[index].flush()
        }
    }

    /// The heartbeat addresses of a link: the data addresses with the port above.
    static func heartbeatTargets(_ link: LinkConfiguration) -> [SocketAddress] {
        switch link.kind {
        case .unicast(let peers): peers.keys.sorted().compactMap { peers[$0].flatMap(heartbeatAddress) }
        case .multicast(let group, _, _, _): [heartbeatAddress(group)].compactMap { $0 }
        case .broadcast(let address, _): [heartbeatAddress(address)].compactMap { $0 }
        }
    }

    static func heartbeatAddress(_ address: SocketAddress) -> SocketAddress? {
        guard let port = address.port, port < 65_535 else { return nil }
        var copy = address
        copy.port = port + 1
        return copy
    }
}

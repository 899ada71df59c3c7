import Logging
import NIOCore
import Synchronization

/// Runs `GroupMessaging` on one event loop: datagrams in, directives out. Decides nothing.
///
/// `@unchecked Sendable`: every mutable property is touched only on `loop` (each entry point hops to it or
/// asserts it), which is how NIO confines a channel's state.
final class DataPlane: @unchecked Sendable {
    let loop: any EventLoop
    let configuration: NodeConfiguration
    let handlers: MessagingNode.Handlers
    let logger: Logger
    /// Per peer, the link its heartbeats say works (written by the heartbeat plane).
    let preferredLinks: SharedLinkChoices
    var core: GroupMessaging
    var writer: PacketWriter
    var reader: PacketReader
    var channels: [any Channel] = []
    var learned: [Int: [NodeID: SocketAddress]] = [:]
    var outbox: [(frames: [Frame], destination: Destination)] = []
    var isFlushScheduled = false
    var writableWaiters: [@Sendable () -> Void] = []
    var delivered = 0
    var sendErrors = 0

    init(
        loop: any EventLoop, configuration: NodeConfiguration, protection: OpenSSLPacketProtection,
        handlers: MessagingNode.Handlers, preferredLinks: SharedLinkChoices, logger: Logger
    ) {
        self.loop = loop
        self.configuration = configuration
        self.handlers = handlers
        self.logger = logger
        self.preferredLinks = preferredLinks
        let local = Member(node: configuration.node, incarnation: configuration.incarnation)
        core = GroupMessaging(local: local, configuration: configuration.messaging)
        writer = PacketWriter(
            local: local, clusterID: configuration.clusterID, channel: .data,
            maximumPacketSize: configuration.maximumPacketSize, protection: protection)
        reader = PacketReader(local: local, clusterID: configuration.clusterID, protection: protection)
    }

    // MARK: Inbound

    func received(_ datagram: ByteBuffer, from address: SocketAddress, link: Int) {
        loop.assertInEventLoop()
        switch reader.open(datagram) {
        case .failure(let error):
            logger.trace("packet dropped", metadata: ["peer": "\(address)", "error": "\(error)"])
        case .success(let (header, frames)):
            learned[link, default: [:]][header.sender.node] = address
            var protocolFrames: [Frame] = []
            protocolFrames.reserveCapacity(frames.count)
            for frame in frames {
                if case .control(let channel, let payload) = frame {
                    handlers.onControl(header.sender, channel, payload)
                } else {
                    protocolFrames.append(frame)
                }
            }
            if !protocolFrames.isEmpty {
                perform(core.handle(.framesReceived(from: header.sender, frames: protocolFrames)))
            }
        }
    }

    func tick() {
        perform(core.handle(.tick(at: Instant(nanoseconds: Int64(NIODeadline.now().uptimeNanoseconds)))))
        flushOutbox()
    }

    // MARK: Outbound

    func submit(_ payload: ByteBuffer) throws(GroupMessaging.SubmitError) {
        loop.assertInEventLoop()
        try core.validate(payload)
        perform(core.handle(.submitted(payload)))
        scheduleFlush()
    }

    func whenWritable(_ callback: @escaping @Sendable () -> Void) {
        loop.assertInEventLoop()
        writableWaiters.append(callback)
    }

    func perform(_ directives: [GroupMessaging.Directive]) {
        for directive in directives {
            switch directive {
            case .send(let frames, let destination):
                outbox.append((frames, destination))
            case .deliver(let delivery):
                delivered += 1
                handlers.onDelivery(delivery)
            }
        }
        if !writableWaiters.isEmpty && core.canSubmit(size: 1) {
            let waiters = writableWaiters
            writableWaiters.removeAll()
            for waiter in waiters { loop.execute(waiter) }
        }
    }

    func enqueue(_ frames: [Frame], to destination: Destination) {
        outbox.append((frames, destination))
        scheduleFlush()
    }

    func scheduleFlush() {
        guard !isFlushScheduled else { return }
        isFlushScheduled = true
        loop.execute { self.flushOutbox() }
    }

    /// Packs queued frames per destination into datagrams and writes them in one flush (sendmmsg batches them).
    func flushOutbox() {
        isFlushScheduled = false
        guard !outbox.isEmpty else { return }
        let queued = outbox
        outbox.removeAll(keepingCapacity: true)
        var merged: [(frames: [Frame], destination: Destination)] = []
        for item in queued {
            if let last = merged.last, last.destination == item.destination {
                merged[merged.count - 1].frames += item.frames
            } else {
                merged.append(item)
            }
        }
        var touched = Set<Int>()
        for item in merged {
            let packets: [ByteBuffer]
            do {
                packets = try writer.pack(item.frames)
            } catch {
                logger.error("cannot seal packet", metadata: ["error": "\(error)"])
                continue
            }
            for (link, address) in targets(item.destination) {
                for packet in packets {
                    channels[link].write(AddressedEnvelope(remoteAddress: address, data: packet), promise: nil)
                }
                touched.insert(link)
            }
        }
        for link in touched.sorted() { channels[link].flush() }
    }

    /// (link, address) pairs for a destination: each peer on its preferred link; multicast and broadcast once.
    func targets(_ destination: Destination) -> [(Int, SocketAddress)] {
        let preferred = preferredLinks.current
        let nodes: [NodeID]
        switch destination {
        case .members: nodes = knownPeers()
        case .nodes(let list): nodes = list
        }
        var result: [(Int, SocketAddress)] = []
        var groupSent = Set<Int>()
        for node in nodes {
            let link = preferred[node] ?? 0
            switch configuration.links[link].kind {
            case .unicast(let peers):
                if let address = peers[node] { result.append((link, address)) }
            case .multicast(let group, _, _, _):
                if destination == .members {
                    if groupSent.insert(link).inserted { result.append((link, group)) }
                } else if let address = learned[link]?[node] {
                    result.append((link, address))
                }
            case .broadcast(let address, _):
                if destination == .members {
                    if groupSent.insert(link).inserted { result.append((link, address)) }
                } else if let learnedAddress = learned[link]?[node] {
                    result.append((link, learnedAddress))
                }
            }
        }
        if nodes.isEmpty, destination == .members {
            for (index, link) in configuration.links.enumerated() {
                switch link.kind {
                case .multicast(let group, _, _, _): result.append((index, group))
                case .broadcast(let address, _): result.append((index, address))
                case .unicast: break
                }
            }
        }
        return result
    }

    /// Every peer we could address: configured unicast peers and peers learned on any link, sorted.
    func knownPeers() -> [NodeID] {
        var nodes = Set<NodeID>()
        for link in configuration.links {
            if case .unicast(let peers) = link.kind { nodes.formUnion(peers.keys) }
        }
        for (_, peers) in learned { nodes.formUnion(peers.keys) }
        nodes.remove(configuration.node)
        return nodes.sorted()
    }
}

/// The heartbeat plane's choice of link per peer, read by the data plane.
final class SharedLinkChoices: Sendable {
    private let choices = Mutex<[NodeID: Int]>([:])
    private let states = Mutex<[[NodeID]]>([])
    /// Every peer's preferred link.
    var current: [NodeID: Int] { choices.withLock { $0 } }
    /// Per link, the peers it reaches.
    var linkStatus: [[NodeID]] { states.withLock { $0 } }
    func update(_ value: [NodeID: Int], status: [[NodeID]]) {
        choices.withLock { $0 = value }
        states.withLock { $0 = status }
    }
}

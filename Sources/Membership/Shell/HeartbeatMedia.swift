import Glibc
import NIOCore
import NIOPosix

/// ha.cf's `mcast` and `bcast` media resolved against this host's interfaces (getifaddrs, through NIO's
/// `System.enumerateDevices`). The membership socket (the UDP port + 1) joins the groups and sends every
/// announce and round to the groups and broadcast addresses besides the peers it already knows; peers learn
/// each other's unicast addresses from what they receive, as with `ucast`.
struct HeartbeatMedia {
    /// `mcast`: the group joined on `device`, sent to on the membership port.
    struct Multicast {
        var group: SocketAddress
        var device: NIONetworkDevice
        var ttl: Int
        var loop: Bool
    }

    var multicast: [Multicast] = []
    /// `bcast`: each device's IPv4 broadcast address on the membership port.
    var broadcast: [SocketAddress] = []

    /// Where membership broadcasts go besides the known peers.
    var targets: [SocketAddress] { multicast.map(\.group) + broadcast }

    /// Resolves the media; a missing interface, or a combination one socket cannot serve, is a clear error.
    static func resolve(
        _ configuration: HeartbeatConfiguration, local: HeartbeatConfiguration.Node
    ) throws(HeartbeatDaemonError) -> HeartbeatMedia {
        var media = HeartbeatMedia()
        let needsWildcard = configuration.links.contains { if case .unicast = $0 { false } else { true } }
        guard !needsWildcard || local.address == nil else {
            throw .configuration(
                "mcast and bcast need the daemon bound to every address: remove addr= from node \(local.name)")
        }
        let devices: [NIONetworkDevice]
        do {
            devices = needsWildcard ? try System.enumerateDevices() : []
        } catch {
            throw .configuration("cannot list network interfaces: \(error)")
        }
        let port = configuration.udpPort + 1
        for link in configuration.links {
            switch link {
            case .unicast: continue
            case .multicast(let interface, let group, let mediumPort, let ttl, let loop):
                guard mediumPort == configuration.udpPort else {
                    throw .configuration(
                        "mcast \(interface) \(group): port \(mediumPort) must equal udpport \(configuration.udpPort)")
                }
                guard let device = devices.first(where: { $0.name == interface && $0.address?.protocol == .inet })
                else { throw .configuration("mcast: no IPv4 interface named \(interface)") }
                if let first = media.multicast.first, first.device.name != interface || first.ttl != ttl || first.loop != loop {
                    throw .configuration("mcast lines must share one interface, ttl and loop (one membership socket)")
                }
                do {
                    media.multicast.append(
                        Multicast(group: try SocketAddress(ipAddress: group, port: port), device: device, ttl: ttl, loop: loop))
                } catch {
                    throw .configuration("mcast: bad group address \(group)")
                }
            case .broadcast(let interfaces):
                for interface in interfaces {
                    guard let device = devices.first(where: { $0.name == interface && $0.address?.protocol == .inet })
                    else { throw .configuration("bcast: no IPv4 interface named \(interface)") }
                    guard var address = device.broadcastAddress, address.ipAddress != "0.0.0.0" else {
                        throw .configuration(
                            "bcast: interface \(interface) has no IPv4 broadcast address (ip addr add ... brd +)")
                    }
                    address.port = port
                    media.broadcast.append(address)
                }
            }
        }
        return media
    }

    /// Prepares the membership socket: SO_BROADCAST for `bcast`; outgoing interface, TTL, loop and group
    /// membership for `mcast`.
    func configure(_ channel: any Channel) async throws {
        if !broadcast.isEmpty {
            try await channel.setOption(ChannelOptions.socketOption(.so_broadcast), value: 1).get()
        }
        guard let first = multicast.first else { return }
        guard let groups = channel as? any MulticastChannel, let options = channel as? any SocketOptionProvider,
            case .v4(let interfaceAddress)? = first.device.address
        else { throw HeartbeatDaemonError.configuration("the membership socket cannot join multicast groups") }
        try await options.setIPMulticastIF(interfaceAddress.address.sin_addr).get()
        try await options.setIPMulticastTTL(CUnsignedChar(clamping: first.ttl)).get()
        try await options.setIPMulticastLoop(first.loop ? 1 : 0).get()
        for medium in multicast {
            var group = medium.group
            group.port = 0
            try await groups.joinGroup(group, device: medium.device).get()
        }
    }
}

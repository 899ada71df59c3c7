import Glibc
import NIOCore

/// Why a call to the crmd failed.
public enum CRMDClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No crmd listens at the socket (not running, or no permission).
    case cannotConnect(path: String, reason: String)
    /// The connection broke or timed out mid-request.
    case connectionLost(String)
    /// The crmd sent bytes that are not a response.
    case malformed(String)

    public var description: String {
        switch self {
        case .cannotConnect(let path, let reason): "cannot connect to the crmd at \(path): \(reason)"
        case .connectionLost(let reason): "lost the connection to the crmd: \(reason)"
        case .malformed(let reason): "malformed answer from the crmd: \(reason)"
        }
    }
}

/// A blocking client of the crmd socket, for the command-line tools: one request at a time.
public final class CRMDClient {
    /// The socket path.
    public let path: String
    let descriptor: Int32

    /// The crmd socket of the run directory the environment names (`HA_RUN_DIR`, else `/run/linux-ha`).
    public static func socketPath(environment: [String: String]) -> String {
        let run = environment["HA_RUN_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/run/linux-ha"
        return run + "/crmd.sock"
    }

    /// Connects; `timeout` bounds every later request.
    public init(path: String, timeout: Duration = .seconds(60)) throws(CRMDClientError) {
        self.path = path
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .cannotConnect(path: path, reason: String(cString: strerror(errno))) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(descriptor)
            throw .cannotConnect(path: path, reason: "path too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw .cannotConnect(path: path, reason: reason)
        }
        var limit = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Sends one request and waits for its answer.
    public func request(_ request: CRMDRequest) throws(CRMDClientError) -> CRMDResponse {
        let frame = CRMDWire.frame(CRMDWire.encode(request))
        try send(Array(frame.readableBytesView))
        let header = try receive(4)
        let length = header.reduce(0) { ($0 << 8) | Int($1) }
        guard length <= CRMDWire.maximumFrame else { throw .malformed("frame of \(length) bytes") }
        let body = ByteBuffer(bytes: try receive(length))
        do {
            return try CRMDWire.decodeResponse(body)
        } catch {
            throw .malformed("\(error)")
        }
    }

    private func send(_ bytes: [UInt8]) throws(CRMDClientError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { throw .connectionLost(String(cString: strerror(errno))) }
            offset += sent
        }
    }

    private func receive(_ count: Int) throws(CRMDClientError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let received = bytes[offset...].withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if received < 0 && errno == EINTR { continue }
            if received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { throw .connectionLost("timed out") }
            guard received > 0 else {
                throw .connectionLost(received == 0 ? "closed by the crmd" : String(cString: strerror(errno)))
            }
            offset += received
        }
        return bytes
    }
}

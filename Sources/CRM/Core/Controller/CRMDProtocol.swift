import NIOCore

/// A request from a tool to the local crmd over `<run-dir>/crmd.sock`. Each frame is a 32-bit big-endian
/// length and a body: a format version byte, a kind byte and fields (big-endian integers, UTF-8 text with a
/// 32-bit length). See Docs/Controller.md, "The crmd socket".
public enum CRMDRequest: Sendable, Equatable {
    /// Query the CIB (`.whole`, a scope or an XPath) with the ACLs of the requesting user. `user` (`CIB_user`)
    /// is honoured only when the peer is root or the daemon's own user; otherwise the peer's user counts.
    case query(CIBTarget, user: String?)
    /// Apply a `CIBUpdateBody`; answered once the DC decided it (committed means durable on a quorum).
    /// The body's `user` is replaced by the peer's user unless the peer is root or the daemon's user.
    case update(body: String)
    /// The crmd's view of the cluster: its node, the DC, quorum.
    case ping
}

/// The crmd's answer to one request.
public enum CRMDResponse: Sendable, Equatable {
    /// The elements a query selected, serialized.
    case elements([String])
    /// How an update ended.
    case outcome(UpdateOutcome)
    /// Answer to `.ping`.
    case pong(node: String, dc: String?, isQuorate: Bool, view: UInt64)
    /// The request failed; `exitCode` is Pacemaker's exit code for the reason.
    case failure(exitCode: Int, message: String)
}

/// The socket's framing and the codecs of `CRMDRequest` and `CRMDResponse`.
public enum CRMDWire {
    /// The format version written first in every body.
    public static let version: UInt8 = 1
    /// The largest frame body accepted (a whole CIB fits).
    public static let maximumFrame = 512 << 20

    /// Wraps a body in its length prefix.
    public static func frame(_ body: ByteBuffer) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(body.readableBytes))
        buffer.writeImmutableBuffer(body)
        return buffer
    }

    /// Takes one whole body off `buffer`, nil when more bytes are needed.
    public static func nextBody(from buffer: inout ByteBuffer) throws(ControllerWireError) -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard Int(length) <= maximumFrame else { throw .invalid(field: "frame length", value: "\(length)") }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: Int(length))
    }

    /// Encodes a request body.
    public static func encode(_ request: CRMDRequest) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(version)
        switch request {
        case .query(let target, let user):
            buffer.writeInteger(UInt8(1))
            switch target {
            case .whole:
                buffer.writeInteger(UInt8(0))
            case .scope(let scope):
                buffer.writeInteger(UInt8(1))
                buffer.writeText(scope.rawValue)
            case .xpath(let xpath):
                buffer.writeInteger(UInt8(2))
                buffer.writeText(xpath)
            }
            buffer.writeOptionalText(user)
        case .update(let body):
            buffer.writeInteger(UInt8(2))
            buffer.writeText(body)
        case .ping:
            buffer.writeInteger(UInt8(3))
        }
        return buffer
    }

    /// Decodes a request body. Never traps.
    public static func decodeRequest(_ body: ByteBuffer) throws(ControllerWireError) -> CRMDRequest {
        var buffer = WireReader(buffer: body)
        try readVersion(&buffer)
        let kind: UInt8 = try buffer.integer("request kind")
        let request: CRMDRequest
        switch kind {
        case 1:
            let targetKind: UInt8 = try buffer.integer("target kind")
            let target: CIBTarget
            switch targetKind {
            case 0: target = .whole
            case 1:
                let name = try buffer.text("scope")
                guard let scope = CIBScope(rawValue: name) else { throw .invalid(field: "scope", value: name) }
                target = .scope(scope)
            case 2: target = .xpath(try buffer.text("xpath"))
            default: throw .invalid(field: "target kind", value: "\(targetKind)")
            }
            request = .query(target, user: try buffer.optionalText("user"))
        case 2: request = .update(body: try buffer.text("body"))
        case 3: request = .ping
        default: throw .invalid(field: "request kind", value: "\(kind)")
        }
        try finished(buffer)
        return request
    }

    /// Encodes a response body.
    public static func encode(_ response: CRMDResponse) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(version)
        switch response {
        case .elements(let elements):
            buffer.writeInteger(UInt8(1))
            buffer.writeInteger(UInt32(elements.count))
            for element in elements { buffer.writeText(element) }
        case .outcome(let outcome):
            buffer.writeInteger(UInt8(2))
            buffer.writeOutcome(outcome)
        case .pong(let node, let dc, let isQuorate, let view):
            buffer.writeInteger(UInt8(3))
            buffer.writeText(node)
            buffer.writeOptionalText(dc)
            buffer.writeInteger(UInt8(isQuorate ? 1 : 0))
            buffer.writeInteger(view)
        case .failure(let code, let message):
            buffer.writeInteger(UInt8(4))
            buffer.writeInteger(Int64(code))
            buffer.writeText(message)
        }
        return buffer
    }

    /// Decodes a response body. Never traps.
    public static func decodeResponse(_ body: ByteBuffer) throws(ControllerWireError) -> CRMDResponse {
        var buffer = WireReader(buffer: body)
        try readVersion(&buffer)
        let kind: UInt8 = try buffer.integer("response kind")
        let response: CRMDResponse
        switch kind {
        case 1:
            let count: UInt32 = try buffer.integer("element count")
            var elements: [String] = []
            for _ in 0..<count { elements.append(try buffer.text("element")) }
            response = .elements(elements)
        case 2: response = .outcome(try buffer.outcome())
        case 3:
            let node = try buffer.text("node")
            let dc = try buffer.optionalText("dc")
            let isQuorate = try buffer.flag("quorate")
            response = .pong(node: node, dc: dc, isQuorate: isQuorate, view: try buffer.integer("view"))
        case 4: response = .failure(exitCode: try buffer.int("exit code"), message: try buffer.text("message"))
        default: throw .invalid(field: "response kind", value: "\(kind)")
        }
        try finished(buffer)
        return response
    }

    private static func readVersion(_ buffer: inout WireReader) throws(ControllerWireError) {
        let found: UInt8 = try buffer.integer("version")
        guard found == version else { throw .unsupportedVersion(found) }
    }

    private static func finished(_ reader: WireReader) throws(ControllerWireError) {
        let left = reader.buffer.readableBytes
        guard left == 0 else { throw .invalid(field: "trailing bytes", value: "\(left)") }
    }
}

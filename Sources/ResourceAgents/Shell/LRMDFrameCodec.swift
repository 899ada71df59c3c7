import NIOCore

/// Splits the byte stream into lrmd messages. Only frames and decodes: a bad frame is passed on as an error
/// value, so the connection handler can answer it instead of crashing.
struct LRMDFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = Result<LRMDMessage, LRMDProtocolError>

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        do {
            guard let message = try LRMDMessage.read(from: &buffer) else { return .needMoreData }
            context.fireChannelRead(wrapInboundOut(.success(message)))
        } catch .frameTooLarge(let size) {
            // The stream cannot be resynchronised after an oversized length: report, then drop the connection.
            context.fireChannelRead(wrapInboundOut(.failure(.frameTooLarge(size))))
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            context.close(promise: nil)
            return .needMoreData
        } catch {
            context.fireChannelRead(wrapInboundOut(.failure(error)))
        }
        return .continue
    }
}

/// Writes lrmd messages as frames.
struct LRMDFrameEncoder: MessageToByteEncoder {
    typealias OutboundIn = LRMDMessage

    func encode(data: LRMDMessage, out: inout ByteBuffer) throws {
        data.write(into: &out)
    }
}

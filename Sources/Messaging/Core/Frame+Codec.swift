import NIOCore

extension Frame {
    /// Bytes this frame takes on the wire, including its 3-byte type and length prefix.
    public var encodedSize: Int {
        3 + contentSize
    }

    private var contentSize: Int {
        switch self {
        case .heartbeat: 8
        case .data(let unit): 29 + unit.payload.readableBytes
        case .order(let record): 18 + 16 * record.runs.count
        case .status: 32
        case .nack(let nack): 14 + 16 * nack.ranges.count
        case .flush: 25
        case .control(_, let payload): 1 + payload.readableBytes
        }
    }

    /// Appends the frame. Frames larger than 65535 content bytes are a programmer error (the packer splits).
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: encodedSize) { raw in
            var store = ByteStore(raw)
            encode(into: &store)
            return store.offset
        }
    }

    /// Stores the frame at `store`'s offset; the caller reserved `encodedSize` bytes.
    func encode(into store: inout ByteStore) {
        precondition(contentSize <= Int(UInt16.max), "frame of \(contentSize) bytes exceeds the frame limit")
        store.put(typeCode)
        store.put(UInt16(contentSize))
        switch self {
        case .heartbeat(let view):
            store.put(view.rawValue)
        case .data(let unit):
            store.put(unit.view.rawValue)
            store.put(unit.origin.rawValue)
            store.put(unit.sequence)
            store.put(unit.message)
            store.put(UInt8((unit.isFirst ? 1 : 0) | (unit.isLast ? 2 : 0)))
            unit.payload.withUnsafeReadableBytes { store.put($0) }
        case .order(let record):
            store.put(record.view.rawValue)
            store.put(record.firstGlobal)
            store.put(UInt16(record.runs.count))
            for run in record.runs {
                store.put(run.sender.rawValue)
                store.put(run.firstSequence)
                store.put(run.count)
            }
        case .status(let report):
            store.put(report.view.rawValue)
            store.put(report.highestSent)
            store.put(report.highestOrdered)
            store.put(report.delivered)
        case .nack(let nack):
            store.put(nack.view.rawValue)
            switch nack.target {
            case .sender(let node):
                store.put(UInt8(0))
                store.put(node.rawValue)
            case .global:
                store.put(UInt8(1))
                store.put(UInt32(0))
            }
            store.put(UInt8(nack.ranges.count))
            for range in nack.ranges {
                store.put(range.lowerBound)
                store.put(range.upperBound)
            }
        case .flush(let report):
            store.put(report.oldView.rawValue)
            store.put(report.newView.rawValue)
            store.put(report.complete)
            store.put(UInt8((report.wantsReply ? 1 : 0) | (report.notMember ? 2 : 0)))
        case .control(let channel, let payload):
            store.put(channel)
            payload.withUnsafeReadableBytes { store.put($0) }
        }
    }

    /// Reads every frame of an authenticated body. Never traps, whatever the bytes.
    public static func decodeAll(_ body: inout ByteBuffer, count: Int) throws(PacketError) -> [Frame] {
        let result: Result<[Frame], PacketError> = body.withUnsafeReadableBytes { raw in
            var frames: [Frame] = []
            frames.reserveCapacity(count)
            var cursor = ByteCursor(raw)
            for _ in 0..<count {
                guard let type = cursor.take(UInt8.self), let length = cursor.take(UInt16.self),
                    cursor.remaining >= Int(length)
                else { return .failure(.truncated(needed: 3, available: cursor.remaining)) }
                let next = cursor.offset + Int(length)
                var content = cursor
                content.end = next
                guard let frame = decodeContent(type: type, &content, payloads: body),
                    content.remaining == 0 || type == 2 || type == 7
                else { return .failure(.malformedFrame(type: type)) }
                frames.append(frame)
                cursor.offset = next
            }
            guard cursor.remaining == 0 else { return .failure(.malformedFrame(type: 0)) }
            return .success(frames)
        }
        let frames = try result.get()
        body.moveReaderIndex(forwardBy: body.readableBytes)
        return frames
    }

    /// The rest of the content as a slice of `payloads` (the body the cursor reads), without copying.
    private static func rest(_ content: inout ByteCursor, of payloads: ByteBuffer) -> ByteBuffer {
        defer { content.offset = content.end }
        return payloads.getSlice(at: payloads.readerIndex + content.offset, length: content.remaining) ?? ByteBuffer()
    }

    private static func decodeContent(type: UInt8, _ content: inout ByteCursor, payloads: ByteBuffer) -> Frame? {
        switch type {
        case 1:
            return content.take(UInt64.self).map { .heartbeat(view: ViewID($0)) }
        case 2:
            guard let view = content.take(UInt64.self), let origin = content.take(UInt32.self),
                let sequence = content.take(UInt64.self), let message = content.take(UInt64.self),
                let flags = content.take(UInt8.self), flags & 0xFC == 0, sequence > 0, message > 0
            else { return nil }
            return .data(
                DataUnit(
                    view: ViewID(view), origin: NodeID(origin), sequence: sequence, message: message,
                    isFirst: flags & 1 != 0, isLast: flags & 2 != 0, payload: rest(&content, of: payloads)))
        case 3:
            return decodeOrder(&content)
        case 4:
            guard let view = content.take(UInt64.self), let sent = content.take(UInt64.self),
                let ordered = content.take(UInt64.self), let delivered = content.take(UInt64.self)
            else { return nil }
            return .status(
                StatusReport(view: ViewID(view), highestSent: sent, highestOrdered: ordered, delivered: delivered))
        case 5:
            return decodeNack(&content)
        case 6:
            guard let old = content.take(UInt64.self), let new = content.take(UInt64.self),
                let complete = content.take(UInt64.self), let flags = content.take(UInt8.self), flags & 0xFC == 0
            else { return nil }
            return .flush(
                FlushReport(
                    oldView: ViewID(old), newView: ViewID(new), complete: complete, wantsReply: flags & 1 != 0,
                    notMember: flags & 2 != 0))
        case 7:
            guard let channel = content.take(UInt8.self) else { return nil }
            return .control(channel: channel, payload: rest(&content, of: payloads))
        default:
            return nil
        }
    }

    private static func decodeOrder(_ content: inout ByteCursor) -> Frame? {
        guard let view = content.take(UInt64.self), let first = content.take(UInt64.self),
            let count = content.take(UInt16.self), first > 0
        else { return nil }
        var runs: [OrderRecord.Run] = []
        runs.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let sender = content.take(UInt32.self), let sequence = content.take(UInt64.self),
                let runCount = content.take(UInt32.self), runCount > 0, sequence > 0,
                sequence <= UInt64.max - UInt64(runCount)
            else { return nil }
            runs.append(OrderRecord.Run(sender: NodeID(sender), firstSequence: sequence, count: runCount))
        }
        let total = runs.reduce(UInt64(0)) { $0 + UInt64($1.count) }
        guard !runs.isEmpty, first <= UInt64.max - total else { return nil }
        return .order(OrderRecord(view: ViewID(view), firstGlobal: first, runs: runs))
    }

    private static func decodeNack(_ content: inout ByteCursor) -> Frame? {
        guard let view = content.take(UInt64.self), let kind = content.take(UInt8.self),
            let node = content.take(UInt32.self), let count = content.take(UInt8.self),
            kind <= 1, Int(count) <= Nack.maximumRanges
        else { return nil }
        var ranges: [ClosedRange<UInt64>] = []
        for _ in 0..<count {
            guard let low = content.take(UInt64.self), let high = content.take(UInt64.self), low <= high, low > 0
            else { return nil }
            ranges.append(low...high)
        }
        let target: Nack.Target = kind == 0 ? .sender(NodeID(node)) : .global
        return .nack(Nack(view: ViewID(view), target: target, ranges: ranges))
    }
}

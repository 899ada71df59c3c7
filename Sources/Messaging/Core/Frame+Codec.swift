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
        precondition(contentSize <= Int(UInt16.max), "frame of \(contentSize) bytes exceeds the frame limit")
        buffer.writeInteger(typeCode)
        buffer.writeInteger(UInt16(contentSize))
        switch self {
        case .heartbeat(let view):
            buffer.writeInteger(view.rawValue)
        case .data(let unit):
            buffer.writeInteger(unit.view.rawValue)
            buffer.writeInteger(unit.origin.rawValue)
            buffer.writeInteger(unit.sequence)
            buffer.writeInteger(unit.message)
            buffer.writeInteger(UInt8((unit.isFirst ? 1 : 0) | (unit.isLast ? 2 : 0)))
            var payload = unit.payload
            buffer.writeBuffer(&payload)
        case .order(let record):
            buffer.writeInteger(record.view.rawValue)
            buffer.writeInteger(record.firstGlobal)
            buffer.writeInteger(UInt16(record.runs.count))
            for run in record.runs {
                buffer.writeInteger(run.sender.rawValue)
                buffer.writeInteger(run.firstSequence)
                buffer.writeInteger(run.count)
            }
        case .status(let report):
            buffer.writeMultipleIntegers(
                report.view.rawValue, report.highestSent, report.highestOrdered, report.delivered)
        case .nack(let nack):
            encodeNack(nack, into: &buffer)
        case .flush(let report):
            buffer.writeMultipleIntegers(report.oldView.rawValue, report.newView.rawValue, report.complete)
            buffer.writeInteger(UInt8((report.wantsReply ? 1 : 0) | (report.notMember ? 2 : 0)))
        case .control(let channel, let payload):
            buffer.writeInteger(channel)
            var payload = payload
            buffer.writeBuffer(&payload)
        }
    }

    private func encodeNack(_ nack: Nack, into buffer: inout ByteBuffer) {
        buffer.writeInteger(nack.view.rawValue)
        switch nack.target {
        case .sender(let node):
            buffer.writeInteger(UInt8(0))
            buffer.writeInteger(node.rawValue)
        case .global:
            buffer.writeInteger(UInt8(1))
            buffer.writeInteger(UInt32(0))
        }
        buffer.writeInteger(UInt8(nack.ranges.count))
        for range in nack.ranges {
            buffer.writeInteger(range.lowerBound)
            buffer.writeInteger(range.upperBound)
        }
    }

    /// Reads every frame of an authenticated body. Never traps, whatever the bytes.
    public static func decodeAll(_ body: inout ByteBuffer, count: Int) throws(PacketError) -> [Frame] {
        var frames: [Frame] = []
        frames.reserveCapacity(count)
        for _ in 0..<count {
            guard let type = body.readInteger(as: UInt8.self), let length = body.readInteger(as: UInt16.self),
                var content = body.readSlice(length: Int(length))
            else { throw .truncated(needed: 3, available: body.readableBytes) }
            guard let frame = decodeContent(type: type, &content), content.readableBytes == 0 || type == 2
                || type == 7
            else { throw .malformedFrame(type: type) }
            frames.append(frame)
        }
        guard body.readableBytes == 0 else { throw .malformedFrame(type: 0) }
        return frames
    }

    private static func decodeContent(type: UInt8, _ content: inout ByteBuffer) -> Frame? {
        switch type {
        case 1:
            return content.readInteger(as: UInt64.self).map { .heartbeat(view: ViewID($0)) }
        case 2:
            guard
                let (view, origin, sequence, message) = content.readMultipleIntegers(
                    as: (UInt64, UInt32, UInt64, UInt64).self),
                let flags = content.readInteger(as: UInt8.self), flags & 0xFC == 0, sequence > 0, message > 0
            else { return nil }
            let payload = content.readSlice(length: content.readableBytes) ?? ByteBuffer()
            return .data(
                DataUnit(
                    view: ViewID(view), origin: NodeID(origin), sequence: sequence, message: message,
                    isFirst: flags & 1 != 0, isLast: flags & 2 != 0, payload: payload))
        case 3:
            return decodeOrder(&content)
        case 4:
            guard let (view, sent, ordered, delivered) = content.readMultipleIntegers(
                as: (UInt64, UInt64, UInt64, UInt64).self)
            else { return nil }
            return .status(
                StatusReport(view: ViewID(view), highestSent: sent, highestOrdered: ordered, delivered: delivered))
        case 5:
            return decodeNack(&content)
        case 6:
            guard let (old, new, complete) = content.readMultipleIntegers(as: (UInt64, UInt64, UInt64).self),
                let flags = content.readInteger(as: UInt8.self), flags & 0xFC == 0
            else { return nil }
            return .flush(
                FlushReport(
                    oldView: ViewID(old), newView: ViewID(new), complete: complete, wantsReply: flags & 1 != 0,
                    notMember: flags & 2 != 0))
        case 7:
            guard let channel = content.readInteger(as: UInt8.self) else { return nil }
            return .control(channel: channel, payload: content.readSlice(length: content.readableBytes) ?? ByteBuffer())
        default:
            return nil
        }
    }

    private static func decodeOrder(_ content: inout ByteBuffer) -> Frame? {
        guard let (view, first) = content.readMultipleIntegers(as: (UInt64, UInt64).self),
            let count = content.readInteger(as: UInt16.self), first > 0
        else { return nil }
        var runs: [OrderRecord.Run] = []
        runs.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let (sender, sequence, runCount) = content.readMultipleIntegers(as: (UInt32, UInt64, UInt32).self),
                runCount > 0, sequence > 0, sequence <= UInt64.max - UInt64(runCount)
            else { return nil }
            runs.append(OrderRecord.Run(sender: NodeID(sender), firstSequence: sequence, count: runCount))
        }
        let total = runs.reduce(UInt64(0)) { $0 + UInt64($1.count) }
        guard !runs.isEmpty, first <= UInt64.max - total else { return nil }
        return .order(OrderRecord(view: ViewID(view), firstGlobal: first, runs: runs))
    }

    private static func decodeNack(_ content: inout ByteBuffer) -> Frame? {
        guard let view = content.readInteger(as: UInt64.self), let kind = content.readInteger(as: UInt8.self),
            let node = content.readInteger(as: UInt32.self), let count = content.readInteger(as: UInt8.self),
            kind <= 1, Int(count) <= Nack.maximumRanges
        else { return nil }
        var ranges: [ClosedRange<UInt64>] = []
        for _ in 0..<count {
            guard let (low, high) = content.readMultipleIntegers(as: (UInt64, UInt64).self), low <= high, low > 0
            else { return nil }
            ranges.append(low...high)
        }
        let target: Nack.Target = kind == 0 ? .sender(NodeID(node)) : .global
        return .nack(Nack(view: ViewID(view), target: target, ranges: ranges))
    }
}

import NIOCore

extension LRMDMessage {
    /// The largest frame either side accepts (meta-data and history fit easily; megabytes of output do not,
    /// since captured output is bounded before it gets here).
    public static let maximumFrameBytes = 16 << 20

    /// Appends the message as one frame: a 4-byte big-endian length, then the text body.
    public func write(into buffer: inout ByteBuffer) {
        let body = WireRecord.encode(records)
        buffer.writeInteger(UInt32(body.utf8.count))
        buffer.writeString(body)
    }

    /// Reads one frame if a whole one is buffered; nil if more bytes are needed.
    public static func read(from buffer: inout ByteBuffer) throws(LRMDProtocolError) -> LRMDMessage? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard Int(length) <= maximumFrameBytes else { throw .frameTooLarge(Int(length)) }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        let body = buffer.readString(length: Int(length)) ?? ""
        return try LRMDMessage(records: WireRecord.decode(body))
    }

    var records: [WireRecord] {
        var header = WireRecord()
        switch self {
        case .request(let id, let request):
            header.set("type", "request")
            header.set("id", String(id))
            return request.encode(into: header)
        case .response(let id, let response):
            header.set("type", "response")
            header.set("id", String(id))
            return response.encode(into: header)
        case .result(let result):
            header.set("type", "result")
            return [header, result.record]
        }
    }

    init(records: [WireRecord]) throws(LRMDProtocolError) {
        guard let header = records.first else { throw .missingField("type") }
        let type = try header.require("type")
        switch type {
        case "request": self = .request(id: UInt64(try header.integer("id")), try LRMDRequest(records: records))
        case "response": self = .response(id: UInt64(try header.integer("id")), try LRMDResponse(records: records))
        case "result":
            guard records.count == 2 else { throw .missingField("result") }
            self = .result(try OperationResult(record: records[1]))
        default: throw .unknownType(type)
        }
    }
}

extension LRMDRequest {
    func encode(into header: WireRecord) -> [WireRecord] {
        var header = header
        switch self {
        case .register(let definition):
            header.set("request", "register")
            return [header, definition.record]
        case .unregister(let resource):
            header.set("request", "unregister")
            header.set("resource", resource)
        case .execute(let operation):
            header.set("request", "execute")
            return [header, operation.record]
        case .cancel(let key):
            header.set("request", "cancel")
            key.write(into: &header)
        case .history(let resource):
            header.set("request", "history")
            header.set("resource", resource)
        case .listResources: header.set("request", "resources")
        case .listStandards: header.set("request", "standards")
        case .listProviders(let agentType):
            header.set("request", "providers")
            header.set("agent", agentType)
        case .listAgents(let standard, let provider):
            header.set("request", "agents")
            header.set("class", standard.rawValue)
            header.set("provider", provider)
        case .metadata(let agent):
            header.set("request", "metadata")
            header.set("agent", agent.description)
        case .subscribe: header.set("request", "subscribe")
        }
        return [header]
    }

    init(records: [WireRecord]) throws(LRMDProtocolError) {
        let header = records[0]
        let kind = try header.require("request")
        func body() throws(LRMDProtocolError) -> WireRecord {
            guard records.count > 1 else { throw .missingField("\(kind) body") }
            return records[1]
        }
        switch kind {
        case "register": self = .register(try ResourceDefinition(record: body()))
        case "unregister": self = .unregister(resource: try header.require("resource"))
        case "execute": self = .execute(try OperationRequest(record: body()))
        case "cancel": self = .cancel(try OperationKey(record: header))
        case "history": self = .history(resource: header["resource"])
        case "resources": self = .listResources
        case "standards": self = .listStandards
        case "providers": self = .listProviders(agentType: header["agent"])
        case "agents":
            let name = try header.require("class")
            guard let standard = AgentStandard(rawValue: name) else { throw .invalidField(name: "class", value: name) }
            self = .listAgents(standard, provider: header["provider"])
        case "metadata": self = .metadata(try AgentIdentifier.decoding(header.require("agent")))
        case "subscribe": self = .subscribe
        default: throw .unknownType(kind)
        }
    }
}

extension LRMDResponse {
    func encode(into header: WireRecord) -> [WireRecord] {
        var header = header
        switch self {
        case .ok: header.set("response", "ok")
        case .accepted(let callID):
            header.set("response", "accepted")
            header.set("call-id", callID.description)
        case .failure(let message):
            header.set("response", "failure")
            header.set("message", message)
        case .results(let results):
            header.set("response", "results")
            return [header] + results.map(\.record)
        case .resources(let definitions):
            header.set("response", "resources")
            return [header] + definitions.map(\.record)
        case .names(let names):
            header.set("response", "names")
            for name in names { header.set("name", name) }
        case .metadata(let text):
            header.set("response", "metadata")
            header.set("xml", text)
        }
        return [header]
    }

    init(records: [WireRecord]) throws(LRMDProtocolError) {
        let header = records[0]
        let kind = try header.require("response")
        switch kind {
        case "ok": self = .ok
        case "accepted": self = .accepted(CallID(try header.integer("call-id")))
        case "failure": self = .failure(try header.require("message"))
        case "results":
            var results: [OperationResult] = []
            for record in records.dropFirst() { results.append(try OperationResult(record: record)) }
            self = .results(results)
        case "resources":
            var definitions: [ResourceDefinition] = []
            for record in records.dropFirst() { definitions.append(try ResourceDefinition(record: record)) }
            self = .resources(definitions)
        case "names": self = .names(header.fields.filter { $0.0 == "name" }.map(\.1))
        case "metadata": self = .metadata(try header.require("xml"))
        default: throw .unknownType(kind)
        }
    }
}

extension AgentIdentifier {
    static func decoding(_ text: String) throws(LRMDProtocolError) -> AgentIdentifier {
        do { return try AgentIdentifier(parsing: text) } catch { throw .invalidField(name: "agent", value: text) }
    }
}

extension OperationKey {
    func write(into record: inout WireRecord) {
        record.set("resource", resource)
        record.set("action", action)
        record.set("interval-ms", String(intervalMilliseconds))
    }

    init(record: WireRecord) throws(LRMDProtocolError) {
        self.init(
            resource: try record.require("resource"), action: try record.require("action"),
            interval: try record.milliseconds("interval-ms"))
    }
}

extension ResourceDefinition {
    var record: WireRecord {
        var record = WireRecord()
        record.set("id", id)
        record.set("agent", agent.description)
        record.set(prefix: "param", parameters)
        return record
    }

    init(record: WireRecord) throws(LRMDProtocolError) {
        self.init(
            id: try record.require("id"), agent: try AgentIdentifier.decoding(record.require("agent")),
            parameters: record.dictionary(prefix: "param"))
    }
}

extension OperationRequest {
    var record: WireRecord {
        var record = WireRecord()
        key.write(into: &record)
        record.set("timeout-ms", String(timeout.wholeMilliseconds))
        record.set("start-delay-ms", String(startDelay.wholeMilliseconds))
        record.set("notify-changes-only", notifiesChangesOnly ? "1" : "0")
        record.set("notify-origin-only", notifiesOriginOnly ? "1" : "0")
        record.set(prefix: "param", parameters)
        return record
    }

    init(record: WireRecord) throws(LRMDProtocolError) {
        self.init(
            key: try OperationKey(record: record),
            timeout: try record.milliseconds("timeout-ms", default: .seconds(20)),
            startDelay: try record.milliseconds("start-delay-ms"), parameters: record.dictionary(prefix: "param"),
            notifiesChangesOnly: record["notify-changes-only"] == "1",
            notifiesOriginOnly: record["notify-origin-only"] == "1")
    }
}

extension OperationResult {
    var record: WireRecord {
        var record = WireRecord()
        key.write(into: &record)
        record.set("call-id", callID.description)
        record.set("rc", String(exitCode.rawValue))
        record.set("op-status", String(status.rawValue))
        record.set("exit-reason", exitReason)
        record.set("output", output)
        record.set("started-us", String(startedAt.wholeMicroseconds))
        record.set("queue-time-us", String(queueTime.wholeMicroseconds))
        record.set("exec-time-us", String(executionTime.wholeMicroseconds))
        return record
    }

    init(record: WireRecord) throws(LRMDProtocolError) {
        let statusValue = try record.integer("op-status")
        guard let status = ExecutionStatus(rawValue: Int32(clamping: statusValue)) else {
            throw .invalidField(name: "op-status", value: String(statusValue))
        }
        self.init(
            key: try OperationKey(record: record), callID: CallID(try record.integer("call-id")),
            exitCode: OCFExitCode(rawValue: Int32(clamping: try record.integer("rc"))), status: status,
            exitReason: record["exit-reason"] ?? "", output: record["output"] ?? "",
            startedAt: .microseconds(try record.integer("started-us")),
            queueTime: .microseconds(try record.integer("queue-time-us")),
            executionTime: .microseconds(try record.integer("exec-time-us")))
    }
}

extension Duration {
    /// The duration in whole microseconds, rounded down.
    public var wholeMicroseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}

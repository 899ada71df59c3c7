/// A request a client sends to lrmd.
public enum LRMDRequest: Sendable, Hashable {
    /// Register (or replace) a resource.
    case register(ResourceDefinition)
    /// Remove a resource.
    case unregister(resource: String)
    /// Run an operation; the reply carries its call id, the result arrives as an event.
    case execute(OperationRequest)
    /// Cancel an operation by key.
    case cancel(OperationKey)
    /// The last result per operation of one resource, or of all when nil.
    case history(resource: String?)
    /// The registered resources.
    case listResources
    /// The supported standards (classes).
    case listStandards
    /// OCF providers, optionally only those of one agent type.
    case listProviders(agentType: String?)
    /// Agent types of a standard (and OCF provider).
    case listAgents(AgentStandard, provider: String?)
    /// An agent's meta-data XML (cached by lrmd).
    case metadata(AgentIdentifier)
    /// Receive every operation result from now on.
    case subscribe
}

/// lrmd's answer to one request.
public enum LRMDResponse: Sendable, Hashable {
    /// Done.
    case ok
    /// The operation was accepted with this call id.
    case accepted(CallID)
    /// Refused or failed; the text says why.
    case failure(String)
    /// Operation results (history).
    case results([OperationResult])
    /// Resource definitions.
    case resources([ResourceDefinition])
    /// A list of names (standards, providers, agents).
    case names([String])
    /// Meta-data XML text.
    case metadata(String)
}

/// Everything that travels on the lrmd socket, in either direction.
public enum LRMDMessage: Sendable, Hashable {
    /// Client to lrmd: a request with the client's id for it.
    case request(id: UInt64, LRMDRequest)
    /// lrmd to client: the answer to request `id`.
    case response(id: UInt64, LRMDResponse)
    /// lrmd to a subscribed client: an operation finished (or was cancelled).
    case result(OperationResult)
}

/// Why bytes on the lrmd socket could not be read as a message.
public enum LRMDProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A frame is bigger than the limit.
    case frameTooLarge(Int)
    /// A line is not `name=value`.
    case malformedLine(String)
    /// A field is missing.
    case missingField(String)
    /// A field's value is not valid.
    case invalidField(name: String, value: String)
    /// The message type is unknown.
    case unknownType(String)

    /// A message naming the problem.
    public var description: String {
        switch self {
        case .frameTooLarge(let size): "lrmd frame of \(size) bytes is over the limit"
        case .malformedLine(let line): "lrmd message line '\(line.prefix(80))' is not name=value"
        case .missingField(let name): "lrmd message lacks field '\(name)'"
        case .invalidField(let name, let value): "lrmd message field '\(name)' has invalid value '\(value.prefix(80))'"
        case .unknownType(let type): "unknown lrmd message type '\(type)'"
        }
    }
}

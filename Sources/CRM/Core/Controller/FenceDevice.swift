import XML

/// A fence device as the CIB configures it: a primitive of class `stonith` with its instance attributes.
/// The crmd runs it through its node's lrmd (as resource `id`) to fence a node.
public struct FenceDevice: Sendable, Hashable {
    /// The primitive's id.
    public var id: String
    /// The fence agent (`fence_ha_test`).
    public var type: String
    /// Instance attributes (the first `instance_attributes` set's nvpairs).
    public var parameters: [String: String]

    /// Builds a device.
    public init(id: String, type: String, parameters: [String: String]) {
        self.id = id
        self.type = type
        self.parameters = parameters
    }

    /// The nodes the device can fence by `pcmk_host_list`, nil when it names none (any node).
    public var hostList: [String]? {
        guard let list = parameters["pcmk_host_list"] else { return nil }
        return list.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" }).map(String.init)
    }

    /// Whether the device may fence `node`.
    public func canFence(_ node: String) -> Bool { hostList.map { $0.contains(node) } ?? true }

    /// Every stonith primitive configured in `cib`, in document order, skipping those whose
    /// `target-role` is `Stopped`.
    public static func configured(in cib: XMLDocument) -> [FenceDevice] {
        let primitives = (try? cib.select("/cib/configuration/resources//primitive[@class='stonith']")) ?? []
        return primitives.compactMap { primitive in
            guard let id = primitive[attribute: "id"], let type = primitive[attribute: "type"] else { return nil }
            var parameters: [String: String] = [:]
            if let set = primitive.firstChild(named: "instance_attributes") {
                for pair in set.children where pair.name == "nvpair" {
                    if let name = pair[attribute: "name"], let value = pair[attribute: "value"] { parameters[name] = value }
                }
            }
            if let meta = primitive.firstChild(named: "meta_attributes"),
                meta.children.contains(where: {
                    $0.name == "nvpair" && $0[attribute: "name"] == "target-role" && $0[attribute: "value"] == "Stopped"
                })
            {
                return nil
            }
            return FenceDevice(id: id, type: type, parameters: parameters)
        }
    }
}

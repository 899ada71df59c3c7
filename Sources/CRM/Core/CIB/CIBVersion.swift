import XML

/// The CIB version triple `admin_epoch.epoch.num_updates`, compared lexicographically as Pacemaker does.
public struct CIBVersion: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Changed only explicitly by an administrator (`admin_epoch++`, erase, upgrade).
    public var adminEpoch: Int
    /// Incremented on every configuration change.
    public var epoch: Int
    /// Incremented on every other change; reset to 0 when `epoch` moves.
    public var numUpdates: Int

    /// A version from its three counters.
    public init(adminEpoch: Int, epoch: Int, numUpdates: Int) {
        self.adminEpoch = adminEpoch
        self.epoch = epoch
        self.numUpdates = numUpdates
    }

    /// Reads the version attributes of a `<cib>` (or patch `<source>`/`<target>`) element; missing ones count 0.
    public init(of element: XMLElement) {
        self.adminEpoch = Int(element[attribute: "admin_epoch"] ?? "") ?? 0
        self.epoch = Int(element[attribute: "epoch"] ?? "") ?? 0
        self.numUpdates = Int(element[attribute: "num_updates"] ?? "") ?? 0
    }

    /// Writes the three counters onto `element`, keeping the position of existing attributes.
    public func write(to element: XMLElement) {
        try? element.setAttribute("epoch", String(epoch))
        try? element.setAttribute("num_updates", String(numUpdates))
        try? element.setAttribute("admin_epoch", String(adminEpoch))
    }

    public static func < (lhs: CIBVersion, rhs: CIBVersion) -> Bool {
        (lhs.adminEpoch, lhs.epoch, lhs.numUpdates) < (rhs.adminEpoch, rhs.epoch, rhs.numUpdates)
    }

    /// `admin_epoch.epoch.num_updates`, as Pacemaker prints it.
    public var description: String { "\(adminEpoch).\(epoch).\(numUpdates)" }
}

import XML

/// Pacemaker's CIB digests.
public enum CIBDigest {
    /// Attributes the versioned digest ignores (they differ between replicas of the same CIB).
    static let volatileAttributes: Set<String> = [
        "crm-debug-origin", "cib-last-written", "update-origin", "update-client", "update-user",
    ]

    /// The on-disk digest stored in `cib.xml.sig`: MD5 of `" " + compact XML + "\n"` (`cibadmin -5`).
    public static func onDisk(_ element: XMLElement) -> String {
        onDisk(serialized: element.serialized())
    }

    /// The on-disk digest of a CIB already serialized compactly (`XMLElement.serialized()`).
    public static func onDisk(serialized text: String) -> String {
        MD5.hex(Array((" " + text + "\n").utf8))
    }

    /// The versioned digest (`cibadmin -6`), as Pacemaker computes it for the document's own
    /// `crm_feature_set`: from 3.0.5 on, MD5 of the compact XML without the volatile attributes;
    /// before that (or without a feature set), the on-disk digest.
    public static func versioned(_ element: XMLElement) -> String {
        guard isAtLeast(element[attribute: "crm_feature_set"], "3.0.5") else { return onDisk(element) }
        let holder = try! XMLDocument(rootName: "holder")
        let copy = holder.root.appendCopy(of: element)
        copy.forEachDescendant { node in
            for (name, _) in node.attributes where volatileAttributes.contains(name) {
                try? node.setAttribute(name, nil)
            }
        }
        return MD5.hex(Array(copy.serialized().utf8))
    }

    /// Whether dotted version `version` is at least `minimum` (missing counts as older).
    static func isAtLeast(_ version: String?, _ minimum: String) -> Bool {
        guard let version else { return false }
        let left = version.split(separator: ".").map { Int($0) ?? 0 }
        let right = minimum.split(separator: ".").map { Int($0) ?? 0 }
        for index in 0..<max(left.count, right.count) {
            let a = index < left.count ? left[index] : 0
            let b = index < right.count ? right[index] : 0
            if a != b { return a > b }
        }
        return true
    }
}

import XML

/// Pacemaker's CIB digests.
public enum CIBDigest {
    /// Attributes the versioned digest ignores (they differ between replicas of the same CIB).
    static let volatileAttributes: Set<String> = [
        "crm-debug-origin", "cib-last-written", "update-origin", "update-client", "update-user",
    ]

    /// The on-disk digest stored in `cib.xml.sig`: MD5 of `" " + compact XML + "\n"` (`cibadmin -5`).
    public static func onDisk(_ element: XMLElement) -> String {
        MD5.hex(Array((" " + element.serialized() + "\n").utf8))
    }

    /// The versioned digest (`cibadmin -6`): MD5 of the compact XML without the volatile attributes.
    public static func versioned(_ element: XMLElement) -> String {
        let holder = try! XMLDocument(rootName: "holder")
        let copy = holder.root.appendCopy(of: element)
        copy.forEachDescendant { node in
            for (name, _) in node.attributes where volatileAttributes.contains(name) {
                try? node.setAttribute(name, nil)
            }
        }
        return MD5.hex(Array(copy.serialized().utf8))
    }
}

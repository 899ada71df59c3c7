import CLibXML2

/// An element of an `XMLDocument`: read and edit its name, attributes, children and text.
///
/// A handle keeps its document alive. Removing an element frees it: handles to it (or to anything
/// inside it) must not be used afterwards.
public struct XMLElement {
    public let document: XMLDocument
    let pointer: xmlNodePtr

    init(document: XMLDocument, pointer: xmlNodePtr) {
        self.document = document
        self.pointer = pointer
    }

    /// The element's tag name.
    public var name: String { String(cString: pointer.pointee.name) }

    /// The 1-based line the element started on in the parsed text (0 for elements built in memory).
    public var line: Int { Int(xmlGetLineNo(pointer)) }

    /// Whether two handles name the same element.
    public func isSame(as other: XMLElement) -> Bool { pointer == other.pointer }

    // MARK: Attributes

    /// All attributes in document order.
    public var attributes: [(name: String, value: String)] {
        var result: [(String, String)] = []
        var attribute = pointer.pointee.properties
        while let current = attribute {
            let name = String(cString: current.pointee.name)
            result.append((name, XMLElement.value(of: current, in: pointer)))
            attribute = current.pointee.next
        }
        return result
    }

    private static func value(of attribute: xmlAttrPtr, in node: xmlNodePtr) -> String {
        guard let raw = xmlNodeListGetString(node.pointee.doc, attribute.pointee.children, 1) else { return "" }
        defer { ha_xml_free(raw) }
        return String(cString: raw)
    }

    /// The value of attribute `name`, or nil.
    public subscript(attribute name: String) -> String? {
        guard let raw = xmlGetNoNsProp(pointer, name) else { return nil }
        defer { ha_xml_free(raw) }
        return String(cString: raw)
    }

    /// Sets (or with nil removes) an attribute, keeping the position of an existing one.
    public func setAttribute(_ name: String, _ value: String?) throws(XMLError) {
        guard XMLDocument.isValidName(name) else { throw .invalidName(name) }
        if let value {
            xmlSetProp(pointer, name, value)
        } else if let attribute = xmlHasProp(pointer, name) {
            xmlRemoveProp(attribute)
        }
    }

    /// Removes every attribute.
    public func removeAllAttributes() {
        while let attribute = pointer.pointee.properties { xmlRemoveProp(attribute) }
    }

    // MARK: Tree

    /// The parent element, nil for the root.
    public var parent: XMLElement? {
        guard let parent = pointer.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return XMLElement(document: document, pointer: parent)
    }

    /// Child elements in document order (text and comments skipped).
    public var children: [XMLElement] {
        var result: [XMLElement] = []
        var child = pointer.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                result.append(XMLElement(document: document, pointer: current))
            }
            child = current.pointee.next
        }
        return result
    }

    /// Child elements named `name`.
    public func children(named name: String) -> [XMLElement] {
        var result: [XMLElement] = []
        XMLElement.withName(name) { wanted in
            var child = pointer.pointee.children
            while let current = child {
                if current.pointee.type == XML_ELEMENT_NODE, xmlStrEqual(current.pointee.name, wanted) != 0 {
                    result.append(XMLElement(document: document, pointer: current))
                }
                child = current.pointee.next
            }
        }
        return result
    }

    /// Calls `body` with `name` as a NUL-terminated libxml2 string.
    private static func withName<Result>(_ name: String, _ body: (UnsafePointer<xmlChar>) -> Result) -> Result {
        name.withCString { text in
            text.withMemoryRebound(to: xmlChar.self, capacity: name.utf8.count + 1) { body($0) }
        }
    }

    /// The first child element named `name`.
    public func firstChild(named name: String) -> XMLElement? {
        XMLElement.withName(name) { wanted in
            var child = pointer.pointee.children
            while let current = child {
                if current.pointee.type == XML_ELEMENT_NODE, xmlStrEqual(current.pointee.name, wanted) != 0 {
                    return XMLElement(document: document, pointer: current)
                }
                child = current.pointee.next
            }
            return nil
        }
    }

    /// The first descendant-or-self element for which `predicate` holds, depth first in document order.
    public func first(where predicate: (XMLElement) -> Bool) -> XMLElement? {
        if predicate(self) { return self }
        for child in children {
            if let found = child.first(where: predicate) { return found }
        }
        return nil
    }

    /// Every descendant-or-self element, depth first in document order.
    public func forEachDescendant(_ body: (XMLElement) throws -> Void) rethrows {
        try body(self)
        for child in children { try child.forEachDescendant(body) }
    }

    /// Appends a new empty child element and returns it.
    @discardableResult
    public func addChild(_ name: String, attributes: [(String, String)] = []) throws(XMLError) -> XMLElement {
        guard XMLDocument.isValidName(name) else { throw .invalidName(name) }
        let node = xmlNewDocNode(pointer.pointee.doc, nil, name, nil)!
        xmlAddChild(pointer, node)
        let child = XMLElement(document: document, pointer: node)
        for (key, value) in attributes { try child.setAttribute(key, value) }
        return child
    }

    /// Appends a deep copy of `element` (from any document) as the last child, and returns the copy.
    @discardableResult
    public func appendCopy(of element: XMLElement) -> XMLElement {
        let copy = xmlDocCopyNode(element.pointer, pointer.pointee.doc, 1)!
        xmlAddChild(pointer, copy)
        return XMLElement(document: document, pointer: copy)
    }

    /// Inserts a deep copy of `element` at child position `index` among element children.
    @discardableResult
    public func insertCopy(of element: XMLElement, at index: Int) -> XMLElement {
        let existing = children
        guard index < existing.count else { return appendCopy(of: element) }
        let copy = xmlDocCopyNode(element.pointer, pointer.pointee.doc, 1)!
        xmlAddPrevSibling(existing[index].pointer, copy)
        return XMLElement(document: document, pointer: copy)
    }

    /// Replaces this element in its parent by a deep copy of `element`, returning the copy.
    /// This handle is invalid afterwards.
    @discardableResult
    public func replace(with element: XMLElement) -> XMLElement {
        let copy = xmlDocCopyNode(element.pointer, pointer.pointee.doc, 1)!
        xmlReplaceNode(pointer, copy)
        xmlFreeNode(pointer)
        return XMLElement(document: document, pointer: copy)
    }

    /// Unlinks and frees this element. This handle (and handles inside it) are invalid afterwards.
    public func remove() {
        xmlUnlinkNode(pointer)
        xmlFreeNode(pointer)
    }

    /// Removes every child node (elements, text, comments).
    public func removeAllChildren() {
        while let child = pointer.pointee.children {
            xmlUnlinkNode(child)
            xmlFreeNode(child)
        }
    }

    /// Moves this element to be the child at element position `index` of its parent.
    public func move(toIndex index: Int) {
        guard let parent else { return }
        xmlUnlinkNode(pointer)
        let siblings = parent.children
        if index < siblings.count {
            xmlAddPrevSibling(siblings[index].pointer, pointer)
        } else {
            xmlAddChild(parent.pointer, pointer)
        }
    }

    /// The position of this element among its parent's element children.
    public var index: Int {
        var position = 0
        var sibling = pointer.pointee.prev
        while let current = sibling {
            if current.pointee.type == XML_ELEMENT_NODE { position += 1 }
            sibling = current.pointee.prev
        }
        return position
    }

    /// The concatenated text content of the element and its descendants.
    public var text: String {
        guard let raw = xmlNodeGetContent(pointer) else { return "" }
        defer { ha_xml_free(raw) }
        return String(cString: raw)
    }

    /// Replaces the element's content with `text` (escaped as needed).
    public func setText(_ text: String) {
        removeAllChildren()
        if let node = xmlNewDocText(pointer.pointee.doc, text) { xmlAddChild(pointer, node) }
    }

    /// An XPath locating this element, e.g. `/cib/configuration/resources/primitive[2]`.
    public var path: String {
        guard let raw = xmlGetNodePath(pointer) else { return "" }
        defer { ha_xml_free(raw) }
        return String(cString: raw)
    }

    // MARK: Output

    /// This element and its subtree as text: compact on one line, or pretty with two-space indentation.
    public func serialized(pretty: Bool = false) -> String {
        guard let buffer = xmlBufferCreate() else { return "" }
        defer { xmlBufferFree(buffer) }
        xmlNodeDump(buffer, pointer.pointee.doc, pointer, 0, pretty ? 1 : 0)
        var text = String(cString: xmlBufferContent(buffer))
        if pretty { text += "\n" }
        return text
    }
}

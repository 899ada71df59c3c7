import CLibXML2

/// The value of an XPath 1.0 expression.
public enum XPathValue {
    /// Matching elements, in document order (attribute matches are reported as their owning element
    /// in `elements`, and by value in `attributeValues`).
    case nodes(elements: [XMLElement], attributeValues: [String])
    case boolean(Bool)
    case number(Double)
    case string(String)
}

extension XMLDocument {
    /// Evaluates an XPath 1.0 expression against the document (context: the document node).
    public func evaluate(_ expression: String) throws(XMLError) -> XPathValue {
        guard let context = xmlXPathNewContext(pointer) else {
            throw .invalidXPath(expression: expression, message: "out of memory")
        }
        defer { xmlXPathFreeContext(context) }
        context.pointee.error = ignoreXPathError  // errors surface as a nil result, not on stderr
        guard let compiled = xmlXPathCtxtCompile(context, expression) else {
            throw .invalidXPath(expression: expression, message: "does not compile")
        }
        defer { xmlXPathFreeCompExpr(compiled) }
        guard let object = xmlXPathCompiledEval(compiled, context) else {
            throw .invalidXPath(expression: expression, message: "evaluation failed")
        }
        defer { xmlXPathFreeObject(object) }
        switch object.pointee.type {
        case XPATH_NODESET:
            return nodeValues(object.pointee.nodesetval)
        case XPATH_BOOLEAN:
            return .boolean(object.pointee.boolval != 0)
        case XPATH_NUMBER:
            return .number(object.pointee.floatval)
        case XPATH_STRING:
            return .string(object.pointee.stringval.map { String(cString: $0) } ?? "")
        default:
            throw .invalidXPath(expression: expression, message: "unsupported result type")
        }
    }

    private func nodeValues(_ set: xmlNodeSetPtr?) -> XPathValue {
        guard let set else { return .nodes(elements: [], attributeValues: []) }
        var elements: [XMLElement] = []
        var values: [String] = []
        for index in 0..<Int(set.pointee.nodeNr) {
            guard let node = set.pointee.nodeTab[index] else { continue }
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                elements.append(XMLElement(document: self, pointer: node))
            case XML_ATTRIBUTE_NODE:
                if let owner = node.pointee.parent { elements.append(XMLElement(document: self, pointer: owner)) }
                if let raw = xmlNodeGetContent(node) {
                    values.append(String(cString: raw))
                    ha_xml_free(raw)
                }
            default:
                if let raw = xmlNodeGetContent(node) {
                    values.append(String(cString: raw))
                    ha_xml_free(raw)
                }
            }
        }
        return .nodes(elements: elements, attributeValues: values)
    }

    /// The elements an XPath expression selects (an expression selecting attributes yields their owners).
    public func select(_ expression: String) throws(XMLError) -> [XMLElement] {
        switch try evaluate(expression) {
        case .nodes(let elements, _): return elements
        default: throw .invalidXPath(expression: expression, message: "does not select nodes")
        }
    }
}

/// Swallows libxml2's XPath error report; the failure itself is returned as `XMLError.invalidXPath`.
private func ignoreXPathError(_ userData: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {}

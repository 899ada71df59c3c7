import CRM
import Foundation
import Testing
import XML

/// Runs the same sequence of commands with our tool and Pacemaker's, each on its own copy of a CIB, and
/// compares exit statuses, standard output and the resulting CIBs.
struct SideBySide {
    /// One command line (without the program name) and whether its stdout must match byte for byte.
    struct Step: CustomStringConvertible {
        var arguments: [String]
        var comparesOutput = true
        var description: String { arguments.joined(separator: " ") }
    }

    let tool: String
    let scratch: ScratchDirectory
    let ours: String
    let theirs: String

    init(tool: String, cib: String) throws {
        self.tool = tool
        scratch = try ScratchDirectory()
        ours = try scratch.write("ours.xml", cib)
        theirs = try scratch.write("theirs.xml", cib)
    }

    /// Runs every step on both copies, recording a test issue for each difference.
    func run(_ steps: [Step], sourceLocation: SourceLocation = #_sourceLocation) throws {
        for step in steps {
            let mine = try ToolProcess.ours(tool, step.arguments, environment: ["CIB_file": ours])
            let reference = try ToolProcess.pacemaker(tool, step.arguments, environment: ["CIB_file": theirs])
            #expect(
                mine.status == reference.status,
                "\(tool) \(step): ours exited \(mine.status) (\(mine.standardError)), Pacemaker \(reference.status) (\(reference.standardError))",
                sourceLocation: sourceLocation)
            if step.comparesOutput {
                #expect(
                    normalized(mine.standardOutput) == normalized(reference.standardOutput),
                    "\(tool) \(step): stdout differs", sourceLocation: sourceLocation)
            }
        }
        let left = try XMLDocument.parse(Array(try Data(contentsOf: URL(fileURLWithPath: ours))), source: ours)
        let right = try XMLDocument.parse(Array(try Data(contentsOf: URL(fileURLWithPath: theirs))), source: theirs)
        let difference = SideBySide.firstDifference(left.root, right.root)
        #expect(difference == nil, "\(tool): resulting CIBs differ: \(difference ?? "")", sourceLocation: sourceLocation)
    }

    private func normalized(_ text: String) -> String {
        text.replacing(/request="[^"]*"/, with: "request=\"\"")
    }

    /// Attributes Pacemaker's tools stamp that say nothing about the configuration.
    static let ignoredAttributes: Set<String> = ["cib-last-written", "update-origin", "update-client", "update-user"]

    /// The first difference between two elements (name, attributes, child order), nil when equal.
    static func firstDifference(_ left: XMLElement, _ right: XMLElement) -> String? {
        if left.name != right.name { return "\(left.path): <\(left.name)> vs <\(right.name)>" }
        let leftAttributes = Dictionary(left.attributes.filter { !ignoredAttributes.contains($0.name) }, uniquingKeysWith: { $1 })
        let rightAttributes = Dictionary(right.attributes.filter { !ignoredAttributes.contains($0.name) }, uniquingKeysWith: { $1 })
        if leftAttributes != rightAttributes {
            return "\(left.path): attributes \(leftAttributes.sorted { $0.key < $1.key }) vs \(rightAttributes.sorted { $0.key < $1.key })"
        }
        let leftChildren = left.children
        let rightChildren = right.children
        if leftChildren.count != rightChildren.count {
            return "\(left.path): children \(leftChildren.map(\.name)) vs \(rightChildren.map(\.name))"
        }
        for (a, b) in zip(leftChildren, rightChildren) {
            if let difference = firstDifference(a, b) { return difference }
        }
        return nil
    }
}

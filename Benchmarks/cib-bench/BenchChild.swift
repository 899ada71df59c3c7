import CRM
import Glibc
import XML

/// The measured work, run in a child process so its wall time and peak memory are its own.
enum BenchChild {
    /// Pacemaker's RelaxNG schema for `validate-with`, when Pacemaker is installed (a stand-in until
    /// our own schema is wired; the validation cost is what matters here).
    static func schema(for document: CIBDocument) -> RelaxNGSchema? {
        guard let name = document.root[attribute: "validate-with"] else { return nil }
        let path = "/usr/share/pacemaker/\(name).rng"
        guard CIBFileIO.exists(path) else { return nil }
        return try? RelaxNGSchema(file: path)
    }

    static func load(_ path: String) -> CIBDocument? {
        do {
            return try CIBDocument.load(file: path)
        } catch {
            ToolStreams.writeError("cib-bench: \(error)\n")
            return nil
        }
    }

    static func query(_ path: String) -> Int32 {
        guard let document = load(path) else { return 1 }
        if let schema = schema(for: document) {
            let issues = schema.validate(document.xml)
            if !issues.isEmpty { ToolStreams.writeError("cib-bench: \(path) is invalid: \(issues[0])\n") }
        }
        guard let resources = try? document.query(.scope(.resources)) else { return 1 }
        ToolStreams.writeOut("\(resources.first?.children.count ?? 0) resources\n")
        return 0
    }

    static func patchAndTarget(_ old: CIBDocument, _ newPath: String) -> (XMLDocument, CIBVersion)? {
        guard let new = load(newPath) else { return nil }
        trace("new loaded")
        let created = CIBPatch.create(from: old.xml, to: new.xml)
        trace("differences compared")
        guard let patch = created else { return nil }
        return (patch, new.version)
    }

    /// With CIB_BENCH_TRACE set, prints the resident and peak memory at each phase to stderr.
    static func trace(_ phase: String) {
        guard getenv("CIB_BENCH_TRACE") != nil, let bytes = try? CIBFileIO.read("/proc/self/status", limit: 1 << 20) else {
            return
        }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        let memory = lines.filter { $0.hasPrefix("VmRSS") || $0.hasPrefix("VmHWM") }.joined(separator: " ")
        ToolStreams.writeError("\(phase): \(memory)\n")
    }

    static func diffApply(_ oldPath: String, _ newPath: String) -> Int32 {
        guard var old = load(oldPath) else { return 1 }
        trace("old loaded")
        // the new CIB is only needed to compute the patch; free it before applying
        guard let (patch, target) = patchAndTarget(old, newPath) else { return 0 }
        trace("patch computed")
        do {
            try old.apply(.applyPatch(patch.root))
        } catch {
            ToolStreams.writeError("cib-bench: \(error)\n")
            return 1
        }
        trace("patch applied")
        guard old.version == target else { return 1 }
        ToolStreams.writeOut("\(patch.root.children.count - 1) changes\n")
        return 0
    }
}

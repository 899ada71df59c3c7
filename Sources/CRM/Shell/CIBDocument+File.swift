import Glibc
import XML

extension CIBDocument {
    /// Loads a CIB file, streaming it into libxml2 (no in-memory copy of the text beside the tree).
    /// - Throws: `notFound`, `unreadable`, or `corrupt` (not well-formed, not a `<cib>`, over `maximumBytes`).
    public static func load(file path: String, maximumBytes: Int = CIBDocument.maximumBytes) throws(CIBStoreError)
        -> CIBDocument
    {
        do {
            return try CIBDocument(XMLDocument.parse(file: path, maximumBytes: maximumBytes))
        } catch let error as XMLError {
            if case .unreadable(_, let reason) = error {
                var info = stat()
                if stat(path, &info) != 0, errno == ENOENT { throw .notFound(path: path) }
                throw .unreadable(path: path, reason: reason)
            }
            throw .corrupt(path: path, reason: "\(CIBError.invalidXML(error))", newestValidBackup: nil)
        } catch let error as CIBError {
            throw .corrupt(path: path, reason: error.description, newestValidBackup: nil)
        } catch {
            throw .corrupt(path: path, reason: "\(error)", newestValidBackup: nil)
        }
    }
}

// The cib and policy branches each brought a `public enum MD5`; this branch keeps the CIB's and gives the
// scheduler the text form it calls. Whoever merges both into main keeps one MD5 and this extension.
extension MD5 {
    /// The hex MD5 of a string's UTF-8 bytes.
    public static func hexDigest(_ text: String) -> String { hex(Array(text.utf8)) }
}

/// A tool's failure: the exit code it ends with and Pacemaker's message for it (possibly several lines).
/// The tools in this library share it (`typealias Failure = ToolFailure` in each).
struct ToolFailure: Error {
    var code: CRMExitCode
    var message: String

    init(_ code: CRMExitCode, _ message: String) {
        self.code = code
        self.message = message
    }
}

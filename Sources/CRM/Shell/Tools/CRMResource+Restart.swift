import Glibc
import XML

/// `crm_resource --restart`: stop a resource through its `target-role`, wait until the cluster reports it
/// stopped, restore the role, and wait until it runs again, polling the CIB through `CIBSession`.
extension CRMResource {
    /// How long `--restart` waits for each half when `-T/--timeout` is not given.
    static let defaultRestartTimeoutMs = 60_000

    static func restart(
        resource: String, _ arguments: ToolArguments, environment: [String: String], session: CIBSession,
        output: inout ResourceOutput
    ) throws(Failure) -> CRMExitCode {
        guard session.location == .live else {
            throw Failure(
                .disconnect,
                "crm_resource: --restart needs a running cluster to stop and start '\(resource)'; CIB_file and CIB_shadow name a file that no cluster acts on")
        }
        var timeoutMs = defaultRestartTimeoutMs
        if let text = arguments.value("timeout") {
            guard let value = DurationText.milliseconds(text), value > 0 else {
                throw Failure(.usage, "crm_resource: Invalid timeout '\(text)'")
            }
            timeoutMs = value
        }
        guard !ResourceReasons(status: try clusterStatus(session)).nodes(of: resource).isEmpty else {
            throw Failure(.noSuchObject, "crm_resource: \(resource) is not running and so cannot be restarted")
        }
        let role = CIBAttributeLocator(owner: .resource(id: resource), setElement: "meta_attributes", name: "target-role")
        let original = role.matches(in: session.document.xml).first?[attribute: "value"]
        try setRole(role, to: "Stopped", session: session)
        output.output(text: "Waiting for 1 resources to stop:\n * \(resource)\n", element: nil)
        let stopped = try waitUntil(resource, isRunning: false, timeoutMs: timeoutMs, environment: environment)
        // The role is restored even when the stop timed out, so the resource is never left disabled by us.
        let current = try reopen(environment)
        if let original {
            try setRole(role, to: original, session: current)
        } else if let pair = role.matches(in: current.document.xml).first {
            try apply(role.deleteRequest(pair), session: current)
        }
        guard stopped else {
            throw Failure(.timeout, "crm_resource: Timed out waiting for \(resource) to stop; its target-role was restored")
        }
        output.output(text: "Waiting for 1 resources to start again:\n * \(resource)\n", element: nil)
        guard try waitUntil(resource, isRunning: true, timeoutMs: timeoutMs, environment: environment) else {
            throw Failure(.timeout, "crm_resource: Timed out waiting for \(resource) to start again")
        }
        return .ok
    }

    private static func setRole(_ role: CIBAttributeLocator, to value: String, session: CIBSession) throws(Failure) {
        let request: CIBRequest
        do {
            request = try role.updateRequest(value: value, in: session.document.xml)
        } catch {
            throw Failure(error.exitCode, "crm_resource: Error performing operation: \(error.description)")
        }
        try apply(request, session: session)
    }

    private static func reopen(_ environment: [String: String]) throws(Failure) -> CIBSession {
        do {
            return try CIBSession(environment: environment, validator: CIBSchema())
        } catch {
            throw Failure(error.exitCode, "crm_resource: Could not connect to the CIB: \(error.description)")
        }
    }

    /// Polls the cluster's state (a fresh session each time) until the resource runs or not; false on timeout.
    private static func waitUntil(_ resource: String, isRunning: Bool, timeoutMs: Int, environment: [String: String])
        throws(Failure) -> Bool
    {
        var waitedMs = 0
        let stepMs = 200
        while waitedMs <= timeoutMs {
            let nodes = ResourceReasons(status: try clusterStatus(try reopen(environment))).nodes(of: resource)
            if nodes.isEmpty != isRunning { return true }
            var pause = timespec(tv_sec: 0, tv_nsec: stepMs * 1_000_000)
            var remaining = timespec()
            while nanosleep(&pause, &remaining) != 0 && errno == EINTR { pause = remaining }
            waitedMs += stepMs
        }
        return false
    }
}

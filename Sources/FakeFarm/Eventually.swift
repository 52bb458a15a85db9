/// Thrown by `eventually` when its condition never held.
public struct EventuallyTimedOut: Error, CustomStringConvertible {
    public let what: String
    public let timeout: Duration
    public var description: String { "timed out after \(timeout) waiting for: \(what)" }
}

/// Polls `condition` until it holds, throwing `EventuallyTimedOut` naming `what` once `timeout` has passed.
/// The condition is checked one last time at the deadline.
public func eventually(
    timeout: Duration = .seconds(5),
    poll: Duration = .milliseconds(20),
    _ what: String,
    isolation: isolated (any Actor)? = #isolation,
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while true {
        if try await condition() { return }
        if clock.now >= deadline { throw EventuallyTimedOut(what: what, timeout: timeout) }
        try await Task.sleep(for: min(poll, clock.now.duration(to: deadline)))
    }
}

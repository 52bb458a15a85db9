/// The loop every store- or engine-backed provider shares (KV stores, Docker, Marathon, Consul Catalog): run an
/// attempt; when it fails, report `unavailable` once and try again after a capped, growing delay, forever
/// (decision D15); when it returns, the provider is done (a provider without watch after its one reading).
public enum ProviderRun {
    /// - Parameters:
    ///   - describe: the `unavailable` reason for a failed attempt, naming the provider and its endpoint.
    ///   - attempt: reads, emits through its `ProviderOutput`, and (when watching) waits for changes until something
    ///     fails. The delay before the next attempt starts again from `backoff.initial` once an attempt has emitted a
    ///     snapshot.
    public static func events(
        backoff: RetryBackoff,
        describe: @escaping @Sendable (any Error) -> String,
        attempt: @escaping @Sendable (inout ProviderOutput) async throws -> Void
    ) -> AsyncStream<ProviderEvent> {
        AsyncStream { continuation in
            let task = Task {
                var output = ProviderOutput(continuation: continuation)
                var backoff = backoff
                while !Task.isCancelled {
                    do {
                        try await attempt(&output)
                        break
                    } catch is CancellationError {
                        break
                    } catch {
                        if Task.isCancelled { break }
                        if output.takeProgress() { backoff.reset() }
                        output.emit(.unavailable(describe(error)))
                        do { try await Task.sleep(for: backoff.nextDelay()) } catch { break }
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// Where a provider's attempt emits. An event equal to the previous one is dropped, so a state is logged once
/// however often it is read again (D15).
public struct ProviderOutput {
    private let continuation: AsyncStream<ProviderEvent>.Continuation
    private var lastEvent: ProviderEvent?
    private var emittedSnapshot = false

    init(continuation: AsyncStream<ProviderEvent>.Continuation) {
        self.continuation = continuation
    }

    public mutating func emit(_ event: ProviderEvent) {
        if case .snapshot = event { emittedSnapshot = true }
        guard event != lastEvent else { return }
        lastEvent = event
        continuation.yield(event)
    }

    /// Whether a snapshot was emitted since the last call.
    mutating func takeProgress() -> Bool {
        defer { emittedSnapshot = false }
        return emittedSnapshot
    }
}

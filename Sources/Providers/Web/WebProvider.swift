import TraefikCore

/// The web provider (spec §9): its configuration only ever comes from `PUT /api/providers/web`, and is lost on
/// restart. Each PUT is one whole snapshot for the watcher.
public final class WebProvider: ConfigurationProvider {
    public var name: ProviderName { .web }
    private let stream: AsyncStream<ProviderEvent>
    private let continuation: AsyncStream<ProviderEvent>.Continuation

    public init() {
        (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// The web provider's whole new configuration.
    public func replace(with configuration: DynamicConfiguration) {
        continuation.yield(.snapshot(ProviderSnapshot(configuration: configuration)))
    }

    /// The PUTs, newest first when the watcher falls behind. One consumer (the watcher).
    public func events() -> AsyncStream<ProviderEvent> { stream }
}

import TraefikCore

/// What a provider tells the configuration watcher (design.md "Data flow").
public enum ProviderEvent: Sendable, Equatable {
    /// The provider's whole configuration as it is now.
    case snapshot(ProviderSnapshot)
    /// No usable configuration right now (an invalid or missing file, an unreachable store): the watcher keeps
    /// this provider's last good configuration serving (decision D15) and logs the reason.
    case unavailable(String)
}

/// The contract every provider follows: it never touches the server, it only emits whole snapshots.
/// The watcher throttles them per provider, merges all providers in a fixed order and publishes the result.
public protocol ConfigurationProvider: Sendable {
    var name: ProviderName { get }

    /// Every configuration from now on: the current one first (or `unavailable`), then one per change, until
    /// the consuming task is cancelled. A provider that does not watch yields its one snapshot and finishes.
    func events() -> AsyncStream<ProviderEvent>
}

/// A provider backed by a store or an engine (KV stores, Docker, Marathon, Consul Catalog) that can be read again on
/// demand: SIGHUP applies what it holds now without waiting for its watch.
public protocol RereadableProvider: ConfigurationProvider {
    /// One reading now: the routes, or why there are none.
    func currentEvent() async -> ProviderEvent
}

import ProviderHTTP

/// Consul's KV store over its HTTP API. Keys read as `/traefik/x` whatever Consul's `traefik/x` spelling.
public struct ConsulStore: KVStore {
    private let client: ProviderHTTPClient
    /// The `wait` of each blocking query (Traefik v1: 15 s).
    private let blockingWait: Duration
    private let name: String

    public init(client: ProviderHTTPClient, blockingWait: Duration = .seconds(15)) {
        self.client = client
        self.blockingWait = blockingWait
        self.name = "consul at \(client.endpoint)"
    }

    /// `endpoint`: `host:port`, `http://host:port` or `https://host:port`.
    public init(
        endpoint: String,
        configuration: ProviderHTTPClient.Configuration = .init(),
        blockingWait: Duration = .seconds(15)
    ) throws(ProviderHTTPError) {
        let client = try ProviderHTTPClient(endpoint: HTTPEndpoint(parsing: endpoint), configuration: configuration)
        self.init(client: client, blockingWait: blockingWait)
    }

    public func listTree(prefix: String) async throws -> [KVEntry] {
        do {
            return try await list(target: ConsulProtocol.listTarget(prefix: prefix), prefix: prefix, timeout: nil)
                .entries
        } catch {
            throw HTTPKVFailure.storeError(error, store: name)
        }
    }

    /// A first listing gives the index (then `.armed`); blocking queries from that index return when Consul's
    /// index moves or the wait ends. A `.changed` is yielded only when the entries under the prefix differ, which
    /// also hides changes to keys that merely share the prefix as a string.
    public func watchTree(prefix: String) -> AsyncThrowingStream<KVWatchEvent, any Error> {
        HTTPKVFailure.watchStream(store: name) { [self] events in
            var listing = try await list(target: ConsulProtocol.listTarget(prefix: prefix), prefix: prefix, timeout: nil)
            events.yield(.armed)
            // Consul adds up to wait/16 of jitter; the margin covers that and a slow answer.
            let pollTimeout = blockingWait + blockingWait / 16 + .seconds(10)
            while !Task.isCancelled {
                let next = try await list(
                    target: ConsulProtocol.blockingListTarget(prefix: prefix, index: listing.index, wait: blockingWait),
                    prefix: prefix, timeout: pollTimeout)
                // An index going backwards means Consul's state was reset (a restore, a new cluster): start over
                // from the new index and assume everything changed.
                if next.index < listing.index || next.entries != listing.entries { events.yield(.changed) }
                listing = next
            }
        }
    }

    public func close() async {
        await client.close()
    }

    private func list(target: String, prefix: String, timeout: Duration?) async throws -> ConsulProtocol.Listing {
        let response = try await client.send(ProviderHTTPRequest(target: target), timeout: timeout)
        return try ConsulProtocol.parseListing(
            status: response.status, indexHeader: response.header("X-Consul-Index"), body: response.body,
            prefix: prefix)
    }
}

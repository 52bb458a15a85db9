import ProviderHTTP

/// etcd through its HTTP APIs: the v2 keys API (what Traefik v1 used) or the v3 JSON gateway of etcd 3.4.
/// The two APIs see separate key spaces on the same server.
public struct EtcdStore: KVStore {
    public enum APIVersion: Sendable, Equatable {
        case v2
        case v3
    }

    public let version: APIVersion
    private let client: ProviderHTTPClient
    /// How long one v2 long poll may hang before it is simply sent again.
    private let watchPollTimeout: Duration
    private let name: String

    public init(client: ProviderHTTPClient, version: APIVersion = .v2, watchPollTimeout: Duration = .seconds(300)) {
        self.client = client
        self.version = version
        self.watchPollTimeout = watchPollTimeout
        self.name = "etcd \(version == .v2 ? "v2" : "v3") at \(client.endpoint)"
    }

    /// `endpoint`: `host:port`, `http://host:port` or `https://host:port`.
    public init(
        endpoint: String,
        version: APIVersion = .v2,
        configuration: ProviderHTTPClient.Configuration = .init(),
        watchPollTimeout: Duration = .seconds(300)
    ) throws(ProviderHTTPError) {
        let client = try ProviderHTTPClient(endpoint: HTTPEndpoint(parsing: endpoint), configuration: configuration)
        self.init(client: client, version: version, watchPollTimeout: watchPollTimeout)
    }

    public func listTree(prefix: String) async throws -> [KVEntry] {
        do {
            switch version {
            case .v2: return try await listV2(prefix: prefix).entries
            case .v3: return try await listV3(prefix: prefix).entries
            }
        } catch {
            throw HTTPKVFailure.storeError(error, store: name)
        }
    }

    public func watchTree(prefix: String) -> AsyncThrowingStream<KVWatchEvent, any Error> {
        HTTPKVFailure.watchStream(store: name) { [self] events in
            switch version {
            case .v2: try await watchV2(prefix: prefix, events: events)
            case .v3: try await watchV3(prefix: prefix, events: events)
            }
        }
    }

    public func close() async {
        await client.close()
    }

    // MARK: v2

    private func listV2(prefix: String) async throws -> EtcdV2Protocol.Listing {
        let response = try await client.send(ProviderHTTPRequest(target: EtcdV2Protocol.listTarget(prefix: prefix)))
        return try EtcdV2Protocol.parseListing(
            status: response.status, etcdIndexHeader: response.header("X-Etcd-Index"), body: response.body)
    }

    /// Long polls from just after the listing's index, so nothing between the listing and the first poll is lost.
    private func watchV2(prefix: String, events: AsyncThrowingStream<KVWatchEvent, any Error>.Continuation)
        async throws
    {
        var index = try await listV2(prefix: prefix).etcdIndex
        events.yield(.armed)
        while !Task.isCancelled {
            let response: ProviderHTTPResponse
            do {
                response = try await client.send(
                    ProviderHTTPRequest(target: EtcdV2Protocol.watchTarget(prefix: prefix, waitIndex: index + 1)),
                    timeout: watchPollTimeout)
            } catch let error as ProviderHTTPError where error.kind == .timedOut {
                continue
            }
            switch try EtcdV2Protocol.parseWatchReply(status: response.status, body: response.body) {
            case .changed(let modifiedIndex):
                index = max(index, modifiedIndex)
                events.yield(.changed)
            case .empty:
                continue
            case .historyCleared:
                index = try await listV2(prefix: prefix).etcdIndex
                events.yield(.changed)
            }
        }
    }

    // MARK: v3

    private func listV3(prefix: String) async throws -> EtcdV3Protocol.Listing {
        let response = try await client.send(
            ProviderHTTPRequest(
                method: "POST", target: EtcdV3Protocol.rangePath,
                headers: [("Content-Type", "application/json")], body: EtcdV3Protocol.rangeBody(prefix: prefix)))
        return try EtcdV3Protocol.parseRange(status: response.status, body: response.body, prefix: prefix)
    }

    /// One watch stream from just after the listing's revision; a compaction that overtakes it means list again
    /// (a change) and watch anew. The stream ending in any other way means the server is gone.
    private func watchV3(prefix: String, events: AsyncThrowingStream<KVWatchEvent, any Error>.Continuation)
        async throws
    {
        var revision = try await listV3(prefix: prefix).revision
        var armed = false
        while !Task.isCancelled {
            let (head, body) = try await client.stream(
                ProviderHTTPRequest(
                    method: "POST", target: EtcdV3Protocol.watchPath,
                    headers: [("Content-Type", "application/json")],
                    body: EtcdV3Protocol.watchBody(prefix: prefix, startRevision: revision + 1)),
                timeout: nil)
            guard head.status == 200 else { throw UnusableReply("watch answered HTTP \(head.status)") }
            var splitter = JSONLineSplitter()
            var compacted = false
            readStream: for try await chunk in body {
                for line in splitter.append(chunk) {
                    switch try EtcdV3Protocol.parseWatchMessage(line, prefix: prefix) {
                    case .created:
                        if !armed {
                            armed = true
                            events.yield(.armed)
                        }
                    case .events(let relevant):
                        if relevant { events.yield(.changed) }
                    case .compacted:
                        compacted = true
                        break readStream
                    case .canceled(let reason):
                        throw UnusableReply("watch canceled: \(reason)")
                    case .nothing:
                        break
                    }
                }
            }
            try Task.checkCancellation()
            guard compacted else { throw KVStoreError(.unreachable, "\(name): the watch stream ended") }
            revision = try await listV3(prefix: prefix).revision
            events.yield(.changed)
        }
    }
}

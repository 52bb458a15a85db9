import Logging
import NIOCore

/// The ZooKeeper key/value store: ZooKeeper's native protocol over one SwiftNIO connection and one session,
/// shared by every list and watch of this store.
///
/// Keys are znode paths. A znode with a non-empty value is an entry, even when it has children; an empty znode
/// with children is a folder; an empty znode without children is an entry with value `""`.
/// A lost session is never resumed: calls and watches fail with `.unreachable`, and the next call opens a new one.
public actor ZooKeeperStore: KVStore {
    public let endpoint: String
    private let sessionTimeout: Duration
    private let connectTimeout: Duration
    private let requestTimeout: Duration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger

    private enum ConnectionState {
        case idle
        case connecting(Task<ZooKeeperConnection, any Error>)
        case connected(ZooKeeperConnection)
        case closed
    }

    private var connectionState = ConnectionState.idle

    public init(
        endpoint: String,
        sessionTimeout: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(5),
        requestTimeout: Duration = .seconds(5),
        eventLoopGroup: any EventLoopGroup,
        logger: Logger = Logger(label: "traefik.kv.zookeeper")
    ) {
        self.endpoint = endpoint
        self.sessionTimeout = sessionTimeout
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    public func listTree(prefix: String) async throws -> [KVEntry] {
        let connection = try await connection()
        return try await ZooKeeperTreeWalker(connection: connection, setWatches: false).entries(under: KVKeyPath.normalised(prefix))
    }

    public nonisolated func watchTree(prefix: String) -> AsyncThrowingStream<KVWatchEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: KVWatchEvent.self)
        let root = KVKeyPath.normalised(prefix)
        let watch = Task {
            do {
                try await self.watch(root: root, continuation: continuation)
                continuation.finish()
            } catch let error as KVStoreError {
                continuation.finish(throwing: error)
            } catch {
                continuation.finish(throwing: KVStoreError(.unreachable, "zookeeper \(self.endpoint): watch failed: \(error)"))
            }
        }
        continuation.onTermination = { _ in watch.cancel() }
        return stream
    }

    public func close() async {
        let previous = connectionState
        connectionState = .closed
        switch previous {
        case .connected(let connection):
            await connection.close(reason: closedError)
        case .connecting(let task):
            if let connection = try? await task.value { await connection.close(reason: closedError) }
        case .idle, .closed:
            break
        }
    }

    // MARK: Writing (test fixtures and tools; the provider only reads)

    /// Writes each entry, creating missing parent znodes (empty) on the way; existing znodes get the new value.
    /// All creates travel pipelined, so thousands of keys take a few round trips.
    public func put(_ entries: [KVEntry]) async throws {
        let connection = try await connection()
        let paths = entries.map { KVKeyPath.normalised($0.key) }
        var parents: [String] = []
        var seenParents = Set<String>()
        for path in paths {
            for ancestor in ZooKeeperPath.ancestors(of: path) where seenParents.insert(ancestor).inserted {
                parents.append(ancestor)
            }
        }
        // Replies arrive in request order and the server applies them in that order, so parents exist before children.
        let creates = parents.map { ZooKeeperRequest(opCode: .create, body: .create(path: $0, data: [])) }
            + zip(paths, entries).map { ZooKeeperRequest(opCode: .create, body: .create(path: $0, data: Array($1.value.utf8))) }
        let replies = try await connection.send(creates)
        var updates: [ZooKeeperRequest] = []
        // Parents that already exist are fine; entries that already exist get their new value.
        for (request, reply) in zip(creates, replies).dropFirst(parents.count) {
            guard case .create(let path, let data) = request.body else { continue }
            switch reply {
            case .ok:
                continue
            case .error(ZooKeeperErrorCode.nodeExists):
                updates.append(ZooKeeperRequest(opCode: .setData, body: .setData(path: path, data: data, version: -1)))
            case .error(let code):
                throw KVStoreError(.invalidResponse, "zookeeper \(endpoint): create \(path) failed with error \(code)")
            }
        }
        for (request, reply) in zip(creates, replies).prefix(parents.count) {
            if case .error(let code) = reply, code != ZooKeeperErrorCode.nodeExists {
                throw KVStoreError(.invalidResponse, "zookeeper \(endpoint): create \(request.body) failed with error \(code)")
            }
        }
        for (request, reply) in zip(updates, try await connection.send(updates)) {
            if case .error(let code) = reply {
                throw KVStoreError(.invalidResponse, "zookeeper \(endpoint): setData \(request.body) failed with error \(code)")
            }
        }
    }

    public func put(key: String, value: String) async throws {
        try await put([KVEntry(key: key, value: value)])
    }

    /// Deletes `key` and everything below it. An absent key is not an error.
    public func deleteTree(key: String) async throws {
        let connection = try await connection()
        var nodes: [String] = []
        var level = [KVKeyPath.normalised(key)]
        while !level.isEmpty {
            let replies = try await connection.send(level.map { ZooKeeperRequest(opCode: .getChildren, body: .pathAndWatch(path: $0, watch: false)) })
            var nextLevel: [String] = []
            for (path, reply) in zip(level, replies) {
                guard case .ok(var body) = reply, let children = try? body.readJuteStringVector() else { continue }
                nodes.append(path)
                nextLevel.append(contentsOf: children.map { ZooKeeperPath.child($0, of: path) })
            }
            level = nextLevel
        }
        // Deepest first: ZooKeeper refuses to delete a znode that still has children.
        let deletes = nodes.reversed().map { ZooKeeperRequest(opCode: .delete, body: .delete(path: $0, version: -1)) }
        for (request, reply) in zip(deletes, try await connection.send(deletes)) {
            if case .error(let code) = reply, code != ZooKeeperErrorCode.noNode {
                throw KVStoreError(.invalidResponse, "zookeeper \(endpoint): \(request.body) failed with error \(code)")
            }
        }
    }

    // MARK: Session

    private var closedError: KVStoreError {
        KVStoreError(.unreachable, "zookeeper \(endpoint): store is closed")
    }

    /// The live session, opening one if there is none (after a loss, too: the caller asked again, this is no retry).
    private func connection() async throws -> ZooKeeperConnection {
        switch connectionState {
        case .closed:
            throw closedError
        case .connected(let connection) where connection.isUsable:
            return connection
        case .connecting(let task):
            return try await task.value
        case .idle, .connected:
            let (endpoint, group) = (self.endpoint, self.eventLoopGroup)
            let (session, connect, request) = (sessionTimeout.timeAmount, connectTimeout.timeAmount, requestTimeout.timeAmount)
            let task = Task {
                try await ZooKeeperConnection.connect(
                    endpoint: endpoint, group: group, sessionTimeout: session, connectTimeout: connect, requestTimeout: request)
            }
            connectionState = .connecting(task)
            do {
                let connection = try await task.value
                guard case .connecting = connectionState else {
                    // close() ran while connecting.
                    await connection.close(reason: closedError)
                    throw closedError
                }
                connectionState = .connected(connection)
                logger.debug("zookeeper session established", metadata: [
                    "endpoint": "\(endpoint)", "timeout": "\(connection.negotiatedSessionTimeout)",
                ])
                return connection
            } catch {
                if case .connecting = connectionState { connectionState = .idle }
                throw error
            }
        }
    }

    private func watch(root: String, continuation: AsyncThrowingStream<KVWatchEvent, any Error>.Continuation) async throws {
        let connection = try await connection()
        // Subscribe before the first walk, so a watch that fires during it is not lost.
        let (id, signals) = try await connection.subscribe(prefix: root)
        defer { connection.unsubscribe(id: id) }
        let walker = ZooKeeperTreeWalker(connection: connection, setWatches: true)
        _ = try await walker.entries(under: root)
        continuation.yield(.armed)
        for await signal in signals {
            if case .lost(let error) = signal { throw error }
            // Re-arm first, then report: a change after `.changed` is either seen by the consumer's next list or
            // caught by a watch already in place. Watches are one-shot, so the walk also replaces the fired one.
            _ = try await walker.entries(under: root)
            continuation.yield(.changed)
        }
        if !Task.isCancelled {
            throw KVStoreError(.unreachable, "zookeeper \(endpoint): watch ended")
        }
    }
}

extension Duration {
    fileprivate var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

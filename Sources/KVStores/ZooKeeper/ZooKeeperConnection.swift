import NIOCore
import NIOPosix

/// One TCP connection carrying one ZooKeeper session; safe to use from any task.
/// It never reconnects: once lost, every call fails with the cause and the owner makes a new one.
final class ZooKeeperConnection: Sendable {
    let endpoint: String
    /// What the server granted, which may differ from what was asked.
    let negotiatedSessionTimeout: TimeAmount
    private let channel: any Channel
    private let handler: NIOLoopBound<ZooKeeperClientHandler>

    private init(endpoint: String, negotiatedSessionTimeout: TimeAmount, channel: any Channel, handler: NIOLoopBound<ZooKeeperClientHandler>) {
        self.endpoint = endpoint
        self.negotiatedSessionTimeout = negotiatedSessionTimeout
        self.channel = channel
        self.handler = handler
    }

    static func connect(
        endpoint: String,
        group: any EventLoopGroup,
        sessionTimeout: TimeAmount,
        connectTimeout: TimeAmount,
        requestTimeout: TimeAmount
    ) async throws -> ZooKeeperConnection {
        let (host, port) = try parse(endpoint: endpoint)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(connectTimeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handler = ZooKeeperClientHandler(endpoint: endpoint, requestTimeout: requestTimeout, eventLoop: channel.eventLoop)
                        try channel.pipeline.syncOperations.addHandlers(ByteToMessageHandler(ZooKeeperFrameDecoder()), handler)
                    }
                }
                .connect(host: host, port: port)
                .get()
        } catch {
            throw KVStoreError(.unreachable, "zookeeper \(endpoint): cannot connect: \(error)")
        }
        do {
            let milliseconds = Int32(clamping: sessionTimeout.nanoseconds / 1_000_000)
            let (response, handler) = try await channel.eventLoop.flatSubmit {
                do {
                    let handler = try channel.pipeline.syncOperations.handler(type: ZooKeeperClientHandler.self)
                    let bound = NIOLoopBound(handler, eventLoop: channel.eventLoop)
                    return handler.startSession(timeoutMilliseconds: milliseconds, within: connectTimeout).map { ($0, bound) }
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }.get()
            return ZooKeeperConnection(
                endpoint: endpoint,
                negotiatedSessionTimeout: .milliseconds(Int64(response.timeoutMilliseconds)),
                channel: channel,
                handler: handler
            )
        } catch {
            channel.close(promise: nil)
            throw error as? KVStoreError ?? KVStoreError(.unreachable, "zookeeper \(endpoint): session setup failed: \(error)")
        }
    }

    /// `host:port`; the port defaults to ZooKeeper's 2181.
    static func parse(endpoint: String) throws -> (host: String, port: Int) {
        guard let colon = endpoint.lastIndex(of: ":") else { return (endpoint, 2181) }
        guard let port = Int(endpoint[endpoint.index(after: colon)...]), (1...65535).contains(port), colon != endpoint.startIndex else {
            throw KVStoreError(.unreachable, "zookeeper \(endpoint): endpoint is not host:port")
        }
        return (String(endpoint[..<colon]), port)
    }

    var isUsable: Bool {
        channel.isActive
    }

    /// Sends the requests pipelined and returns their replies in order. Throws `KVStoreError` if the session is lost.
    func send(_ requests: [ZooKeeperRequest]) async throws -> [ZooKeeperReply] {
        guard !requests.isEmpty else { return [] }
        let handler = self.handler
        let loop = channel.eventLoop
        return try await loop.flatSubmit {
            EventLoopFuture.whenAllSucceed(handler.value.send(requests), on: loop)
        }.get()
    }

    func subscribe(prefix: String) async throws -> (id: Int, signals: AsyncStream<ZooKeeperSessionSignal>) {
        let handler = self.handler
        return try await channel.eventLoop.submit {
            let (id, stream) = handler.value.subscribe(prefix: prefix)
            return (id, stream)
        }.get()
    }

    func unsubscribe(id: Int) {
        let handler = self.handler
        channel.eventLoop.execute { handler.value.unsubscribe(id: id) }
    }

    /// Ends the session politely (closeSession, so the server drops it and its watches at once), then closes.
    func close(reason: KVStoreError) async {
        let handler = self.handler
        try? await channel.eventLoop.submit { handler.value.beginClose(reason: reason) }.get()
        _ = try? await send([ZooKeeperRequest(opCode: .closeSession, body: .empty)])
        try? await channel.eventLoop.submit { handler.value.fail(reason) }.get()
        try? await channel.closeFuture.get()
    }
}

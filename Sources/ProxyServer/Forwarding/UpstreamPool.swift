import NIOCore
import NIOPosix

/// Keep-alive connections to backend servers, one pool per event loop: a client connection only ever uses
/// upstream connections of its own loop, so the data path needs no locks and no thread hops.
final class UpstreamPool: @unchecked Sendable {
    /// Used when `maxIdleConnsPerHost` is 0. Go's default of 2 would make a loaded proxy reconnect constantly.
    static let defaultMaxIdlePerHost = 64
    static let dialTimeout = TimeAmount.seconds(5)

    let eventLoop: any EventLoop
    private let maxIdlePerHost: Int
    private var idle: [String: [UpstreamHandler]] = [:]

    init(eventLoop: any EventLoop, maxIdlePerHost: Int) {
        self.eventLoop = eventLoop
        self.maxIdlePerHost = maxIdlePerHost > 0 ? maxIdlePerHost : Self.defaultMaxIdlePerHost
    }

    /// An idle, open connection to `target`, most recently used first.
    func acquire(_ target: UpstreamTarget) -> UpstreamHandler? {
        eventLoop.preconditionInEventLoop()
        let key = target.poolKey
        while let handler = idle[key]?.popLast() {
            if handler.isUsable { return handler }
        }
        return nil
    }

    func release(_ handler: UpstreamHandler) {
        eventLoop.preconditionInEventLoop()
        guard handler.isUsable else { return }
        if idle[handler.poolKey, default: []].count < maxIdlePerHost {
            idle[handler.poolKey, default: []].append(handler)
        } else {
            handler.close()
        }
    }

    /// Forgets a connection that closed while idle.
    func remove(_ handler: UpstreamHandler) {
        guard var list = idle[handler.poolKey], let index = list.firstIndex(where: { $0 === handler }) else { return }
        list.remove(at: index)
        idle[handler.poolKey] = list
    }

    /// Opens a new connection on this pool's loop; its pipeline holds one `UpstreamHandler`.
    func connect(_ target: UpstreamTarget) -> EventLoopFuture<any Channel> {
        let key = target.poolKey
        let bootstrap = ClientBootstrap(group: eventLoop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(Self.dialTimeout)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandler(poolKey: key, pool: self))
                }
            }
        if let address = target.socketAddress {
            return bootstrap.connect(to: address)
        }
        return bootstrap.connect(host: target.host, port: target.port)
    }

    /// Closes every idle connection (shutdown).
    func closeAll() {
        let all = idle.values.flatMap { $0 }
        idle.removeAll()
        for handler in all { handler.close() }
    }
}

/// One pool per event loop of the group, looked up by the client channel's loop.
final class UpstreamPools: Sendable {
    private let pools: [ObjectIdentifier: UpstreamPool]

    init(group: any EventLoopGroup, maxIdlePerHost: Int) {
        var pools: [ObjectIdentifier: UpstreamPool] = [:]
        for loop in group.makeIterator() {
            pools[ObjectIdentifier(loop)] = UpstreamPool(eventLoop: loop, maxIdlePerHost: maxIdlePerHost)
        }
        self.pools = pools
    }

    func pool(for loop: any EventLoop) -> UpstreamPool {
        guard let pool = pools[ObjectIdentifier(loop)] else {
            preconditionFailure("event loop \(loop) is not part of the proxy's group")
        }
        return pool
    }

    func closeAll() {
        for pool in pools.values { pool.eventLoop.execute { pool.closeAll() } }
    }
}

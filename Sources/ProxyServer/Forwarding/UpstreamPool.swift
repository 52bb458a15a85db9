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
    private let tls: UpstreamTLS
    /// Idle connections by `UpstreamTarget.poolID` (dense small numbers, so an array, not a dictionary).
    private var idle: [[UpstreamHandler]] = []
    /// The addresses the current configuration uses (nil until the first reload): a connection to another one
    /// that finishes its exchange is closed, not pooled.
    private var live: Set<Int>?

    init(eventLoop: any EventLoop, maxIdlePerHost: Int, tls: UpstreamTLS) {
        self.eventLoop = eventLoop
        self.tls = tls
        self.maxIdlePerHost = maxIdlePerHost > 0 ? maxIdlePerHost : Self.defaultMaxIdlePerHost
    }

    /// An idle, open connection to `target`, most recently used first.
    func acquire(_ target: UpstreamTarget) -> UpstreamHandler? {
        assert(eventLoop.inEventLoop)
        let key = target.poolID
        guard key < idle.count else { return nil }
        while let handler = idle[key].popLast() {
            if handler.isUsable { return handler }
        }
        return nil
    }

    func release(_ handler: UpstreamHandler) {
        assert(eventLoop.inEventLoop)
        guard handler.isUsable else { return }
        let key = handler.poolID
        if let live, !live.contains(key) {
            handler.close()
            return
        }
        if key >= idle.count { idle.append(contentsOf: repeatElement([], count: key - idle.count + 1)) }
        if idle[key].count < maxIdlePerHost {
            idle[key].append(handler)
        } else {
            handler.close()
        }
    }

    /// Forgets a connection that closed while idle.
    func remove(_ handler: UpstreamHandler) {
        let key = handler.poolID
        guard key < idle.count, let index = idle[key].firstIndex(where: { $0 === handler }) else { return }
        idle[key].remove(at: index)
    }

    /// Opens a new connection on this pool's loop; its pipeline holds one `UpstreamHandler`, behind TLS for an
    /// `https://` server (the request waits in the TLS handler until the handshake is done).
    func connect(_ target: UpstreamTarget) -> EventLoopFuture<any Channel> {
        let key = target.poolID
        let tlsHost = target.scheme == "https" ? target.host : nil
        let bootstrap = ClientBootstrap(group: eventLoop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(Self.dialTimeout)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tlsHost { try channel.pipeline.syncOperations.addHandler(try tls.makeHandler(host: tlsHost)) }
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandler(poolID: key, pool: self))
                }
            }
        if let address = target.socketAddress {
            return bootstrap.connect(to: address)
        }
        return bootstrap.connect(host: target.host, port: target.port)
    }

    /// Closes the idle connections to every address not in `live` (servers removed by a reload).
    func closeIdle(except live: Set<Int>) {
        assert(eventLoop.inEventLoop)
        self.live = live
        for key in idle.indices where !live.contains(key) && !idle[key].isEmpty {
            let retired = idle[key]
            idle[key].removeAll()
            for handler in retired { handler.close() }
        }
    }

    /// Closes every idle connection (shutdown).
    func closeAll() {
        let all = idle.flatMap { $0 }
        idle.removeAll()
        for handler in all { handler.close() }
    }
}

/// What each event loop of the group owns: its upstream pool, its client connections' sweeper, its access-log
/// lines, its traffic counters and the buffer its rewritten heads are written into.
final class LoopResources: Sendable {
    let pool: UpstreamPool
    let sweeper: ConnectionSweeper
    let accessLog: AccessLogBuffer?
    let traffic = LoopTrafficStats()
    let headBuffers = HeadBuffers()

    init(eventLoop: any EventLoop, maxIdlePerHost: Int, accessLog: AccessLogFile?, upstreamTLS: UpstreamTLS) {
        pool = UpstreamPool(eventLoop: eventLoop, maxIdlePerHost: maxIdlePerHost, tls: upstreamTLS)
        self.accessLog = accessLog.map(AccessLogBuffer.init)
        sweeper = ConnectionSweeper(eventLoop: eventLoop, accessLog: self.accessLog)
    }
}

/// The resources of every event loop, looked up by the client channel's loop.
final class LoopResourceTable: Sendable {
    private let table: [ObjectIdentifier: LoopResources]

    init(group: any EventLoopGroup, maxIdlePerHost: Int, accessLog: AccessLogFile?, upstreamTLS: UpstreamTLS) {
        var table: [ObjectIdentifier: LoopResources] = [:]
        for loop in group.makeIterator() {
            table[ObjectIdentifier(loop)] = LoopResources(
                eventLoop: loop, maxIdlePerHost: maxIdlePerHost, accessLog: accessLog, upstreamTLS: upstreamTLS)
        }
        self.table = table
    }

    func resources(for loop: any EventLoop) -> LoopResources {
        guard let resources = table[ObjectIdentifier(loop)] else {
            preconditionFailure("event loop \(loop) is not part of the proxy's group")
        }
        return resources
    }

    var all: Dictionary<ObjectIdentifier, LoopResources>.Values { table.values }
}

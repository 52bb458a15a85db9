#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL
import NIOTLS
import Synchronization
import TraefikCore

/// A listener the proxy serves: one per configured entry point.
public struct EntryPointListener: Sendable {
    public var name: String
    public var address: ListenAddress
    /// Set on a TLS entry point (at least one certificate).
    public var tls: ServerTLS?
    /// Set on an entry point that redirects every request.
    public var redirect: EntryPointRedirect?
    public var limits: EntryPointLimits

    public init(
        name: String, address: ListenAddress, tls: ServerTLS? = nil, redirect: EntryPointRedirect? = nil,
        limits: EntryPointLimits = EntryPointLimits()
    ) {
        self.name = name
        self.address = address
        self.tls = tls
        self.redirect = redirect
        self.limits = limits
    }
}

/// `maxConnections` of one entry point, counted over every event loop.
final class ConnectionLimit: Sendable {
    private let maximum: Int
    private let open = Atomic(0)

    init(maximum: Int) { self.maximum = maximum }

    /// Counts a new connection, or refuses it when the entry point is full.
    func admit() -> Bool {
        if open.wrappingAdd(1, ordering: .relaxed).newValue <= maximum { return true }
        open.wrappingSubtract(1, ordering: .relaxed)
        return false
    }

    func release() { open.wrappingSubtract(1, ordering: .relaxed) }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

/// The data path: listeners for every entry point, sharing one runtime store and per-loop upstream pools.
public final class ProxyServer: Sendable {
    public let store: RuntimeStore
    private let group: any EventLoopGroup
    private let loops: LoopResourceTable
    private let logger: Logger
    private let serverName: String
    private let channels: Mutex<[String: any Channel]>

    /// - Parameters:
    ///   - group: the event loops serving clients and backends (one per core suits keep-alive traffic).
    ///   - maxIdleConnsPerHost: idle keep-alive connections kept per backend server and event loop (0 = default).
    ///   - accessLog: where Combined Log Format lines go, or nil for none.
    ///   - upstreamTLS: how `https://` backend servers are reached.
    public init(
        store: RuntimeStore, group: any EventLoopGroup, maxIdleConnsPerHost: Int, accessLog: AccessLogFile? = nil,
        upstreamTLS: UpstreamTLS, logger: Logger
    ) {
        self.store = store
        self.group = group
        self.loops = LoopResourceTable(
            group: group, maxIdlePerHost: maxIdleConnsPerHost, accessLog: accessLog, upstreamTLS: upstreamTLS)
        self.logger = logger
        self.serverName = Self.hostname()
        self.channels = Mutex([:])
    }

    /// Binds every listener; throws naming the entry point whose address cannot be bound.
    public func start(_ listeners: [EntryPointListener]) async throws {
        for listener in listeners {
            let limits = listener.limits
            let settings = EntryPointSettings(
                name: listener.name, isTLS: listener.tls != nil, redirect: listener.redirect, store: store,
                limits: HTTPHeadLimits(
                    maxRequestLine: limits.maxRequestLineBytes, maxHeaderBytes: limits.maxHeaderBytes,
                    maxHeaderCount: limits.maxHeaderLines),
                timeouts: ClientTimeouts(
                    requestHead: TimeAmount(limits.readHeaderTimeout), idleKeepAlive: TimeAmount(limits.idleTimeout),
                    bodyIdle: TimeAmount(limits.bodyIdleTimeout),
                    responseHead: TimeAmount(limits.responseHeaderTimeout)),
                serverName: serverName, logger: logger)
            let loops = self.loops
            let tls = listener.tls
            let connectionLimit = limits.maxConnections > 0 ? ConnectionLimit(maximum: limits.maxConnections) : nil
            let acceptor = ConnectionAcceptor { channel in
                if let connectionLimit {
                    // Full: the connection is closed at once (the client sees a reset), nothing is read.
                    guard connectionLimit.admit() else {
                        channel.close(promise: nil)
                        return false
                    }
                    channel.closeFuture.whenComplete { _ in connectionLimit.release() }
                }
                let resources = loops.resources(for: channel.eventLoop)
                if let tls {
                    try Self.addTLSHandlers(to: channel, tls: tls, settings: settings, resources: resources)
                } else {
                    try channel.syncOptions?.setOption(.allowRemoteHalfClosure, value: true)
                    try channel.pipeline.syncOperations.addHandler(DownstreamHandler(settings: settings, loop: resources))
                }
                return true
            }
            // TCP_NODELAY is set on the listener by the bootstrap and inherited by accepted sockets.
            let bootstrap = ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 4096)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelInitializer { server in
                    server.eventLoop.makeCompletedFuture { try server.pipeline.syncOperations.addHandler(acceptor) }
                }
            let host = listener.address.host ?? "0.0.0.0"
            do {
                let channel = try await bootstrap.bind(host: host, port: listener.address.port).get()
                channels.withLock { $0[listener.name] = channel }
                logger.info("entry point \(listener.name) listening on \(host):\(listener.address.port)")
            } catch {
                throw ProxyServerError.cannotListen(entryPoint: listener.name, address: "\(host):\(listener.address.port)", underlying: "\(error)")
            }
        }
    }

    /// TLS, then after the handshake either HTTP/2 (ALPN `h2`: one `DownstreamHandler` per stream, behind a
    /// bridge to HTTP/1.1 bytes) or the plain HTTP/1.1 handler.
    private static func addTLSHandlers(
        to channel: any Channel, tls: ServerTLS, settings: EntryPointSettings, resources: LoopResources
    ) throws {
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(NIOSSLServerHandler(context: tls.context))
        try pipeline.addHandler(TLSHandshakeDeadline(timeout: ServerTLS.handshakeTimeout))
        try pipeline.addHandler(
            ApplicationProtocolNegotiationHandler { result, channel in
                channel.eventLoop.makeCompletedFuture {
                    if case .negotiated("h2") = result {
                        _ = try channel.pipeline.syncOperations.configureHTTP2Pipeline(
                            mode: .server, connectionConfiguration: .init(), streamConfiguration: .init()
                        ) { stream in
                            stream.eventLoop.makeCompletedFuture {
                                let streamPipeline = stream.pipeline.syncOperations
                                try streamPipeline.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                                try streamPipeline.addHandler(HTTP2StreamBridge())
                                try streamPipeline.addHandler(DownstreamHandler(settings: settings, loop: resources))
                            }
                        }
                        resources.sweeper.addMultiplexed(channel)
                    } else {
                        try channel.pipeline.syncOperations.addHandler(
                            DownstreamHandler(settings: settings, loop: resources))
                    }
                }
            })
    }

    /// Closes one entry point's listener; its connections finish their current request and close (the other
    /// entry points are not touched).
    public func stopListener(_ name: String) async {
        let channel = channels.withLock { $0.removeValue(forKey: name) }
        try? await channel?.close()
        await onEveryLoop { $0.sweeper.drain(entryPoint: name) }
    }

    /// Closes idle backend connections to servers that no backend of the current runtime uses: a server removed
    /// by a reload gets no new request, requests in flight on it finish, and its pooled connections go.
    public func retireUnusedUpstreams() {
        let live = Set(store.runtime.backends.values.flatMap { $0.targets.map(\.poolID) })
        for resources in loops.all {
            resources.pool.eventLoop.execute { resources.pool.closeIdle(except: live) }
        }
    }

    /// The port an entry point is bound to (useful with port 0).
    public func boundPort(of entryPoint: String) -> Int? {
        channels.withLock { $0[entryPoint]?.localAddress?.port }
    }

    /// Graceful stop (decision D10): close the listeners, let requests in flight finish for up to `grace`, then close
    /// every connection still open. Idle keep-alive connections close at once.
    public func stop(grace: Duration = .zero) async {
        let listeners = channels.withLock { channels in
            defer { channels.removeAll() }
            return Array(channels.values)
        }
        for channel in listeners { try? await channel.close() }
        await onEveryLoop { $0.sweeper.drainAll() }
        let deadline = ContinuousClock.now + grace
        while await openConnections() > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let remaining = await openConnections()
        if remaining > 0 { logger.warning("grace period over: closing \(remaining) connections still open") }
        await onEveryLoop { resources in
            resources.sweeper.closeAll()
            resources.sweeper.stop()
            resources.pool.closeAll()
        }
    }

    /// Entry-point traffic so far, merged over every event loop (for /health and /metrics).
    public func traffic() async -> TrafficSnapshot {
        var total = TrafficSnapshot()
        for resources in loops.all {
            let now = Int64(NIODeadline.now().uptimeNanoseconds)
            if let snapshot = try? await resources.pool.eventLoop.submit({ resources.traffic.snapshot(nowNanoseconds: now) }).get() {
                total.add(snapshot)
            }
        }
        return total
    }

    /// Client connections currently open, over all event loops.
    public func openConnections() async -> Int {
        var total = 0
        for resources in loops.all {
            total += (try? await resources.pool.eventLoop.submit { resources.sweeper.count }.get()) ?? 0
        }
        return total
    }

    private func onEveryLoop(_ body: @escaping @Sendable (LoopResources) -> Void) async {
        for resources in loops.all {
            try? await resources.pool.eventLoop.submit { body(resources) }.get()
        }
    }

    private static func hostname() -> String {
        #if canImport(Glibc)
        #endif
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }
}

public enum ProxyServerError: Error, CustomStringConvertible {
    case cannotListen(entryPoint: String, address: String, underlying: String)

    public var description: String {
        switch self {
        case .cannotListen(let entryPoint, let address, let underlying):
            "entry point \(entryPoint): cannot listen on \(address): \(underlying)"
        }
    }
}

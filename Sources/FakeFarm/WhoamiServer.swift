import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// A backend for tests and `make run`: echoes what it received as JSON, or does what the query string asks
/// (status, delay, generated/chunked/slow bodies, SSE, a mid-body close, extra headers, WebSocket echo).
/// Listens on 127.0.0.1 only.
public final class WhoamiServer: Sendable {
    public enum ServerError: Error, CustomStringConvertible {
        case alreadyStarted(name: String)

        public var description: String {
            switch self {
            case .alreadyStarted(let name): "whoami server \(name) is already started"
            }
        }
    }

    private struct State {
        var serverChannel: (any Channel)?
        var port = 0
        var openConnections: [ObjectIdentifier: any Channel] = [:]
        var connectionsAccepted = 0
        var requestsServed = 0
        var generatedBodyBytes = 0
    }

    public let name: String
    private let state = NIOLockedValueBox(State())
    private let tls: NIOSSLContext?
    private let serverNames = NIOLockedValueBox<[String?]>([])

    /// Every answer waits this long unless the request's `?delay=` says otherwise (a slow server).
    public let responseDelayMilliseconds: Int

    public init(name: String, responseDelayMilliseconds: Int = 0) {
        self.name = name
        self.responseDelayMilliseconds = responseDelayMilliseconds
        tls = nil
    }

    /// An HTTPS whoami server presenting the PEM certificate (chain) and key in these files.
    public init(name: String, certificateFile: String, keyFile: String) throws {
        self.name = name
        responseDelayMilliseconds = 0
        let chain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { NIOSSLCertificateSource.certificate($0) }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem)))
        let names = serverNames
        // Records the SNI name of every handshake (a test checks what the proxy sent) and changes nothing.
        configuration.sslContextCallback = { hello, promise in
            names.withLockedValue { $0.append(hello.serverHostname) }
            promise.succeed(.noChanges)
        }
        tls = try NIOSSLContext(configuration: configuration)
    }

    /// The SNI name of each TLS handshake so far (nil: the client sent none). HTTPS servers only.
    public var tlsServerNames: [String?] { serverNames.withLockedValue { $0 } }

    /// The bound port once started (0 before).
    public var port: Int { state.withLockedValue { $0.port } }

    /// TCP connections accepted so far: lets a test see whether the proxy reused an upstream connection.
    public var connectionsAccepted: Int { state.withLockedValue { $0.connectionsAccepted } }

    /// TCP connections open now (a test sees the proxy's pooled connections to this server go).
    public var openConnectionCount: Int { state.withLockedValue { $0.openConnections.count } }

    /// Requests whose head arrived so far, WebSocket upgrades included.
    public var requestsServed: Int { state.withLockedValue { $0.requestsServed } }

    /// Bytes of generated (`?size=`) bodies handed to the connections so far: the pieces are written only while
    /// the connection is writable, so a test sees how far a slow reader's backpressure lets the body go.
    public var generatedBodyBytes: Int { state.withLockedValue { $0.generatedBodyBytes } }

    /// Binds 127.0.0.1:`port` (0 picks a free port, read it back from `port`).
    public func start(port: Int = 0) async throws {
        let alreadyStarted = state.withLockedValue { $0.serverChannel != nil }
        if alreadyStarted { throw ServerError.alreadyStarted(name: name) }

        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                accepted(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try configurePipeline(of: channel)
                }
            }
            .bind(host: "127.0.0.1", port: port)
            .get()
        state.withLockedValue {
            $0.serverChannel = channel
            $0.port = channel.localAddress?.port ?? 0
        }
    }

    /// Stops listening and closes every open connection, so clients see the backend vanish.
    public func stop() async throws {
        let (serverChannel, connections) = state.withLockedValue { state in
            let taken = (state.serverChannel, Array(state.openConnections.values))
            state.serverChannel = nil
            state.openConnections = [:]
            return taken
        }
        try await serverChannel?.close()
        for connection in connections {
            try? await connection.close()
        }
    }

    private func accepted(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        state.withLockedValue {
            $0.connectionsAccepted += 1
            $0.openConnections[key] = channel
        }
        channel.closeFuture.whenComplete { [self] _ in
            _ = state.withLockedValue { $0.openConnections.removeValue(forKey: key) }
        }
    }

    func countRequest() {
        state.withLockedValue { $0.requestsServed += 1 }
    }

    func countGeneratedBodyBytes(_ count: Int) {
        state.withLockedValue { $0.generatedBodyBytes += count }
    }

    private static let httpHandlerName = "whoami"

    private func configurePipeline(of channel: any Channel) throws {
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: 1 << 20,
            shouldUpgrade: { [self] channel, _ in
                countRequest()
                return channel.eventLoop.makeSucceededFuture(HTTPHeaders())
            },
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    operations.removeHandler(name: WhoamiServer.httpHandlerName, promise: nil)
                    try operations.addHandler(WebSocketEchoHandler())
                }
            }
        )
        let operations = channel.pipeline.syncOperations
        if let tls { try operations.addHandler(NIOSSLServerHandler(context: tls)) }
        try operations.configureHTTPServerPipeline(
            withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in })
        )
        try operations.addHandler(WhoamiHandler(server: self), name: WhoamiServer.httpHandlerName)
    }
}

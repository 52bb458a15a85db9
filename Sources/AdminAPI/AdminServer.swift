import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization
import TraefikCore

/// Why the admin server could not be set up or started; each names the setting or address at fault.
public struct AdminServerError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}

/// The web provider's own listener (spec §9): REST API, `/health`, `/metrics` and the dashboard,
/// over HTTP/1.1, with HTTPS when both `CertFile` and `KeyFile` are set. Separate from the entry
/// points: reloads do not touch it and its requests are never counted in `/health`.
public final class AdminServer: Sendable {
    /// A request body past this gets 413 and the connection is closed.
    static let maximumBodyBytes = 10 * 1024 * 1024
    /// A connection with nothing to read for this long is closed (the entry points' keep-alive limit).
    static let idleTimeout = TimeAmount.seconds(180)

    private typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    private struct Running {
        var listener: NIOAsyncChannel<Connection, Never>
        var acceptLoop: Task<Void, Never>
        var port: Int?
    }

    private let address: ListenAddress
    private let tls: NIOSSLContext?
    private let router: AdminRouter
    private let logger: Logger
    private let running = Mutex<Running?>(nil)

    /// - Throws: `AdminServerError` for an address that does not parse, or a certificate or key file
    ///   that cannot be read or does not match.
    public init(configuration: WebProviderConfig, source: any AdminDataSource, logger: Logger) throws {
        do {
            address = try ListenAddress.parse(configuration.resolvedAddress)
        } catch {
            throw AdminServerError("web address \"\(configuration.resolvedAddress)\": \(error.reason)")
        }
        let certFile = configuration.certFile ?? ""
        let keyFile = configuration.keyFile ?? ""
        if !certFile.isEmpty && !keyFile.isEmpty {
            tls = try Self.makeTLSContext(certFile: certFile, keyFile: keyFile)
        } else {
            if !certFile.isEmpty || !keyFile.isEmpty {
                logger.warning("web: CertFile and KeyFile must both be set for HTTPS; serving plain HTTP")
            }
            tls = nil
        }
        router = AdminRouter(readOnly: configuration.readOnly ?? false, source: source)
        self.logger = logger
    }

    /// Binds the listener and starts serving; throws naming the address when it cannot be bound.
    public func start() async throws {
        let tls = self.tls
        let host = address.host ?? "0.0.0.0"
        let listener: NIOAsyncChannel<Connection, Never>
        do {
            listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: address.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        if let tls { try pipeline.addHandler(NIOSSLServerHandler(context: tls)) }
                        try pipeline.addHandler(IdleStateHandler(readTimeout: Self.idleTimeout))
                        try pipeline.addHandler(IdleConnectionCloser())
                        try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw AdminServerError("web: cannot listen on \(host):\(address.port): \(error)")
        }
        let port = listener.channel.localAddress?.port
        let acceptLoop = Task { await self.accept(listener) }
        let previous = running.withLock { running in
            defer { running = Running(listener: listener, acceptLoop: acceptLoop, port: port) }
            return running
        }
        if let previous { await Self.shutDown(previous) }
        logger.info("web: \(tls == nil ? "HTTP" : "HTTPS") API listening on \(host):\(port ?? address.port)")
    }

    /// The port the listener is bound to (useful with port 0); nil before `start` and after `stop`.
    public var boundPort: Int? { running.withLock { $0?.port } }

    /// Closes the listener and every open connection.
    public func stop() async {
        guard let current = running.withLock({ running in
            defer { running = nil }
            return running
        }) else { return }
        await Self.shutDown(current)
    }

    private static func shutDown(_ running: Running) async {
        try? await running.listener.channel.close()
        // Cancelling ends every connection's request loop, which closes it.
        running.acceptLoop.cancel()
        await running.acceptLoop.value
    }

    private func accept(_ listener: NIOAsyncChannel<Connection, Never>) async {
        do {
            try await listener.executeThenClose { connections in
                await withDiscardingTaskGroup { group in
                    do {
                        for try await connection in connections {
                            group.addTask { await self.serve(connection) }
                        }
                    } catch {
                        logger.debug("web: accept loop ended: \(error)")
                    }
                }
            }
        } catch {
            logger.debug("web: listener closed: \(error)")
        }
    }

    /// One connection's requests, in order; keep-alive unless the client or an oversized body ends it.
    private func serve(_ connection: Connection) async {
        do {
            try await connection.executeThenClose { requests, responses in
                var head: HTTPRequestHead?
                var body: [UInt8] = []
                for try await part in requests {
                    switch part {
                    case .head(let requestHead):
                        if let length = requestHead.headers.first(name: "content-length").flatMap(Int.init),
                           length > Self.maximumBodyBytes
                        {
                            try await write(.error(413, "request body too large"), to: requestHead, on: responses, close: true)
                            return
                        }
                        if requestHead.headers.first(name: "expect")?.lowercased() == "100-continue" {
                            try await responses.write(.head(HTTPResponseHead(version: requestHead.version, status: .continue)))
                        }
                        head = requestHead
                        body.removeAll(keepingCapacity: true)
                    case .body(let chunk):
                        guard let requestHead = head else { continue }
                        guard body.count + chunk.readableBytes <= Self.maximumBodyBytes else {
                            try await write(.error(413, "request body too large"), to: requestHead, on: responses, close: true)
                            return
                        }
                        body.append(contentsOf: chunk.readableBytesView)
                    case .end:
                        guard let requestHead = head else { continue }
                        head = nil
                        let response = await router.respond(
                            method: requestHead.method.rawValue, target: requestHead.uri, body: body)
                        let keepAlive = requestHead.isKeepAlive
                        try await write(response, to: requestHead, on: responses, close: !keepAlive)
                        if !keepAlive { return }
                    }
                }
            }
        } catch {
            logger.debug("web: connection ended: \(error)")
        }
    }

    private func write(
        _ response: AdminResponse, to request: HTTPRequestHead,
        on responses: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, close: Bool
    ) async throws {
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        headers.add(name: "Content-Length", value: String(response.body.count))
        headers.add(name: "Date", value: WallTime.now().httpDate)
        if close {
            headers.add(name: "Connection", value: "close")
        } else if request.version.major == 1 && request.version.minor == 0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
        let head = HTTPResponseHead(version: request.version, status: .init(statusCode: response.status), headers: headers)
        var parts: [HTTPServerResponsePart] = [.head(head)]
        if !response.body.isEmpty { parts.append(.body(.byteBuffer(ByteBuffer(bytes: response.body)))) }
        parts.append(.end(nil))
        try await responses.write(contentsOf: parts)
    }

    /// A server context from PEM files: HTTP/1.1 only (ALPN `http/1.1`), TLS 1.2 at least.
    private static func makeTLSContext(certFile: String, keyFile: String) throws -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certFile)
        } catch {
            throw AdminServerError("web CertFile \(certFile): cannot read a PEM certificate (\(error))")
        }
        guard !chain.isEmpty else { throw AdminServerError("web CertFile \(certFile): no certificate in it") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw AdminServerError("web KeyFile \(keyFile): cannot read a PEM private key (\(error))")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = ["http/1.1"]
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw AdminServerError("web KeyFile \(keyFile) does not match CertFile \(certFile) (\(error))")
        }
    }
}

/// Closes the connection when the `IdleStateHandler` before it reports silence.
private final class IdleConnectionCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

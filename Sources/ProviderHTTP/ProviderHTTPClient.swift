import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A small HTTP/1.1 client for providers' control-plane APIs (etcd, Consul, Docker, Marathon).
///
/// Every request gets a connection of its own, closed when the response ends: watches hold a connection for
/// minutes anyway, and nothing here is hot enough for pooling to matter. Cancelling the calling task, dropping a
/// streamed body or calling `close()` closes the connection.
public final class ProviderHTTPClient: Sendable {
    public struct Configuration: Sendable {
        public var connectTimeout: Duration
        /// Deadline for a whole `send` (connect, head and body), unless the call gives its own.
        public var requestTimeout: Duration
        /// `send` fails with `.responseTooLarge` beyond this many body bytes.
        public var maxResponseBodySize: Int
        /// TLS options; their presence alone turns TLS on (as `[docker.tls]` does for `tcp://`).
        public var tls: ProviderTLSConfiguration?

        public init(
            connectTimeout: Duration = .seconds(5),
            requestTimeout: Duration = .seconds(30),
            maxResponseBodySize: Int = 32 << 20,
            tls: ProviderTLSConfiguration? = nil
        ) {
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.maxResponseBodySize = maxResponseBodySize
            self.tls = tls
        }
    }

    public let endpoint: HTTPEndpoint
    public let configuration: Configuration
    private let sslContext: NIOSSLContext?
    private let group: any EventLoopGroup
    private let state = NIOLockedValueBox(State())

    private struct State {
        var closed = false
        var nextConnectionID = 0
        var openConnections: [Int: any Channel] = [:]
    }

    public init(
        endpoint: HTTPEndpoint,
        configuration: Configuration = Configuration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws(ProviderHTTPError) {
        var endpoint = endpoint
        // TLS options alone turn TLS on; the endpoint then describes itself as https in errors.
        if configuration.tls != nil { endpoint.requiresTLS = true }
        self.endpoint = endpoint
        self.configuration = configuration
        self.group = eventLoopGroup
        sslContext = endpoint.requiresTLS ? try (configuration.tls ?? ProviderTLSConfiguration()).makeContext() : nil
    }

    /// Sends `request` and reads the whole response. `timeout` overrides `configuration.requestTimeout`.
    public func send(_ request: ProviderHTTPRequest, timeout: Duration? = nil) async throws -> ProviderHTTPResponse {
        let (head, body) = try await stream(request, timeout: timeout ?? configuration.requestTimeout)
        var bytes: [UInt8] = []
        for try await chunk in body {
            guard bytes.count + chunk.count <= configuration.maxResponseBodySize else {
                throw ProviderHTTPError(
                    .responseTooLarge, "\(endpoint): response body over \(configuration.maxResponseBodySize) bytes")
            }
            bytes += chunk
        }
        // A cancelled task ends the body stream early without an error; a cut body must not pass as complete.
        try Task.checkCancellation()
        return ProviderHTTPResponse(head: head, body: bytes)
    }

    /// Sends `request` and returns once the response head is in; the body arrives as it is received (chunked,
    /// length- or close-delimited), for long polls and event streams. `timeout` bounds the whole exchange, body
    /// included; nil means none. Dropping or cancelling the body stream closes the connection. The body is
    /// buffered as fast as it arrives (no backpressure): fine for control-plane volumes, not for bulk transfers.
    public func stream(
        _ request: ProviderHTTPRequest,
        timeout: Duration?
    ) async throws -> (head: ProviderHTTPResponseHead, body: AsyncThrowingStream<[UInt8], any Error>) {
        let eventLoop = group.next()
        let deadline = timeout.map { NIODeadline.now() + TimeAmount($0) }
        let headPromise = eventLoop.makePromise(of: HTTPResponseHead.self)
        let (body, bodyContinuation) = AsyncThrowingStream.makeStream(of: [UInt8].self)
        let channel: any Channel
        do {
            channel = try await connect(
                on: eventLoop, headPromise: headPromise, body: bodyContinuation, deadline: deadline)
        } catch {
            headPromise.fail(error)
            bodyContinuation.finish(throwing: error)
            throw error
        }
        bodyContinuation.onTermination = { termination in
            if case .cancelled = termination { channel.close(promise: nil) }
        }
        guard let connectionID = register(channel) else {
            channel.close(promise: nil)
            throw ProviderHTTPError(.clientClosed, "\(endpoint): client closed")
        }
        channel.closeFuture.whenComplete { [self] _ in unregister(connectionID) }

        channel.write(HTTPClientRequestPart.head(requestHead(for: request)), promise: nil)
        if let bytes = request.body, !bytes.isEmpty {
            channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: bytes))), promise: nil)
        }
        // Write failures surface through the handler as the connection closing.
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)

        let head = try await withTaskCancellationHandler {
            try await headPromise.futureResult.get()
        } onCancel: {
            channel.close(promise: nil)
        }
        return (
            ProviderHTTPResponseHead(status: Int(head.status.code), headers: head.headers.map { ($0.name, $0.value) }),
            body
        )
    }

    /// Closes every open connection; later requests fail with `.clientClosed`.
    public func close() async {
        let channels = state.withLockedValue { state in
            state.closed = true
            defer { state.openConnections = [:] }
            return Array(state.openConnections.values)
        }
        for channel in channels { try? await channel.close() }
    }

    /// How many connections are open right now (tests check that watches release theirs).
    public var openConnectionCount: Int { state.withLockedValue { $0.openConnections.count } }

    // MARK: Internals

    private func connect(
        on eventLoop: any EventLoop,
        headPromise: EventLoopPromise<HTTPResponseHead>,
        body: AsyncThrowingStream<[UInt8], any Error>.Continuation,
        deadline: NIODeadline?
    ) async throws -> any Channel {
        if state.withLockedValue({ $0.closed }) {
            throw ProviderHTTPError(.clientClosed, "\(endpoint): client closed")
        }
        let sslContext = self.sslContext
        let serverName = configuration.tls?.serverName ?? endpoint.tlsHostName
        let endpointName = endpoint.description
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let sslContext {
                        try pipeline.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
                    }
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(
                        ResponseStreamHandler(
                            headPromise: headPromise, body: body, deadline: deadline, endpoint: endpointName))
                }
            }
        do {
            switch endpoint.address {
            case .tcp(let host, let port):
                return try await bootstrap.channelOption(.tcpOption(.tcp_nodelay), value: 1)
                    .connect(host: host, port: port).get()
            case .unixSocket(let path):
                return try await bootstrap.connect(unixDomainSocketPath: path).get()
            }
        } catch let error as ChannelError {
            if case .connectTimeout = error {
                throw ProviderHTTPError(
                    .connectTimedOut, "\(endpoint): connect timed out after \(configuration.connectTimeout)")
            }
            throw ProviderHTTPError(.connectFailed, "\(endpoint): cannot connect (\(error))")
        } catch {
            throw ProviderHTTPError(.connectFailed, "\(endpoint): cannot connect (\(error))")
        }
    }

    private func requestHead(for request: ProviderHTTPRequest) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: endpoint.hostHeader)
        for (name, value) in request.headers { headers.add(name: name, value: value) }
        if let body = request.body {
            headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
        } else if request.method != "GET" && request.method != "HEAD" {
            headers.replaceOrAdd(name: "Content-Length", value: "0")
        }
        headers.replaceOrAdd(name: "Connection", value: "close")
        return HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: request.method), uri: request.target, headers: headers)
    }

    /// nil when the client is closed: the caller must not use the connection.
    private func register(_ channel: any Channel) -> Int? {
        state.withLockedValue { state in
            guard !state.closed else { return nil }
            let id = state.nextConnectionID
            state.nextConnectionID += 1
            state.openConnections[id] = channel
            return id
        }
    }

    private func unregister(_ id: Int) {
        _ = state.withLockedValue { $0.openConnections.removeValue(forKey: id) }
    }
}

extension HTTPEndpoint {
    /// SNI and certificate name: the host, unless it is an IP address (SNI cannot carry one).
    fileprivate var tlsHostName: String? {
        guard case .tcp(let host, _) = address else { return nil }
        return (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }
}

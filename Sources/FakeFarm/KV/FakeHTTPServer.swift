import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A request as the fake KV servers see it: one per connection (clients send `Connection: close`).
public struct FakeHTTPRequest: Sendable {
    public var method: String
    /// The path, percent-decoded.
    public var path: String
    /// Query parameters; a bare `recurse` maps to "".
    public var query: [String: String]
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// The connection a fake answers on. Answers are written through the channel, so they can come from any thread
/// and long after the request (long polls, watch streams); each answer ends by closing the connection.
public struct FakeHTTPResponder: Sendable {
    let channel: any Channel

    /// A complete response with a `Content-Length`, then close.
    public func respond(status: Int, headers: [(String, String)] = [], body: [UInt8]) {
        var fields = HTTPHeaders(headers)
        fields.replaceOrAdd(name: "Content-Length", value: String(body.count))
        fields.replaceOrAdd(name: "Connection", value: "close")
        channel.write(HTTPServerResponsePart.head(Self.head(status, fields)), promise: nil)
        channel.write(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
        let channel = self.channel
        channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in channel.close(promise: nil) }
    }

    /// A chunked response head, sent at once (as etcd does before a long poll's answer is known).
    public func startStream(status: Int = 200, headers: [(String, String)] = []) {
        var fields = HTTPHeaders(headers)
        fields.replaceOrAdd(name: "Transfer-Encoding", value: "chunked")
        fields.replaceOrAdd(name: "Connection", value: "close")
        channel.writeAndFlush(HTTPServerResponsePart.head(Self.head(status, fields)), promise: nil)
    }

    public func sendChunk(_ bytes: [UInt8]) {
        channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: bytes))), promise: nil)
    }

    /// The last chunk, then close.
    public func finishStream() {
        let channel = self.channel
        channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in channel.close(promise: nil) }
    }

    /// Runs `action` once the client's connection is gone.
    func onClose(_ action: @escaping @Sendable () -> Void) {
        channel.closeFuture.whenComplete { _ in action() }
    }

    private static func head(_ status: Int, _ headers: HTTPHeaders) -> HTTPResponseHead {
        HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
    }
}

/// A loopback HTTP/1.1 server that hands each request to `handle`, and can drop every connection or stop,
/// to play an outage.
final class FakeHTTPServer: Sendable {
    private let serverChannel: any Channel
    private let connections: NIOLockedValueBox<[ObjectIdentifier: any Channel]>

    let port: Int

    private init(serverChannel: any Channel, connections: NIOLockedValueBox<[ObjectIdentifier: any Channel]>) {
        self.serverChannel = serverChannel
        self.connections = connections
        // A unix socket has no port.
        port = serverChannel.localAddress?.port ?? 0
    }

    static func start(
        port: Int = 0,
        _ handle: @escaping @Sendable (FakeHTTPRequest, FakeHTTPResponder) -> Void
    ) async throws -> FakeHTTPServer {
        try await start(listening: .loopback(port: port), handle)
    }

    /// Where a fake listens: a loopback TCP port (0: the kernel picks) or a unix socket file (replaced if present).
    enum ListenAddress: Sendable {
        case loopback(port: Int)
        case unixSocket(path: String)
    }

    /// `tls`: a server context that every connection starts with (the fake Docker engine's `tcp://` + TLS).
    static func start(
        listening address: ListenAddress,
        tls: NIOSSLContext? = nil,
        _ handle: @escaping @Sendable (FakeHTTPRequest, FakeHTTPResponder) -> Void
    ) async throws -> FakeHTTPServer {
        let connections = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let id = ObjectIdentifier(channel)
                connections.withLockedValue { $0[id] = channel }
                channel.closeFuture.whenComplete { _ in _ = connections.withLockedValue { $0.removeValue(forKey: id) } }
                return channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls { try pipeline.addHandler(NIOSSLServerHandler(context: tls)) }
                    try pipeline.addHandler(HTTPResponseEncoder())
                    try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
                    try pipeline.addHandler(FakeRequestHandler(handle: handle))
                }
            }
        let channel =
            switch address {
            case .loopback(let port): try await bootstrap.bind(host: "127.0.0.1", port: port).get()
            case .unixSocket(let path):
                try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
            }
        return FakeHTTPServer(serverChannel: channel, connections: connections)
    }

    var openConnectionCount: Int { connections.withLockedValue { $0.count } }

    func dropConnections() async {
        for channel in connections.withLockedValue({ Array($0.values) }) { try? await channel.close() }
    }

    func stop() async {
        try? await serverChannel.close()
        await dropConnections()
    }
}

struct FakeServerError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Collects one request and hands it over; the answer is the handler's business.
private final class FakeRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart

    private let handle: @Sendable (FakeHTTPRequest, FakeHTTPResponder) -> Void
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(handle: @escaping @Sendable (FakeHTTPRequest, FakeHTTPResponder) -> Void) {
        self.handle = handle
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(let buffer):
            body += buffer.readableBytesView
        case .end:
            guard let head else { return }
            self.head = nil
            let (path, query) = Self.split(head.uri)
            handle(
                FakeHTTPRequest(
                    method: head.method.rawValue, path: path, query: query,
                    headers: head.headers.map { ($0.name, $0.value) }, body: body),
                FakeHTTPResponder(channel: context.channel))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private static func split(_ uri: String) -> (String, [String: String]) {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [String: String] = [:]
        if parts.count > 1 {
            for item in parts[1].split(separator: "&") {
                let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query[percentDecoded(pair[0])] = pair.count > 1 ? percentDecoded(pair[1]) : ""
            }
        }
        return (percentDecoded(parts[0]), query)
    }

    private static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"),
                let high = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex), high < utf8.endIndex,
                let low = utf8.index(index, offsetBy: 2, limitedBy: utf8.endIndex), low < utf8.endIndex,
                let value = UInt8(String(decoding: [utf8[high], utf8[low]], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index = utf8.index(index, offsetBy: 3)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// A raw-bytes server for the ProviderHTTP tests, on TCP loopback or a unix socket, optionally behind TLS: it reads
/// one request (head and `Content-Length` body), records it, and writes whatever `reply` returns, byte for byte.
final class ProviderHTTPTestServer: Sendable {
    enum Reply: Sendable {
        /// Written, then the connection is closed (so close-delimited bodies work).
        case bytesThenClose([UInt8])
        /// Written, and the connection stays open until the client closes it.
        case bytesHoldingOpen([UInt8])
    }

    private let channel: any Channel
    private let state: NIOLockedValueBox<State>

    private struct State {
        var requests: [String] = []
        var connections: [ObjectIdentifier: any Channel] = [:]
    }

    let port: Int?

    private init(channel: any Channel, state: NIOLockedValueBox<State>) {
        self.channel = channel
        self.state = state
        self.port = channel.localAddress?.port
    }

    static func start(
        unixSocket: String? = nil,
        tls: NIOSSLContext? = nil,
        reply: @escaping @Sendable (String) -> Reply
    ) async throws -> ProviderHTTPTestServer {
        let state = NIOLockedValueBox(State())
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                let id = ObjectIdentifier(channel)
                state.withLockedValue { $0.connections[id] = channel }
                channel.closeFuture.whenComplete { _ in _ = state.withLockedValue { $0.connections.removeValue(forKey: id) } }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.addHandler(
                        RawRequestHandler(
                            record: { request in state.withLockedValue { $0.requests.append(request) } }, reply: reply))
                }
            }
        let channel =
            if let unixSocket {
                try await bootstrap.bind(unixDomainSocketPath: unixSocket, cleanupExistingSocketFile: true).get()
            } else {
                try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
            }
        return ProviderHTTPTestServer(channel: channel, state: state)
    }

    /// Requests received so far, head and body as text.
    var requests: [String] { state.withLockedValue { $0.requests } }

    var openConnectionCount: Int { state.withLockedValue { $0.connections.count } }

    func stop() async {
        try? await channel.close()
        for connection in state.withLockedValue({ Array($0.connections.values) }) { try? await connection.close() }
    }
}

private final class RawRequestHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let record: @Sendable (String) -> Void
    private let reply: @Sendable (String) -> ProviderHTTPTestServer.Reply
    private var received: [UInt8] = []
    private var answered = false

    init(record: @escaping @Sendable (String) -> Void, reply: @escaping @Sendable (String) -> ProviderHTTPTestServer.Reply) {
        self.record = record
        self.reply = reply
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        received += unwrapInboundIn(data).readableBytesView
        let text = String(decoding: received, as: UTF8.self)
        guard let headEnd = text.range(of: "\r\n\r\n") else { return }
        let length = text[..<headEnd.lowerBound].split(separator: "\r\n")
            .first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        guard text.utf8.distance(from: text.utf8.startIndex, to: headEnd.upperBound) + length <= received.count else { return }
        answered = true
        record(text)
        switch reply(text) {
        case .bytesThenClose(let bytes):
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: bytes))).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        case .bytesHoldingOpen(let bytes):
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

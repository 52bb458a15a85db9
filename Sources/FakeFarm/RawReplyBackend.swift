import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A broken backend for failure tests: on every connection it waits for a request head, then writes `reply`
/// byte for byte (garbage, a cut-off head, bad framing …) and closes if `closeAfterReply`; with a nil `reply` it
/// says nothing. A connection left open shows whether the proxy dropped it. Listens on 127.0.0.1 only.
public final class RawReplyBackend: Sendable {
    private struct State {
        var serverChannel: (any Channel)?
        var port = 0
        var requestsReceived = 0
        var openConnections = 0
    }

    private let reply: [UInt8]?
    private let closeAfterReply: Bool
    private let state = NIOLockedValueBox(State())

    /// - Parameter reply: the bytes written after each request head; nil: no answer.
    public init(reply: String?, closeAfterReply: Bool = true) {
        self.reply = reply.map { Array($0.utf8) }
        self.closeAfterReply = closeAfterReply
    }

    public var port: Int { state.withLockedValue { $0.port } }

    /// Request heads received so far.
    public var requestsReceived: Int { state.withLockedValue { $0.requestsReceived } }

    /// Connections open now (a test sees whether the proxy dropped the one it used).
    public var openConnections: Int { state.withLockedValue { $0.openConnections } }

    public func start() async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ReplyHandler(backend: self))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        state.withLockedValue {
            $0.serverChannel = channel
            $0.port = channel.localAddress?.port ?? 0
        }
    }

    public func stop() async throws {
        let channel = state.withLockedValue { $0.serverChannel }
        try await channel?.close()
    }

    fileprivate func connectionOpened() { state.withLockedValue { $0.openConnections += 1 } }
    fileprivate func connectionClosed() { state.withLockedValue { $0.openConnections -= 1 } }
    fileprivate func requestArrived() -> (reply: [UInt8]?, close: Bool) {
        state.withLockedValue { $0.requestsReceived += 1 }
        return (reply, closeAfterReply)
    }

    private final class ReplyHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        private let backend: RawReplyBackend
        private var received: [UInt8] = []

        init(backend: RawReplyBackend) {
            self.backend = backend
        }

        func channelActive(context: ChannelHandlerContext) {
            backend.connectionOpened()
            context.fireChannelActive()
        }

        func channelInactive(context: ChannelHandlerContext) {
            backend.connectionClosed()
            context.fireChannelInactive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received += Self.unwrapInboundIn(data).readableBytesView
            guard let end = ByteSearch.endOfHead(in: received) else { return }
            received.removeFirst(end)
            let (reply, close) = backend.requestArrived()
            guard let reply else { return }
            let written = context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(bytes: reply)))
            if close { written.assumeIsolated().whenComplete { _ in context.close(promise: nil) } }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}

import NIOCore
import NIOHTTP1
import NIOSSL

/// The last handler of a client connection: hands the response head to a promise and the body to an async stream,
/// enforces the request's deadline, and turns every way a connection can end into exactly one outcome.
final class ResponseStreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let headPromise: EventLoopPromise<HTTPResponseHead>
    private let body: AsyncThrowingStream<[UInt8], any Error>.Continuation
    private let deadline: NIODeadline?
    private let endpoint: String
    private var headReceived = false
    private var finished = false
    private var timeout: Scheduled<Void>?

    init(
        headPromise: EventLoopPromise<HTTPResponseHead>,
        body: AsyncThrowingStream<[UInt8], any Error>.Continuation,
        deadline: NIODeadline?,
        endpoint: String
    ) {
        self.headPromise = headPromise
        self.body = body
        self.deadline = deadline
        self.endpoint = endpoint
    }

    func handlerAdded(context: ChannelHandlerContext) {
        guard let deadline else { return }
        let channel = context.channel
        timeout = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            finish(ProviderHTTPError(.timedOut, "\(endpoint): no complete response before the deadline"))
            channel.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timeout?.cancel()
        finish(ProviderHTTPError(.connectionClosed, "\(endpoint): connection closed before the response was complete"))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            headReceived = true
            headPromise.succeed(head)
        case .body(let buffer):
            if !finished { body.yield(Array(buffer.readableBytesView)) }
        case .end:
            finish(nil)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timeout?.cancel()
        finish(ProviderHTTPError(.connectionClosed, "\(endpoint): connection closed before the response was complete"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(Self.classify(error, endpoint: endpoint))
        context.close(promise: nil)
    }

    /// Completes the head promise (if still open) and the body stream; later calls do nothing.
    private func finish(_ error: ProviderHTTPError?) {
        guard !finished else { return }
        finished = true
        timeout?.cancel()
        if !headReceived {
            headPromise.fail(error ?? ProviderHTTPError(.invalidResponse, "\(endpoint): response ended without a head"))
        }
        body.finish(throwing: error)
    }

    private static func classify(_ error: any Error, endpoint: String) -> ProviderHTTPError {
        switch error {
        case let error as ProviderHTTPError: error
        case HTTPParserError.invalidEOFState:
            ProviderHTTPError(.connectionClosed, "\(endpoint): connection closed in the middle of the response")
        case is HTTPParserError: ProviderHTTPError(.invalidResponse, "\(endpoint): malformed HTTP response (\(error))")
        case is NIOSSLError, is NIOSSLExtraError, is BoringSSLError:
            ProviderHTTPError(.tlsHandshakeFailed, "\(endpoint): TLS failed (\(error))")
        default: ProviderHTTPError(.connectionClosed, "\(endpoint): connection failed (\(error))")
        }
    }
}

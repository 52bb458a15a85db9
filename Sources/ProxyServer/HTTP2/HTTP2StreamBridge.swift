import NIOCore
import NIOHTTP1

/// Carries one h2 stream to and from `DownstreamHandler` as HTTP/1.1 bytes, so h2 clients (D20)
/// get the same routing and forwarding as HTTP/1.1 clients. Each stream channel's pipeline is
/// `HTTP2FramePayloadToHTTP1ServerCodec` → `HTTP2StreamBridge` → `DownstreamHandler`.
///
/// Inbound, the request head becomes an HTTP/1.1 head whose body framing the bridge chooses
/// itself: the client's Content-Length, else chunked when DATA follows. Outbound, the response
/// bytes are scanned again and their HTTP/1.1 framing becomes END_STREAM.
final class HTTP2StreamBridge: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = HTTPServerResponsePart

    private enum RequestState {
        case awaitingHead
        /// No Content-Length: the next part shows whether a body follows (the codec delivers the
        /// end right after the head when the HEADERS frame ended the stream).
        case headHeld(HTTPRequestHead)
        case contentLength(remaining: Int)
        case chunked
        case complete
        /// The request cannot be passed on safely; the stream is being reset.
        case rejected
    }

    private var request = RequestState.awaitingHead
    private var response = HTTP1ResponseTranslator()
    /// Completes once the response's END_STREAM has been written to the connection.
    private var responseEndWritten: EventLoopFuture<Void>?

    init() {}

    // MARK: - Inbound: the h2 request as HTTP/1.1 bytes

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): receiveHead(head, context: context)
        case .body(let body): receiveBody(body, context: context)
        case .end: receiveEnd(context: context)  // trailers are not passed on
        }
    }

    // The state is always updated before bytes go on: `DownstreamHandler` may answer (write,
    // close) from inside `fireChannelRead`.

    private func receiveHead(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard case .awaitingHead = request, let facts = HTTP2RequestTranslation.inspect(head) else {
            reject(context: context)
            return
        }
        response.requestWasHEAD = head.method == .HEAD
        if let length = facts.contentLength {
            request = .contentLength(remaining: length)
            forward(head, chunked: false, context: context)
        } else if facts.expectsContinue {
            request = .chunked
            forward(head, chunked: true, context: context)
        } else {
            request = .headHeld(head)
        }
    }

    private func receiveBody(_ body: ByteBuffer, context: ChannelHandlerContext) {
        switch request {
        case .headHeld(let head):
            request = .chunked
            var out = context.channel.allocator.buffer(capacity: 512 + body.readableBytes)
            HTTP2RequestTranslation.writeHead(head, chunked: true, into: &out)
            if body.readableBytes > 0 { HTTP2RequestTranslation.writeChunk(body, into: &out) }
            context.fireChannelRead(wrapInboundOut(out))
        case .contentLength(let remaining):
            // The h2 layer checks this too; more bytes than declared would reach `DownstreamHandler`
            // as a second, pipelined request.
            guard body.readableBytes <= remaining else {
                reject(context: context)
                return
            }
            request = .contentLength(remaining: remaining - body.readableBytes)
            if body.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(body)) }
        case .chunked:
            guard body.readableBytes > 0 else { return }  // an empty chunk would end the body
            var out = context.channel.allocator.buffer(capacity: body.readableBytes + 20)
            HTTP2RequestTranslation.writeChunk(body, into: &out)
            context.fireChannelRead(wrapInboundOut(out))
        case .awaitingHead, .complete:
            reject(context: context)
        case .rejected:
            break
        }
    }

    private func receiveEnd(context: ChannelHandlerContext) {
        switch request {
        case .headHeld(let head):
            request = .complete
            forward(head, chunked: false, context: context)
        case .contentLength(let remaining):
            guard remaining == 0 else {
                reject(context: context)
                return
            }
            request = .complete
        case .chunked:
            request = .complete
            var out = context.channel.allocator.buffer(capacity: 5)
            HTTP2RequestTranslation.writeLastChunk(into: &out)
            context.fireChannelRead(wrapInboundOut(out))
        case .awaitingHead, .complete:
            reject(context: context)
        case .rejected:
            break
        }
    }

    private func forward(_ head: HTTPRequestHead, chunked: Bool, context: ChannelHandlerContext) {
        var out = context.channel.allocator.buffer(capacity: 512)
        HTTP2RequestTranslation.writeHead(head, chunked: chunked, into: &out)
        context.fireChannelRead(wrapInboundOut(out))
    }

    /// RFC 9113 §8.1.1: a malformed request is a stream error; closing the stream channel resets it.
    private func reject(context: ChannelHandlerContext) {
        request = .rejected
        context.close(promise: nil)
    }

    // MARK: - Outbound: HTTP/1.1 response bytes as h2 response parts

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let output = response.translate(unwrapOutboundIn(data))
        // The write's promise goes with the last part it produced.
        var held: HTTPServerResponsePart?
        func send(_ part: HTTPServerResponsePart) {
            if let previous = held { context.write(wrapOutboundOut(previous), promise: nil) }
            held = part
        }
        for informational in output.informationalHeads { send(.head(informational)) }
        if let head = output.head { send(.head(head)) }
        if let body = output.body, body.readableBytes > 0 { send(.body(.byteBuffer(body))) }
        if let last = held {
            context.write(wrapOutboundOut(last), promise: output.end ? nil : promise)
        }
        if output.end {
            writeEnd(context: context, promise: promise)
        } else if held == nil {
            // Consumed without output: framing bytes, part of a head, or bytes after the response.
            promise?.succeed(())
        }
        if output.closeStream {
            context.flush()
            closeAfterResponseEnd(context: context, mode: .all, promise: nil)
        }
    }

    /// `DownstreamHandler` closes to end a body delimited by the close; for h2 that is END_STREAM.
    /// A close at any other point resets the stream, so a client never takes a cut-off response
    /// for a complete one.
    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode != .input, response.closeEndsResponse() { writeEnd(context: context, promise: nil) }
        // Writes not yet flushed go out before the close, which would otherwise drop them.
        context.flush()
        closeAfterResponseEnd(context: context, mode: mode, promise: promise)
    }

    private func writeEnd(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        let written = context.eventLoop.makePromise(of: Void.self)
        if let promise { written.futureResult.cascade(to: promise) }
        responseEndWritten = written.futureResult
        context.write(wrapOutboundOut(.end(nil)), promise: written)
    }

    /// Closing a stream that is still open resets it, and the reset discards DATA frames the h2
    /// layer still holds (flow control): once the response is complete, the close waits until
    /// END_STREAM has gone out. Often there is nothing left to close by then: a stream whose
    /// request had ended closes itself with the response's END_STREAM.
    private func closeAfterResponseEnd(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode != .input, let responseEndWritten else {
            context.close(mode: mode, promise: promise)
            return
        }
        responseEndWritten.assumeIsolated().whenComplete { _ in
            if context.channel.isActive {
                context.close(mode: mode, promise: promise)
            } else {
                promise?.fail(ChannelError.alreadyClosed)
            }
        }
    }
}

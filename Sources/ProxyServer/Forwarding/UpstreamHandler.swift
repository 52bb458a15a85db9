import NIOCore

/// Why an upstream exchange ended without a complete response.
enum UpstreamFailure: Error {
    /// The backend closed (or reset) before sending a response head.
    case closedBeforeResponse
    /// The backend closed in the middle of a response body.
    case closedMidResponse
    /// The backend sent bytes that are not valid HTTP/1.x.
    case malformedResponse(String)
    /// The connection failed before a response head, e.g. the backend's TLS certificate was refused.
    case connectionError(String)
}

/// The only handler of a pooled backend connection. It scans the response head, then passes the original bytes
/// (head rewritten by the client side, body untouched) to the client connection that owns it for the exchange.
final class UpstreamHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase {
        case idle
        case awaitingHead(requestWasHEAD: Bool)
        case contentLength(remaining: Int)
        case chunked(ChunkedBodyScanner)
        case untilClose
        case tunnel
        case closed
    }

    let poolID: Int
    private let pool: UpstreamPool
    private var context: ChannelHandlerContext?
    /// The client connection this exchange belongs to; nil while pooled. Cleared before handing control back,
    /// which also breaks the reference cycle.
    private var owner: DownstreamHandler?
    private var phase = Phase.idle
    private var input: ByteBuffer?
    private var readHeld = false
    private var headScan = HeadScanResume()
    private var responseKeepAlive = true
    private(set) var exchangesStarted = 0

    init(poolID: Int, pool: UpstreamPool) {
        self.poolID = poolID
        self.pool = pool
    }

    /// Open and not in an exchange: may be pooled or handed out.
    var isUsable: Bool {
        guard let context, context.channel.isActive, case .idle = phase else { return false }
        return true
    }

    var isWritable: Bool { context?.channel.isWritable ?? false }

    /// True once the connection has carried an earlier exchange (a stale keep-alive connection may close on us).
    var isReused: Bool { exchangesStarted > 1 }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func begin(owner: DownstreamHandler, requestWasHEAD: Bool) {
        self.owner = owner
        phase = .awaitingHead(requestWasHEAD: requestWasHEAD)
        exchangesStarted += 1
        responseKeepAlive = true
    }

    /// Detaches from the client side without finishing the exchange (the client went away): never reused.
    func abandon() {
        owner = nil
        phase = .closed
        context?.close(promise: nil)
    }

    func send(_ buffer: ByteBuffer) { context?.write(wrapOutboundOut(buffer), promise: nil) }
    func flush() { context?.flush() }
    func close() { context?.close(promise: nil) }

    func resumeReading() {
        guard readHeld, let context else { return }
        readHeld = false
        context.read()
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        switch phase {
        case .idle, .closed:
            // A backend talking out of turn cannot be trusted with the next request.
            if buffer.readableBytes > 0 { context.close(promise: nil) }
        case .tunnel:
            owner?.upstreamTunnelBytes(buffer)
        case .untilClose:
            owner?.upstreamBody(buffer)
        case .awaitingHead, .contentLength, .chunked:
            if input == nil {
                input = buffer
            } else {
                input!.writeBuffer(&buffer)
            }
            processInput()
        }
    }

    private func processInput() {
        while var buffer = input, buffer.readableBytes > 0 {
            switch phase {
            case .awaitingHead(let requestWasHEAD):
                let scan = buffer.withUnsafeReadableBytes {
                    HTTP1Scanner.scanResponse($0, requestWasHEAD: requestWasHEAD, limits: HTTPHeadLimits(), resume: &headScan)
                }
                switch scan {
                case .incomplete:
                    return
                case .invalid(let error):
                    input = nil
                    fail(.malformedResponse("\(error)"))
                    return
                case .complete(let head):
                    let headBytes = buffer.readSlice(length: head.headLength)!
                    input = buffer.readableBytes > 0 ? buffer : nil
                    handleHead(head, headBytes)
                }
            case .contentLength(let remaining):
                let take = min(remaining, buffer.readableBytes)
                let slice = buffer.readSlice(length: take)!
                input = buffer.readableBytes > 0 ? buffer : nil
                if take == remaining {
                    phase = .idle
                    owner?.upstreamBody(slice)
                    finishResponse()
                } else {
                    phase = .contentLength(remaining: remaining - take)
                    owner?.upstreamBody(slice)
                }
            case .chunked(var scanner):
                let progress = buffer.withUnsafeReadableBytes { scanner.consume($0) }
                switch progress {
                case .needMore:
                    input = nil
                    phase = .chunked(scanner)
                    owner?.upstreamBody(buffer)
                case .finished(let bodyBytes):
                    let slice = buffer.readSlice(length: bodyBytes)!
                    input = buffer.readableBytes > 0 ? buffer : nil
                    phase = .idle
                    owner?.upstreamBody(slice)
                    finishResponse()
                case .invalid(let reason):
                    input = nil
                    fail(.malformedResponse("chunked body: \(reason)"))
                }
            case .idle, .closed, .tunnel, .untilClose:
                return
            }
        }
    }

    private func handleHead(_ head: ResponseHead, _ headBytes: ByteBuffer) {
        if head.status == 101 {
            phase = .tunnel
            owner?.upstreamSwitchedProtocols(head, headBytes)
            if let rest = input {
                input = nil
                owner?.upstreamTunnelBytes(rest)
            }
            return
        }
        if head.status < 200 {
            owner?.upstreamInformational(headBytes)
            return
        }
        responseKeepAlive = head.keepAlive
        switch head.framing {
        case .none, .contentLength(0):
            phase = .idle
            owner?.upstreamResponseHead(head, headBytes)
            finishResponse()
        case .contentLength(let length):
            phase = .contentLength(remaining: length)
            owner?.upstreamResponseHead(head, headBytes)
        case .chunked:
            phase = .chunked(ChunkedBodyScanner())
            owner?.upstreamResponseHead(head, headBytes)
        case .untilClose:
            phase = .untilClose
            owner?.upstreamResponseHead(head, headBytes)
            if let rest = input {
                input = nil
                owner?.upstreamBody(rest)
            }
        }
    }

    /// The response is complete: hand the connection back to the owner, who pools or closes it.
    private func finishResponse() {
        let reusable = responseKeepAlive && input == nil
        input = nil
        let owner = self.owner
        self.owner = nil
        owner?.upstreamResponseEnded(self, reusable: reusable)
    }

    private func fail(_ failure: UpstreamFailure) {
        let owner = self.owner
        self.owner = nil
        phase = .closed
        context?.close(promise: nil)
        owner?.upstreamFailed(self, failure)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        owner?.flushToClient()
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch phase {
        case .idle:
            pool.remove(self)
        case .untilClose:
            phase = .closed
            let owner = self.owner
            self.owner = nil
            owner?.upstreamResponseEnded(self, reusable: false)
        case .tunnel:
            phase = .closed
            let owner = self.owner
            self.owner = nil
            owner?.upstreamTunnelClosed()
        case .awaitingHead:
            fail(.closedBeforeResponse)
        case .contentLength, .chunked:
            fail(.closedMidResponse)
        case .closed:
            break
        }
        phase = .closed
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case .awaitingHead = phase, owner != nil {
            fail(.connectionError("\(error)"))
            return
        }
        context.close(promise: nil)
    }

    // MARK: backpressure: read from the backend only while the client can take more.

    func read(context: ChannelHandlerContext) {
        if let owner, !owner.clientIsWritable {
            readHeld = true
            return
        }
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { owner?.upstreamBecameWritable() }
        context.fireChannelWritabilityChanged()
    }
}

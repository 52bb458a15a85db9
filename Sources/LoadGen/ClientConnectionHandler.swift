import NIOCore

/// One TCP connection of a `ConnectionWorker`: writes the request, parses the response, counts bytes.
final class ClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let worker: ConnectionWorker
    private var parser: HTTPResponseParser
    private var context: ChannelHandlerContext?
    private var awaitingResponse = false
    private var isClosed = false
    private var unreportedBytes = 0

    init(worker: ConnectionWorker, expectsBody: Bool) {
        self.worker = worker
        parser = HTTPResponseParser(expectsBody: expectsBody)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func sendRequest(_ request: ByteBuffer) {
        awaitingResponse = true
        guard let context, !isClosed else {
            // The server hung up between connecting (or the last response) and this request.
            return failRequest(.read)
        }
        context.writeAndFlush(wrapOutboundOut(request), promise: nil)
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        context?.close(promise: nil)
    }

    /// Bytes read since the last report, for a request abandoned by its timeout.
    func takeUnreportedBytes() -> Int {
        defer { unreportedBytes = 0 }
        return unreportedBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        unreportedBytes += buffer.readableBytes
        guard awaitingResponse else {
            // Bytes nobody asked for: the connection is out of step, so it cannot be trusted further.
            return failRequest(.parse)
        }
        let progress: HTTPResponseParser.Progress
        do {
            progress = try buffer.withUnsafeReadableBytes { bytes in try parser.parse(bytes) }
        } catch {
            return failRequest(.parse)
        }
        guard case .complete(let response, let consumed) = progress else { return }
        guard consumed == buffer.readableBytes else { return failRequest(.parse) }
        completeRequest(response)
    }

    func channelInactive(context: ChannelHandlerContext) {
        isClosed = true
        if awaitingResponse {
            switch parser.endOfInput() {
            case .complete(let response): completeRequest(response)
            case .nothingReceived, .truncated: failRequest(.read)
            }
        } else {
            worker.idleConnectionClosed(self)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if awaitingResponse { failRequest(.read) }
        close()
    }

    private func completeRequest(_ response: ParsedResponse) {
        awaitingResponse = false
        parser.reset()
        worker.responseCompleted(self, response, bytesRead: takeUnreportedBytes())
    }

    private func failRequest(_ kind: FailureKind) {
        awaitingResponse = false
        worker.requestFailed(self, kind: kind, bytesRead: takeUnreportedBytes())
        close()
    }
}

import NIOCore
import NIOHTTP1

/// Serves one connection of a `WhoamiServer`. Lives on the channel's event loop; every timer it sets is
/// cancelled when the connection goes away.
final class WhoamiHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// A generated body being written piece by piece.
    private struct BodyStream {
        var sent: Int
        /// Bytes to send before finishing (half the size for `close=mid`).
        var limit: Int
        var pause: TimeAmount?
        var closeWhenSent: Bool
        var keepAlive: Bool
        var lastWrite: EventLoopFuture<Void>?
    }

    private struct EventStream {
        var next: Int
        var count: Int
        var interval: TimeAmount
        var keepAlive: Bool
    }

    private static let pieceSize = 64 * 1024
    /// `0, 1, … 250` repeated, long enough to copy any 64 KiB piece of the `i % 251` pattern from one offset.
    private static let pattern: [UInt8] = (0..<(pieceSize + 251)).map { UInt8($0 % 251) }

    private let server: WhoamiServer
    private var request: HTTPRequestHead?
    private var bodyLength = 0
    private var checksum = FNV1a64()
    private var bodyStream: BodyStream?
    private var eventStream: EventStream?
    private var pendingTimer: Scheduled<Void>?
    private var isConnected = true
    private var isPumping = false

    init(server: WhoamiServer) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            server.countRequest()
            request = head
            bodyLength = 0
            checksum = FNV1a64()
            if head.version == .http1_1,
                head.headers["expect"].contains(where: { $0.lowercased() == "100-continue" })
            {
                context.writeAndFlush(
                    wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))),
                    promise: nil
                )
            }
        case .body(let buffer):
            bodyLength += buffer.readableBytes
            buffer.withUnsafeReadableBytes { checksum.update($0) }
        case .end:
            guard let head = request else { return }
            request = nil
            var behaviour = WhoamiBehaviour(target: head.uri)
            if behaviour.delayMilliseconds == 0 { behaviour.delayMilliseconds = server.responseDelayMilliseconds }
            let echo = echoBody(for: head, context: context)
            if behaviour.delayMilliseconds > 0 {
                pendingTimer = context.eventLoop.assumeIsolated().scheduleTask(
                    in: .milliseconds(Int64(behaviour.delayMilliseconds))
                ) { [self] in
                    pendingTimer = nil
                    respond(context: context, head: head, behaviour: behaviour, echo: echo)
                }
            } else {
                respond(context: context, head: head, behaviour: behaviour, echo: echo)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopStreaming()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopStreaming()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, pendingTimer == nil, bodyStream != nil {
            pumpBody(context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func stopStreaming() {
        isConnected = false
        pendingTimer?.cancel()
        pendingTimer = nil
        bodyStream = nil
        eventStream = nil
    }

    // MARK: Responses

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead, behaviour: WhoamiBehaviour, echo: [UInt8]) {
        guard isConnected else { return }
        let isHead = head.method == .HEAD
        var keepAlive = head.isKeepAlive
        var headers = HTTPHeaders()
        for extra in behaviour.extraHeaders {
            headers.add(name: extra.name, value: extra.value)
        }
        let status = HTTPResponseStatus(statusCode: behaviour.status)
        let mayHaveBody = status.mayHaveResponseBody

        if let events = behaviour.serverSentEvents, mayHaveBody, !isHead {
            headers.replaceOrAdd(name: "content-type", value: "text/event-stream")
            headers.replaceOrAdd(name: "cache-control", value: "no-cache")
            // HTTP/1.0 cannot chunk: the close marks the end.
            if head.version != .http1_1 { keepAlive = false }
            writeHead(context: context, head: head, status: status, headers: headers, keepAlive: keepAlive)
            eventStream = EventStream(
                next: 0,
                count: events.count,
                interval: .milliseconds(Int64(events.intervalMilliseconds)),
                keepAlive: keepAlive
            )
            sendNextEvent(context: context)
        } else if let size = behaviour.size, mayHaveBody {
            headers.replaceOrAdd(name: "content-type", value: "application/octet-stream")
            if behaviour.chunked {
                if head.version != .http1_1 { keepAlive = false }
            } else {
                headers.replaceOrAdd(name: "content-length", value: String(size))
            }
            writeHead(context: context, head: head, status: status, headers: headers, keepAlive: keepAlive)
            if isHead {
                finish(context: context, keepAlive: keepAlive)
                return
            }
            bodyStream = BodyStream(
                sent: 0,
                limit: behaviour.closeMidBody ? size / 2 : size,
                pause: behaviour.slowMilliseconds > 0 ? .milliseconds(Int64(behaviour.slowMilliseconds)) : nil,
                closeWhenSent: behaviour.closeMidBody,
                keepAlive: keepAlive,
                lastWrite: nil
            )
            pumpBody(context: context)
        } else {
            headers.replaceOrAdd(name: "content-type", value: "application/json")
            headers.replaceOrAdd(name: "content-length", value: String(echo.count))
            writeHead(context: context, head: head, status: status, headers: headers, keepAlive: keepAlive)
            if mayHaveBody && !isHead {
                var buffer = context.channel.allocator.buffer(capacity: echo.count)
                buffer.writeBytes(echo)
                context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            }
            finish(context: context, keepAlive: keepAlive)
        }
    }

    private func writeHead(
        context: ChannelHandlerContext,
        head: HTTPRequestHead,
        status: HTTPResponseStatus,
        headers: HTTPHeaders,
        keepAlive: Bool
    ) {
        var headers = headers
        if head.version == .http1_0 && keepAlive {
            headers.replaceOrAdd(name: "connection", value: "keep-alive")
        } else if !keepAlive {
            headers.replaceOrAdd(name: "connection", value: "close")
        }
        let version: HTTPVersion = head.version == .http1_0 ? .http1_0 : .http1_1
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: status, headers: headers))), promise: nil)
    }

    private func finish(context: ChannelHandlerContext, keepAlive: Bool) {
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    /// Writes 64 KiB pieces while the channel is writable; resumes on writability or after the `slow` pause.
    /// A flush can report writability re-entrantly; `isPumping` makes that a no-op, the loop re-checks.
    private func pumpBody(context: ChannelHandlerContext) {
        guard !isPumping else { return }
        isPumping = true
        defer { isPumping = false }
        while var stream = bodyStream {
            if stream.sent >= stream.limit {
                bodyStream = nil
                completeBody(context: context, stream: stream)
                return
            }
            if !context.channel.isWritable {
                context.flush()
                if context.channel.isWritable { continue }
                return  // `channelWritabilityChanged` resumes.
            }
            let count = min(Self.pieceSize, stream.limit - stream.sent)
            let start = stream.sent % 251
            var buffer = context.channel.allocator.buffer(capacity: count)
            buffer.writeBytes(Self.pattern[start..<(start + count)])
            stream.lastWrite = context.write(wrapOutboundOut(.body(.byteBuffer(buffer))))
            stream.sent += count
            server.countGeneratedBodyBytes(count)
            bodyStream = stream
            if let pause = stream.pause, stream.sent < stream.limit {
                context.flush()
                pendingTimer = context.eventLoop.assumeIsolated().scheduleTask(in: pause) { [self] in
                    pendingTimer = nil
                    pumpBody(context: context)
                }
                return
            }
        }
    }

    private func completeBody(context: ChannelHandlerContext, stream: BodyStream) {
        guard stream.closeWhenSent else {
            finish(context: context, keepAlive: stream.keepAlive)
            return
        }
        context.flush()
        // Close only once the half body is on the wire; closing earlier would drop queued bytes.
        if let lastWrite = stream.lastWrite {
            lastWrite.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
    }

    private func sendNextEvent(context: ChannelHandlerContext) {
        guard var stream = eventStream else { return }
        guard stream.next < stream.count else {
            eventStream = nil
            finish(context: context, keepAlive: stream.keepAlive)
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: 32)
        buffer.writeString("data: event-\(stream.next)\n\n")
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        stream.next += 1
        eventStream = stream
        pendingTimer = context.eventLoop.assumeIsolated().scheduleTask(in: stream.interval) { [self] in
            pendingTimer = nil
            sendNextEvent(context: context)
        }
    }

    // MARK: Echo

    private func echoBody(for head: HTTPRequestHead, context: ChannelHandlerContext) -> [UInt8] {
        let remote: String
        if let address = context.channel.remoteAddress, let ip = address.ipAddress, let port = address.port {
            remote = ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
        } else {
            remote = ""
        }
        return WhoamiEchoJSON.encode(
            WhoamiEchoJSON.Fields(
                name: server.name,
                method: head.method.rawValue,
                uri: head.uri,
                proto: "HTTP/\(head.version.major).\(head.version.minor)",
                host: head.headers.first(name: "host") ?? "",
                headers: head.headers.map { (name: $0.name, value: $0.value) },
                remoteAddr: remote,
                bodyLength: bodyLength,
                bodyChecksum: checksum.hex
            )
        )
    }
}

import NIOCore

/// One request: an operation and its body. The handler adds the xid.
struct ZooKeeperRequest: Sendable, Equatable {
    var opCode: ZooKeeperOpCode
    var body: ZooKeeperRequestBody
}

/// A reply the server sent: its body, or the ZooKeeper error code (NONODE, NODEEXISTS…) for the caller to judge.
/// Connection-level failures are thrown as `KVStoreError` instead.
enum ZooKeeperReply: Sendable {
    case ok(ByteBuffer)
    case error(Int32)
}

/// What a watch subscriber hears from the session.
enum ZooKeeperSessionSignal: Sendable, Equatable {
    /// A watch fired for this path (at or below the subscriber's prefix).
    case notification(path: String)
    /// The connection or session is gone; nothing more will arrive.
    case lost(KVStoreError)
}

/// The client side of one ZooKeeper session. Lives on its channel's event loop; `ZooKeeperConnection` is the
/// thread-safe face. Replies come back in request order, so pending requests form a FIFO matched by xid.
final class ZooKeeperClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        case idle
        case awaitingSession(EventLoopPromise<ZooKeeperConnectResponse>)
        case connected
        case failed(KVStoreError)
    }

    private struct PendingRequest {
        let xid: Int32
        let opCode: ZooKeeperOpCode
        let sentAt: NIODeadline
        let promise: EventLoopPromise<ZooKeeperReply>
    }

    private struct Subscriber {
        let prefix: String
        let continuation: AsyncStream<ZooKeeperSessionSignal>.Continuation
    }

    let endpoint: String
    private let eventLoop: any EventLoop
    private let requestTimeout: TimeAmount
    private var state = State.idle
    private var context: ChannelHandlerContext?
    private var nextXid: Int32 = 1
    private var pending = CircularBuffer<PendingRequest>()
    private var pingSentAt: NIODeadline?
    private var lastSentAt = NIODeadline.now()
    private var pingInterval = TimeAmount.seconds(3)
    private var ticker: RepeatedTask?
    private var handshakeTimeout: Scheduled<Void>?
    private var subscribers: [Int: Subscriber] = [:]
    private var nextSubscriberID = 0
    /// Set when the owner closes on purpose, so waiters hear that rather than "connection lost".
    private var closeReason: KVStoreError?

    init(endpoint: String, requestTimeout: TimeAmount, eventLoop: any EventLoop) {
        self.endpoint = endpoint
        self.eventLoop = eventLoop
        self.requestTimeout = requestTimeout
    }

    var failure: KVStoreError? {
        if case .failed(let error) = state { return error }
        return nil
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        fail(closeReason ?? KVStoreError(.unreachable, "zookeeper \(endpoint): connection closed"))
        self.context = nil
    }

    // MARK: Session

    /// Sends the connect request; the future completes with the server's answer or fails after `timeout`.
    func startSession(timeoutMilliseconds: Int32, within timeout: TimeAmount) -> EventLoopFuture<ZooKeeperConnectResponse> {
        guard let context else {
            return failedFuture(KVStoreError(.unreachable, "zookeeper \(endpoint): connection closed"))
        }
        let promise = context.eventLoop.makePromise(of: ZooKeeperConnectResponse.self)
        state = .awaitingSession(promise)
        let frame = ByteBuffer.zooKeeperFrame(allocator: context.channel.allocator) { buffer in
            ZooKeeperConnectRequest(timeoutMilliseconds: timeoutMilliseconds).encode(into: &buffer)
        }
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
        let endpoint = self.endpoint
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        handshakeTimeout = context.eventLoop.scheduleTask(in: timeout) {
            handler.value.fail(KVStoreError(.unreachable, "zookeeper \(endpoint): no session established within \(timeout)"))
        }
        return promise.futureResult
    }

    private func sessionEstablished(_ response: ZooKeeperConnectResponse, context: ChannelHandlerContext) {
        guard case .awaitingSession(let promise) = state else { return }
        handshakeTimeout?.cancel()
        guard response.timeoutMilliseconds > 0 else {
            fail(KVStoreError(.unreachable, "zookeeper \(endpoint): session refused (expired)"))
            return
        }
        state = .connected
        // The server expires a silent session after its timeout; pinging at a third of it keeps it alive.
        pingInterval = .milliseconds(Int64(response.timeoutMilliseconds) / 3)
        let tick = TimeAmount.nanoseconds(max(TimeAmount.milliseconds(10).nanoseconds, min(pingInterval, requestTimeout).nanoseconds / 4))
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        ticker = context.eventLoop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { _ in
            handler.value.checkTimers()
        }
        promise.succeed(response)
    }

    private func checkTimers() {
        guard case .connected = state else { return }
        let now = NIODeadline.now()
        if let oldest = pending.first, now - oldest.sentAt > requestTimeout {
            fail(KVStoreError(.unreachable, "zookeeper \(endpoint): request timed out after \(requestTimeout)"))
            return
        }
        if let pingSentAt, now - pingSentAt > requestTimeout {
            fail(KVStoreError(.unreachable, "zookeeper \(endpoint): ping timed out after \(requestTimeout)"))
            return
        }
        if pingSentAt == nil, now - lastSentAt >= pingInterval, let context {
            let frame = ByteBuffer.zooKeeperFrame(allocator: context.channel.allocator) { buffer in
                ZooKeeperRequestHeader(xid: ZooKeeperXid.ping, opCode: ZooKeeperOpCode.ping.rawValue).encode(into: &buffer)
            }
            pingSentAt = now
            lastSentAt = now
            context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
        }
    }

    // MARK: Requests

    /// Writes all requests, then flushes once, so a batch travels pipelined.
    func send(_ requests: [ZooKeeperRequest]) -> [EventLoopFuture<ZooKeeperReply>] {
        guard case .connected = state, let context else {
            let error = failure ?? KVStoreError(.unreachable, "zookeeper \(endpoint): not connected")
            return requests.map { _ in failedFuture(error) }
        }
        let now = NIODeadline.now()
        let futures = requests.map { request -> EventLoopFuture<ZooKeeperReply> in
            let xid = nextXid
            nextXid = nextXid == Int32.max ? 1 : nextXid + 1
            let frame = ByteBuffer.zooKeeperFrame(allocator: context.channel.allocator) { buffer in
                ZooKeeperRequestHeader(xid: xid, opCode: request.opCode.rawValue).encode(into: &buffer)
                request.body.encode(into: &buffer)
            }
            let promise = context.eventLoop.makePromise(of: ZooKeeperReply.self)
            pending.append(PendingRequest(xid: xid, opCode: request.opCode, sentAt: now, promise: promise))
            context.write(wrapOutboundOut(frame), promise: nil)
            return promise.futureResult
        }
        lastSentAt = now
        context.flush()
        return futures
    }

    private func failedFuture<Value>(_ error: KVStoreError) -> EventLoopFuture<Value> {
        eventLoop.makeFailedFuture(error)
    }

    // MARK: Watches

    /// Registers a listener for notifications at or below `prefix`. Only the newest signal is buffered: any buffered
    /// signal means "look again", and `.lost` is always the last one.
    func subscribe(prefix: String) -> (id: Int, signals: AsyncStream<ZooKeeperSessionSignal>) {
        let (stream, continuation) = AsyncStream.makeStream(of: ZooKeeperSessionSignal.self, bufferingPolicy: .bufferingNewest(1))
        if let failure {
            continuation.yield(.lost(failure))
            continuation.finish()
            return (-1, stream)
        }
        let id = nextSubscriberID
        nextSubscriberID += 1
        subscribers[id] = Subscriber(prefix: prefix, continuation: continuation)
        return (id, stream)
    }

    func unsubscribe(id: Int) {
        subscribers.removeValue(forKey: id)?.continuation.finish()
    }

    private func notify(path: String) {
        for subscriber in subscribers.values where KVKeyPath.isAtOrBelow(path, prefix: subscriber.prefix) {
            subscriber.continuation.yield(.notification(path: path))
        }
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var frame = unwrapInboundIn(data)
        do {
            switch state {
            case .awaitingSession:
                sessionEstablished(try ZooKeeperConnectResponse.decode(from: &frame), context: context)
            case .connected:
                try handleReply(&frame)
            case .idle, .failed:
                break
            }
        } catch {
            fail(KVStoreError(.invalidResponse, "zookeeper \(endpoint): undecodable reply: \(error)"))
        }
    }

    private func handleReply(_ frame: inout ByteBuffer) throws {
        let header = try ZooKeeperReplyHeader.decode(from: &frame)
        switch header.xid {
        case ZooKeeperXid.notification:
            let event = try ZooKeeperWatcherEvent.decode(from: &frame)
            if event.type == ZooKeeperWatcherEvent.typeNone {
                if event.state == ZooKeeperWatcherEvent.stateExpired || event.state == ZooKeeperWatcherEvent.stateDisconnected {
                    fail(KVStoreError(.unreachable, "zookeeper \(endpoint): session expired"))
                }
            } else {
                notify(path: event.path)
            }
        case ZooKeeperXid.ping:
            pingSentAt = nil
        default:
            guard let request = pending.popFirst() else {
                throw JuteDecodingError(description: "reply xid \(header.xid) with no request outstanding")
            }
            guard request.xid == header.xid else {
                request.promise.fail(KVStoreError(.invalidResponse, "zookeeper \(endpoint): reply out of order"))
                throw JuteDecodingError(description: "reply xid \(header.xid), expected \(request.xid)")
            }
            if header.error == ZooKeeperErrorCode.sessionExpired {
                let error = KVStoreError(.unreachable, "zookeeper \(endpoint): session expired")
                request.promise.fail(error)
                fail(error)
            } else if header.error != ZooKeeperErrorCode.ok {
                request.promise.succeed(.error(header.error))
            } else {
                request.promise.succeed(.ok(frame))
            }
        }
    }

    func beginClose(reason: KVStoreError) {
        closeReason = reason
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(closeReason ?? KVStoreError(.unreachable, "zookeeper \(endpoint): connection lost"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(KVStoreError(.unreachable, "zookeeper \(endpoint): \(error)"))
    }

    // MARK: Failure

    /// Ends the session for good: every waiter and subscriber hears `error`, and the channel closes.
    /// The first failure wins, so callers see the cause rather than the close it caused.
    func fail(_ error: KVStoreError) {
        if case .failed = state { return }
        let previous = state
        state = .failed(error)
        if case .awaitingSession(let promise) = previous { promise.fail(error) }
        handshakeTimeout?.cancel()
        ticker?.cancel()
        while let request = pending.popFirst() {
            request.promise.fail(error)
        }
        let ended = subscribers.values
        subscribers.removeAll()
        for subscriber in ended {
            subscriber.continuation.yield(.lost(error))
            subscriber.continuation.finish()
        }
        context?.close(promise: nil)
    }
}

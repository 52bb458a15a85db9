#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import NIOPosix
import TraefikCore

/// Everything a client connection needs to know about its entry point.
struct EntryPointSettings: Sendable {
    var name: String
    var isTLS: Bool
    /// Set when the entry point redirects every request (decision D3).
    var redirect: EntryPointRedirect?
    var store: RuntimeStore
    var limits = HTTPHeadLimits()
    var timeouts = ClientTimeouts()
    var serverName: String
    var logger: Logger
}

/// Timeouts of a client connection (decisions.md limits; configurable per entry point).
struct ClientTimeouts: Sendable {
    /// Reading one request head, from its first byte: 408 past it.
    var requestHead = TimeAmount.seconds(10)
    /// An idle keep-alive connection is closed after this.
    var idleKeepAlive = TimeAmount.seconds(180)
    /// A request body without progress for this long ends the exchange (not counted while we hold reading back).
    var bodyIdle = TimeAmount.seconds(60)
    /// The whole request sent, no response head yet: 504 past it. Zero: no limit.
    var responseHead = TimeAmount.seconds(60)
}

/// The only handler of a client connection: scans each request head, routes it, and forwards the original
/// bytes to a pooled backend connection of the same event loop; streams both bodies with backpressure.
final class DownstreamHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase {
        case awaitingHead
        case exchanging
        case tunneling
        case closing
    }

    private enum RequestBody {
        case done
        case contentLength(remaining: Int)
        case chunked(ChunkedBodyScanner)
    }

    /// Bytes of pipelined requests buffered while a response is pending, before reading pauses.
    static let maxPipelinedBytes = 64 * 1024

    private let settings: EntryPointSettings
    private let pool: UpstreamPool
    private let sweeper: ConnectionSweeper
    private let accessLog: AccessLogBuffer?
    private var accessEntry: AccessLogEntry?
    private let headBuffers: HeadBuffers
    private let traffic: LoopTrafficStats
    /// Labels and start of the exchange in progress, for /health and /metrics.
    private var exchangeStarted = NIODeadline.uptimeNanoseconds(0)
    private var exchangeMethod = MethodLabel.other
    private var exchangeFrontend = ""
    private var exchangeBackend = ""
    /// Where to report the outcome of the exchange (drr and circuit breakers), and when it started.
    private var feedback: (backend: BackendRuntime, server: Int, started: Duration)?
    /// The status the client got (or the failure maps to) for the exchange in progress.
    private var exchangeStatus = 0
    /// Links of the sweeper's intrusive list of this loop's client connections.
    var sweepNext: DownstreamHandler?
    unowned(unsafe) var sweepPrevious: DownstreamHandler?
    private var context: ChannelHandlerContext?
    private var phase = Phase.awaitingHead
    /// Received bytes not yet handled: a partial head, or a pipelined request waiting for the current response.
    private var input: ByteBuffer?
    private var readHeld = false
    private var headScan = HeadScanResume()
    private var processingInput = false
    private var clientInputClosed = false
    private var facts: ForwardingFacts
    private var cachedRuntime: ProxyRuntime?
    private var cachedRoutes = EntryPointRoutes.none

    // The exchange in progress.
    private var upstream: UpstreamHandler?
    private var target: UpstreamTarget?
    private var waitingForUpstream = false
    private var writesForUpstream: [ByteBuffer] = []
    private var requestBody = RequestBody.done
    private var clientKeepAlive = true
    private var clientMinorVersion = 1
    private var requestIsHEAD = false
    private var requestIsUpgrade = false
    private var responseStarted = false
    private var closeAfterResponse = false
    private var dechunker: ChunkedDecoder?
    /// The complete request of a body-less exchange on a reused connection, kept for one retry when the backend
    /// closed that idle connection just as we used it.
    private var replayableRequest: ByteBuffer?
    private var wroteToUpstream = false

    // Timeouts, checked by the loop's sweeper.
    private var headStartedAt: NIODeadline?
    /// When the request body last moved (nil when there is none in progress).
    private var bodyProgressAt: NIODeadline?
    private var idleSince = NIODeadline.now()
    /// A fresh connection gets the request-head timeout to send its first byte (a connection opened and left
    /// silent is a slowloris too); between requests of a keep-alive connection, the idle timeout applies.
    private var hasFinishedAnExchange = false
    /// The sweeper tick that first saw the request sent and no response head (nil otherwise).
    private var awaitingResponseSince: NIODeadline?

    init(settings: EntryPointSettings, loop: LoopResources) {
        self.settings = settings
        self.pool = loop.pool
        self.sweeper = loop.sweeper
        self.accessLog = loop.accessLog
        headBuffers = loop.headBuffers
        traffic = loop.traffic
        facts = ForwardingFacts(clientIP: "", scheme: settings.isTLS ? "https" : "http", serverName: settings.serverName)
    }

    var clientIsWritable: Bool { context?.channel.isWritable ?? false }

    var entryPoint: String { settings.name }

    /// The whole request body has been passed on (or there is none).
    private var requestBodyComplete: Bool {
        if case .done = requestBody { return true }
        return false
    }

    // MARK: lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        facts.clientIP = context.channel.remoteAddress.map(ClientAddress.text) ?? ""
        idleSince = .now()
        sweeper.add(self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        sweeper.remove(self)
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        phase = .closing
        if let upstream {
            self.upstream = nil
            upstream.abandon()
        }
        writesForUpstream.removeAll()
        context.fireChannelInactive()
    }

    /// The client shut down its sending side (remote half-closure is allowed on client channels): answer what
    /// is in flight, then close.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let event = event as? ChannelEvent, case .inputClosed = event else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        clientInputClosed = true
        switch phase {
        case .awaitingHead:
            if input == nil { closeClient() } else { processInput() }
        case .tunneling:
            closeClient()
        case .exchanging, .closing:
            break  // finishExchange closes once the pipelined requests are answered
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        settings.logger.debug("client connection error: \(error)")
        context.close(promise: nil)
    }

    // MARK: inbound from the client

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        switch phase {
        case .awaitingHead:
            append(&buffer)
            processInput()
        case .exchanging:
            if requestBodyComplete {
                append(&buffer)  // pipelined: handled once the current response is complete
            } else {
                forwardRequestBody(from: &buffer)
                if buffer.readableBytes > 0 { append(&buffer) }
            }
        case .tunneling:
            sendUpstream(buffer)
        case .closing:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if wroteToUpstream {
            wroteToUpstream = false
            upstream?.flush()
        }
        context.fireChannelReadComplete()
    }

    private func append(_ buffer: inout ByteBuffer) {
        if input == nil {
            input = buffer
        } else {
            input!.writeBuffer(&buffer)
        }
    }

    /// Handles the request heads in `input` one after the other while each is answered at once (pipelined
    /// requests answered by the proxy itself); a loop rather than recursion, so a long pipeline cannot grow the stack.
    private func processInput() {
        guard !processingInput else { return }
        processingInput = true
        defer { processingInput = false }
        while phase == .awaitingHead, var buffer = input, buffer.readableBytes > 0 {
            let scan = buffer.withUnsafeReadableBytes {
                HTTP1Scanner.scanRequest($0, limits: settings.limits, resume: &headScan)
            }
            switch scan {
            case .incomplete:
                if clientInputClosed {
                    closeClient()  // the rest of this head will never come
                    return
                }
                if headStartedAt == nil { headStartedAt = .now() }
                return
            case .invalid(let error):
                input = nil
                startUnroutedExchange(at: headStartedAt ?? .now())
                settings.logger.debug("rejected request: \(error)")
                respond(status: error.status, close: true)
                return
            case .complete(let head):
                headStartedAt = nil
                let headBytes = buffer.readSlice(length: head.headLength)!
                input = buffer.readableBytes > 0 ? buffer : nil
                handleRequest(head, headBytes)
            }
        }
    }

    // MARK: routing

    private func handleRequest(_ head: RequestHead, _ headBytes: ByteBuffer) {
        clientMinorVersion = head.minorVersion
        clientKeepAlive = head.keepAlive
        requestIsHEAD = head.isHEAD
        requestIsUpgrade = head.upgrade
        responseStarted = false
        closeAfterResponse = !head.keepAlive
        switch head.framing {
        case .contentLength(let length) where length > 0: requestBody = .contentLength(remaining: length)
        case .chunked: requestBody = .chunked(ChunkedBodyScanner())
        default: requestBody = .done
        }
        phase = .exchanging
        bodyProgressAt = requestBodyComplete ? nil : .now()

        let runtime = settings.store.runtime
        if runtime !== cachedRuntime {
            cachedRuntime = runtime
            cachedRoutes = runtime.routes[settings.name] ?? .none
        }

        exchangeStarted = .now()
        exchangeFrontend = ""
        exchangeBackend = ""
        let decision: RoutingDecision = headBytes.withUnsafeReadableBytes { raw in
            exchangeMethod = MethodLabel(UnsafeRawBufferPointer(rebasing: raw[head.method]))
            if let accessLog {
                accessEntry = AccessLogEntry(clientIP: facts.clientIP, time: accessLog.timestamp(), head: head, raw: raw)
            }
            return route(head, raw, runtime: runtime)
        }
        switch decision {
        case .respond(let status, let location):
            // The body (if any) of a request we answer ourselves is not read: close afterwards.
            if !requestBodyComplete { closeAfterResponse = true }
            respond(status: status, location: location, close: closeAfterResponse)
        case .forward(let target, let passHostHeader, let pathAndQuery):
            let out = headBuffers.write(capacity: head.headLength + 192) { out in
                headBytes.withUnsafeReadableBytes { raw in
                    RequestHeadRewriter.write(
                        head, from: raw, pathAndQuery: pathAndQuery, target: target, passHostHeader: passHostHeader,
                        facts: facts, into: &out)
                }
            }
            startExchange(with: target, head: out)
        }
    }

    private enum RoutingDecision {
        case respond(status: Int, location: String?)
        case forward(UpstreamTarget, passHostHeader: Bool, pathAndQuery: Range<Int>)
    }

    private func route(_ head: RequestHead, _ raw: UnsafeRawBufferPointer, runtime: ProxyRuntime) -> RoutingDecision {
        if let redirect = settings.redirect {
            switch redirectDecision(redirect, head, raw) {
            case .redirect(let location): return .respond(status: 302, location: location)
            case .badHost: return .respond(status: 400, location: nil)
            case .noRedirect: break
            }
        }
        let target = RequestTarget.split(raw, target: head.target)
        // Path cleaning first (spec §4.4): 301 to the cleaned path, whether or not a frontend matches.
        if PathShape.needsCleaning(UnsafeRawBufferPointer(rebasing: raw[target.pathBytes])) {
            let rawPath = String(decoding: UnsafeRawBufferPointer(rebasing: raw[target.pathBytes]), as: UTF8.self)
            var location = PathCleaner.clean(rawPath)
            if let query = target.query {
                location += "?" + String(decoding: UnsafeRawBufferPointer(rebasing: raw[query]), as: UTF8.self)
            }
            return .respond(status: 301, location: location)
        }
        guard let path = RequestTarget.decodePath(raw, path: target.pathBytes) else {
            return .respond(status: 400, location: nil)
        }
        let hostRange = target.absoluteHost ?? head.host.map { hostWithoutPort(raw, $0) }
        let request = WireRequest(
            method: String(decoding: UnsafeRawBufferPointer(rebasing: raw[head.method]), as: UTF8.self),
            host: hostRange.map { String(decoding: UnsafeRawBufferPointer(rebasing: raw[$0]), as: UTF8.self) } ?? "",
            path: path, raw: raw, headers: head.headers)
        guard let routed = cachedRoutes.firstMatch(request) else {
            return .respond(status: 404, location: nil)
        }
        exchangeFrontend = routed.frontend.name
        exchangeBackend = routed.frontend.backendName
        guard let backend = routed.backend else { return .respond(status: 503, location: nil) }
        // The exchange's start (read once in handleRequest) is also the breaker's and drr's clock reading.
        let now = backend.needsFeedback ? MonotonicNow.duration(exchangeStarted) : .zero
        let server: UpstreamTarget
        switch backend.pick(now: now) {
        case .fallback:
            return .respond(status: 503, location: nil)
        case .noServers:
            settings.logger.warning(
                "frontend \(routed.frontend.name): backend \(routed.frontend.backendName) has no servers")
            return .respond(status: 503, location: nil)
        case .server(let picked, let index):
            server = picked
            if backend.needsFeedback { feedback = (backend, index, now) }
        }
        return .forward(server, passHostHeader: routed.passHostHeader, pathAndQuery: target.pathAndQuery)
    }

    /// The source URL's scheme is https over TLS or when the request says `X-Forwarded-Proto: https` (spec §3.3).
    private func redirectDecision(_ redirect: EntryPointRedirect, _ head: RequestHead, _ raw: UnsafeRawBufferPointer)
        -> RedirectDecision
    {
        let forwardedHTTPS = headerLineValues(named: "x-forwarded-proto", in: head.headers, raw)
            .contains { $0.lowercased() == "https" }
        return redirect.location(
            scheme: settings.isTLS || forwardedHTTPS ? "https" : "http",
            host: head.host.map { String(decoding: UnsafeRawBufferPointer(rebasing: raw[$0]), as: UTF8.self) } ?? "",
            requestURI: String(decoding: UnsafeRawBufferPointer(rebasing: raw[head.target]), as: UTF8.self))
    }

    // MARK: forwarding the request

    private func startExchange(with target: UpstreamTarget, head: ByteBuffer) {
        self.target = target
        var bodyNow: ByteBuffer?
        if var rest = input {
            input = nil
            bodyNow = takeRequestBody(from: &rest)
            if rest.readableBytes > 0 { input = rest }
            guard phase == .exchanging else { return }  // the body was malformed and already answered
        }
        if let idle = pool.acquire(target) {
            replayableRequest = bodyNow == nil && requestBodyComplete ? head : nil
            attach(idle)
            idle.send(head)
            if let bodyNow { idle.send(bodyNow) }
            idle.flush()
        } else {
            replayableRequest = nil
            writesForUpstream.append(head)
            if let bodyNow { writesForUpstream.append(bodyNow) }
            connect(to: target)
        }
    }

    private func connect(to target: UpstreamTarget) {
        waitingForUpstream = true
        pool.connect(target).assumeIsolated().whenComplete { [self] result in
            waitingForUpstream = false
            guard phase == .exchanging else {
                if case .success(let channel) = result { channel.close(promise: nil) }
                return
            }
            switch result {
            case .success(let channel):
                guard let handler = try? channel.pipeline.syncOperations.handler(type: UpstreamHandler.self) else {
                    channel.close(promise: nil)
                    failExchange(status: 500, reason: "upstream pipeline without handler")
                    return
                }
                attach(handler)
                for buffer in writesForUpstream { handler.send(buffer) }
                writesForUpstream.removeAll(keepingCapacity: true)
                handler.flush()
                resumeClientReading()
            case .failure(let error):
                writesForUpstream.removeAll(keepingCapacity: true)
                let status = Self.status(forConnectError: error)
                settings.logger.warning("cannot reach \(target.poolKey) (\(target.name)): \(error)")
                failExchange(status: status, reason: "\(error)")
            }
        }
    }

    /// refused → 502, dial timeout → 504, anything else → 500 (decisions D21).
    static func status(forConnectError error: any Error) -> Int {
        if let channelError = error as? ChannelError, case .connectTimeout = channelError { return 504 }
        if error is NIOConnectionError { return 502 }
        if let ioError = error as? IOError, ioError.errnoCode == ECONNREFUSED { return 502 }
        return 500
    }

    private func attach(_ handler: UpstreamHandler) {
        upstream = handler
        handler.begin(owner: self, requestWasHEAD: requestIsHEAD)
    }

    private func forwardRequestBody(from buffer: inout ByteBuffer) {
        if let slice = takeRequestBody(from: &buffer) { sendUpstream(slice) }
        bodyProgressAt = requestBodyComplete ? nil : .now()
    }

    /// Splits the bytes of the current request's body off the front of `buffer`.
    private func takeRequestBody(from buffer: inout ByteBuffer) -> ByteBuffer? {
        switch requestBody {
        case .done:
            return nil
        case .contentLength(let remaining):
            let take = min(remaining, buffer.readableBytes)
            requestBody = take == remaining ? .done : .contentLength(remaining: remaining - take)
            return take > 0 ? buffer.readSlice(length: take) : nil
        case .chunked(var scanner):
            let progress = buffer.withUnsafeReadableBytes { scanner.consume($0) }
            switch progress {
            case .needMore:
                requestBody = .chunked(scanner)
                return buffer.readSlice(length: buffer.readableBytes)
            case .finished(let bodyBytes):
                requestBody = .done
                return buffer.readSlice(length: bodyBytes)
            case .invalid(let reason):
                settings.logger.debug("bad chunked request body: \(reason)")
                buffer.moveReaderIndex(to: buffer.writerIndex)
                failExchange(status: 400, reason: "bad chunked body")
                return nil
            }
        }
    }

    private func sendUpstream(_ buffer: ByteBuffer) {
        if let upstream {
            upstream.send(buffer)
            wroteToUpstream = true
        } else if waitingForUpstream {
            writesForUpstream.append(buffer)
        }
    }

    // MARK: callbacks from the upstream handler

    func upstreamInformational(_ headBytes: ByteBuffer) {
        // 1xx (100 Continue) means nothing to an HTTP/1.0 client.
        if clientMinorVersion == 1 { context?.write(wrapOutboundOut(headBytes), promise: nil) }
    }

    func upstreamResponseHead(_ head: ResponseHead, _ headBytes: ByteBuffer) {
        guard let context else { return }
        replayableRequest = nil
        responseStarted = true
        if head.framing == .untilClose { closeAfterResponse = true }
        if !requestBodyComplete { closeAfterResponse = true }  // a response before the whole request body
        var mode = ResponseBodyMode.passThrough
        let out = headBuffers.write(capacity: head.headLength + 32) { out in
            mode = headBytes.withUnsafeReadableBytes { raw in
                ResponseHeadRewriter.write(
                    head, from: raw, clientMinorVersion: clientMinorVersion, closeClient: closeAfterResponse,
                    switchingProtocols: false, into: &out)
            }
        }
        if mode == .dechunk {
            closeAfterResponse = true
            dechunker = ChunkedDecoder()
        }
        accessEntry?.status = head.status
        exchangeStatus = head.status
        context.write(wrapOutboundOut(out), promise: nil)
    }

    func upstreamSwitchedProtocols(_ head: ResponseHead, _ headBytes: ByteBuffer) {
        guard let context else { return }
        replayableRequest = nil
        responseStarted = true
        guard requestIsUpgrade else {
            failExchange(status: 502, reason: "backend switched protocols without an upgrade request")
            return
        }
        let out = headBuffers.write(capacity: head.headLength + 32) { out in
            _ = headBytes.withUnsafeReadableBytes { raw in
                ResponseHeadRewriter.write(
                    head, from: raw, clientMinorVersion: clientMinorVersion, closeClient: false,
                    switchingProtocols: true, into: &out)
            }
        }
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        accessEntry?.status = 101
        exchangeStatus = 101
        exchangeEnded()
        phase = .tunneling
        requestBody = .done
        if let rest = input {
            input = nil
            sendUpstream(rest)
            upstream?.flush()
        }
        resumeClientReading()
    }

    func upstreamBody(_ bytes: ByteBuffer) {
        guard let context else { return }
        if dechunker != nil {
            var out = context.channel.allocator.buffer(capacity: bytes.readableBytes)
            bytes.withUnsafeReadableBytes { raw in
                dechunker!.decode(raw) { range in out.writeBytes(UnsafeRawBufferPointer(rebasing: raw[range])) }
            }
            accessEntry?.bytes += out.readableBytes
            if out.readableBytes > 0 { context.write(wrapOutboundOut(out), promise: nil) }
        } else {
            accessEntry?.bytes += bytes.readableBytes
            context.write(wrapOutboundOut(bytes), promise: nil)
        }
    }

    func upstreamTunnelBytes(_ bytes: ByteBuffer) {
        context?.write(wrapOutboundOut(bytes), promise: nil)
    }

    func flushToClient() { context?.flush() }

    func upstreamResponseEnded(_ handler: UpstreamHandler, reusable: Bool) {
        upstream = nil
        // After a declined upgrade the backend was told `Connection: Upgrade`; HTTP lets it carry on, but servers
        // that stall there exist (a NIO server with an upgrade handler does), so that connection is not reused.
        if reusable && requestBodyComplete && !requestIsUpgrade {
            pool.release(handler)
        } else {
            handler.close()
        }
        finishExchange()
    }

    func upstreamFailed(_ handler: UpstreamHandler, _ failure: UpstreamFailure) {
        upstream = nil
        if case .closedBeforeResponse = failure, handler.isReused, let request = replayableRequest, let target {
            // A keep-alive connection the backend closed as we reused it: one retry on a fresh connection.
            replayableRequest = nil
            writesForUpstream = [request]
            connect(to: target)
            return
        }
        if responseStarted {
            settings.logger.warning("backend \(target?.name ?? "?") failed mid-response: \(failure)")
            exchangeStatus = 502
            exchangeEnded()
            closeClient()
            return
        }
        let status: Int
        switch failure {
        // A malformed response is 502 too (issue 10; the original's Go transport made it 500): the gateway got
        // an invalid answer, which is what 502 means.
        case .closedBeforeResponse, .closedMidResponse, .connectionError, .malformedResponse: status = 502
        }
        settings.logger.warning("backend \(target?.name ?? "?") failed: \(failure)")
        failExchange(status: status, reason: "\(failure)")
    }

    func upstreamTunnelClosed() {
        upstream = nil
        closeClient()
    }

    func upstreamBecameWritable() { resumeClientReading() }

    // MARK: ending exchanges

    private func finishExchange() {
        guard let context else { return }
        exchangeEnded()
        target = nil
        replayableRequest = nil
        dechunker = nil
        requestIsHEAD = false
        if closeAfterResponse || (clientInputClosed && input == nil) {
            closeClient()
            return
        }
        context.flush()
        phase = .awaitingHead
        idleSince = .now()
        hasFinishedAnExchange = true
        if input != nil { processInput() }
        resumeClientReading()
    }

    /// Answers the current request with an error before any response byte was sent.
    private func failExchange(status: Int, reason: String) {
        settings.logger.debug("answering \(status): \(reason)")
        if let upstream {
            self.upstream = nil
            upstream.abandon()
        }
        writesForUpstream.removeAll()
        respond(status: status, close: closeAfterResponse || !requestBodyComplete)
    }

    /// Writes a response of our own and ends the exchange.
    private func respond(status: Int, location: String? = nil, close: Bool) {
        guard let context else { return }
        var out = context.channel.allocator.buffer(capacity: 160)
        CannedResponse.write(
            status: status, location: location, close: close, keepAliveForHTTP10: clientMinorVersion == 0,
            headOnly: requestIsHEAD, into: &out)
        exchangeStatus = status
        if accessEntry != nil {
            accessEntry!.status = status
            accessEntry!.bytes = requestIsHEAD ? 0 : CannedResponse.bodyLength(status: status)
        }
        context.write(wrapOutboundOut(out), promise: nil)
        closeAfterResponse = close
        requestBody = .done
        finishExchange()
    }

    /// A request answered before it could be routed (malformed, or its head never completed).
    private func startUnroutedExchange(at started: NIODeadline) {
        exchangeStarted = started
        exchangeMethod = .other
        exchangeFrontend = ""
        exchangeBackend = ""
    }

    /// The exchange is over for the client: access log, drr/breaker feedback, traffic counters.
    private func exchangeEnded() {
        awaitingResponseSince = nil
        writeAccessLog()
        let now = NIODeadline.now()
        reportOutcome(now: now)
        traffic.record(
            .init(
                entryPoint: settings.name, frontend: exchangeFrontend, backend: exchangeBackend, method: exchangeMethod,
                status: exchangeStatus),
            durationNanoseconds: Int64(now.uptimeNanoseconds &- exchangeStarted.uptimeNanoseconds),
            nowNanoseconds: Int64(now.uptimeNanoseconds))
    }

    /// Tells the backend's drr meters and circuit breaker how the exchange went (status and latency).
    private func reportOutcome(now deadline: NIODeadline) {
        guard let feedback else { return }
        self.feedback = nil
        let now = MonotonicNow.duration(deadline)
        feedback.backend.record(server: feedback.server, status: exchangeStatus, latency: now - feedback.started, now: now)
    }

    /// One Combined Log Format line for the exchange that just ended (only with `accessLogsFile`).
    private func writeAccessLog() {
        guard let entry = accessEntry else { return }
        accessEntry = nil
        accessLog?.append(entry)
    }

    private func closeClient() {
        guard let context, phase != .closing else { return }
        phase = .closing
        input = nil
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).assumeIsolated()
            .whenComplete { _ in context.close(promise: nil) }
    }

    // MARK: backpressure: read from the client only while the backend side can take more.

    func read(context: ChannelHandlerContext) {
        switch phase {
        case .exchanging:
            // Reading on while a response is pending costs nothing (no epoll changes); only a client that
            // pipelines more than `maxPipelinedBytes`, a backend that cannot take more, or a connect in
            // progress pause it.
            if (requestBodyComplete && (input?.readableBytes ?? 0) > Self.maxPipelinedBytes) || waitingForUpstream
                || !(upstream?.isWritable ?? true)
            {
                readHeld = true
                return
            }
        case .tunneling:
            if !(upstream?.isWritable ?? true) {
                readHeld = true
                return
            }
        case .awaitingHead, .closing:
            break
        }
        context.read()
    }

    private func resumeClientReading() {
        guard readHeld, let context else { return }
        readHeld = false
        read(context: context)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { upstream?.resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    // MARK: timeouts

    var readIsHeld: Bool { readHeld || waitingForUpstream }

    func markBodyProgress(_ now: NIODeadline) { bodyProgressAt = requestBodyComplete ? nil : now }

    /// The client stopped sending its request body: 408 if nothing was answered yet, else close.
    func endStalledExchange() {
        bodyProgressAt = nil
        if responseStarted {
            closeClient()
        } else {
            failExchange(status: 408, reason: "request body idle")
        }
    }

    /// The server is stopping: close now if idle, else after the response in flight (tunnels stay until forced).
    func beginDrain() {
        switch phase {
        case .awaitingHead:
            closeClient()
        case .exchanging:
            closeAfterResponse = true
        case .tunneling, .closing:
            break
        }
    }

    /// The grace period is over.
    func forceClose() {
        phase = .closing
        context?.close(promise: nil)
    }

    /// Called about once a second by the sweeper: 408 for a request head that takes too long, close for an idle
    /// keep-alive connection or a new one that sent nothing.
    func checkTimeouts(now: NIODeadline) {
        if phase == .exchanging, let progress = bodyProgressAt {
            checkRequestBody(lastProgress: progress, now: now)
            return
        }
        if phase == .exchanging {
            checkResponseWait(now: now)
            return
        }
        guard phase == .awaitingHead else { return }
        if let started = headStartedAt {
            if now >= started + settings.timeouts.requestHead {
                settings.logger.debug("request head not complete after \(settings.timeouts.requestHead): 408")
                input = nil
                startUnroutedExchange(at: started)
                respond(status: 408, close: true)
            }
        } else if input == nil,
            now >= idleSince + (hasFinishedAnExchange ? settings.timeouts.idleKeepAlive : settings.timeouts.requestHead)
        {
            closeClient()
        }
    }
}

extension DownstreamHandler {
    /// A request body that stopped moving: 408 before the response started, else the connection closes. Time in
    /// which we hold reading back (the backend is slow to take the body, or still connecting) does not count.
    fileprivate func checkRequestBody(lastProgress: NIODeadline, now: NIODeadline) {
        if requestBodyComplete || readIsHeld {
            markBodyProgress(now)
            return
        }
        guard now >= lastProgress + settings.timeouts.bodyIdle else { return }
        settings.logger.debug("request body idle for \(settings.timeouts.bodyIdle)")
        endStalledExchange()
    }

    /// A backend that took the whole request and sends no response head: 504, and that connection is dropped.
    /// Measured from the sweeper tick that first saw the wait, so it is exact to the sweeper's period.
    fileprivate func checkResponseWait(now: NIODeadline) {
        let limit = settings.timeouts.responseHead
        guard limit > .zero, !responseStarted, requestBodyComplete, upstream != nil else {
            awaitingResponseSince = nil
            return
        }
        guard let since = awaitingResponseSince else {
            awaitingResponseSince = now
            return
        }
        guard now >= since + limit else { return }
        awaitingResponseSince = nil
        settings.logger.warning("backend \(target?.name ?? "?") sent no response head within \(limit): 504")
        failExchange(status: 504, reason: "no response head from the backend")
    }
}

/// The request as the rules see it, reading header values straight from the head bytes.
private struct WireRequest: RoutableRequest {
    let method: String
    let host: String
    let path: String
    let raw: UnsafeRawBufferPointer
    let headers: [HeaderLine]

    func headerValues(named lowercasedName: String) -> [String] {
        headerLineValues(named: lowercasedName, in: headers, raw)
    }
}

/// The values of every header line named `lowercasedName` (compared ignoring case), read from the head bytes.
private func headerLineValues(named lowercasedName: String, in headers: [HeaderLine], _ raw: UnsafeRawBufferPointer)
    -> [String]
{
    var values: [String] = []
    let name = Array(lowercasedName.utf8)
    for line in headers where line.nameEnd - line.lineStart == name.count {
        var equal = true
        for offset in 0..<name.count where HTTP1Bytes.lowercased(raw[line.lineStart + offset]) != name[offset] {
            equal = false
            break
        }
        if equal {
            values.append(String(decoding: UnsafeRawBufferPointer(rebasing: raw[line.valueStart..<line.valueEnd]), as: UTF8.self))
        }
    }
    return values
}

/// The Host value without its port (`[::1]:80` → `[::1]`, `a.b:8000` → `a.b`).
private func hostWithoutPort(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>) -> Range<Int> {
    guard !range.isEmpty else { return range }
    if raw[range.lowerBound] == UInt8(ascii: "[") {
        for index in range where raw[index] == UInt8(ascii: "]") { return range.lowerBound..<(index + 1) }
        return range
    }
    for index in range where raw[index] == UInt8(ascii: ":") { return range.lowerBound..<index }
    return range
}

/// Cheap check on the raw path bytes for what `PathCleaner` would change: `//`, `/./`, `/../`, a trailing `/.` or `/..`.
enum PathShape {
    static func needsCleaning(_ path: UnsafeRawBufferPointer) -> Bool {
        let slash = UInt8(ascii: "/")
        let dot = UInt8(ascii: ".")
        let count = path.count
        // Only origin-form paths are cleaned; `*` (OPTIONS) and empty paths are left alone.
        if count == 0 || path[0] != slash { return false }
        var index = 0
        while index < count {
            if path[index] == slash {
                let next = index + 1
                if next < count && path[next] == slash { return true }
                if next < count && path[next] == dot {
                    let afterDot = next + 1
                    if afterDot == count || path[afterDot] == slash { return true }
                    if path[afterDot] == dot && (afterDot + 1 == count || path[afterDot + 1] == slash) { return true }
                }
            }
            index += 1
        }
        return false
    }
}

import NIOCore
import NIOPosix

/// One of the `-c` concurrent clients: sends a request, waits for its response, and repeats until the budget
/// says stop, reusing its connection with keep-alive and reconnecting per request without (as ab does).
/// Confined to its event loop.
final class ConnectionWorker {
    struct Settings: Sendable {
        let address: SocketAddress
        let request: ByteBuffer
        let expectsBody: Bool
        let keepAlive: Bool
        let timeout: TimeAmount
    }

    private struct InFlight {
        let startedAt: NIODeadline
        let timeoutTask: Scheduled<Void>
        let onReusedConnection: Bool
    }

    private let loop: any EventLoop
    private let settings: Settings
    private let budget: RequestBudget
    private let tally: LoopTally
    private let onFinished: @Sendable () -> Void
    /// The open (or opening) connection; callbacks from any other connection are stale and ignored.
    private var connection: ClientConnectionHandler?
    private var isConnected = false
    private var inFlight: InFlight?
    private var scheduledSend: Scheduled<Void>?
    private var isFinished = false

    init(
        loop: any EventLoop, settings: Settings, budget: RequestBudget, tally: LoopTally,
        onFinished: @escaping @Sendable () -> Void
    ) {
        self.loop = loop
        self.settings = settings
        self.budget = budget
        self.tally = tally
        self.onFinished = onFinished
    }

    func start() {
        sendNextRequest()
    }

    /// Ends this worker now, abandoning (not counting) a request in flight.
    func finish() {
        guard !isFinished else { return }
        isFinished = true
        scheduledSend?.cancel()
        scheduledSend = nil
        inFlight?.timeoutTask.cancel()
        inFlight = nil
        dropConnection()
        onFinished()
    }

    private func sendNextRequest() {
        guard !isFinished else { return }
        let now = NIODeadline.now()
        guard let claim = budget.claim(now: now) else { return finish() }
        guard let intendedStart = claim.intendedStart, intendedStart > now else {
            return send(startedAt: claim.intendedStart ?? now)
        }
        scheduledSend = loop.assumeIsolated().scheduleTask(deadline: intendedStart) {
            self.scheduledSend = nil
            self.send(startedAt: intendedStart)
        }
    }

    private func send(startedAt: NIODeadline) {
        let timeoutTask = loop.assumeIsolated().scheduleTask(in: settings.timeout) { self.requestTimedOut() }
        if let connection, isConnected {
            inFlight = InFlight(startedAt: startedAt, timeoutTask: timeoutTask, onReusedConnection: true)
            connection.sendRequest(settings.request)
        } else {
            inFlight = InFlight(startedAt: startedAt, timeoutTask: timeoutTask, onReusedConnection: false)
            connect()
        }
    }

    private func connect() {
        let handler = ClientConnectionHandler(worker: self, expectsBody: settings.expectsBody)
        connection = handler
        isConnected = false
        let boundHandler = NIOLoopBound(handler, eventLoop: loop)
        ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(settings.timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(boundHandler.value)
                }
            }
            .connect(to: settings.address)
            .assumeIsolated()
            .whenComplete { result in
                guard handler === self.connection else {
                    // Abandoned while connecting (timeout or stop): close what arrived late.
                    if case .success(let channel) = result { channel.close(promise: nil) }
                    return
                }
                switch result {
                case .success:
                    self.isConnected = true
                    handler.sendRequest(self.settings.request)
                case .failure:
                    self.requestFailed(handler, kind: .connect, bytesRead: 0)
                }
            }
    }

    func responseCompleted(_ handler: ClientConnectionHandler, _ response: ParsedResponse, bytesRead: Int) {
        guard handler === connection, let inFlight else { return }
        inFlight.timeoutTask.cancel()
        self.inFlight = nil
        let now = NIODeadline.now()
        let reusable = settings.keepAlive && response.keepAlive
        tally.recordResponse(
            response, latencyNanoseconds: (now - inFlight.startedAt).nanoseconds, bytesRead: bytesRead,
            reused: reusable, at: now
        )
        if !reusable { dropConnection() }
        sendNextRequest()
    }

    func requestFailed(_ handler: ClientConnectionHandler, kind: FailureKind, bytesRead: Int) {
        guard handler === connection, let inFlight else { return }
        inFlight.timeoutTask.cancel()
        self.inFlight = nil
        tally.recordFailure(kind, bytesRead: bytesRead)
        dropConnection()
        sendNextRequest()
    }

    /// The server closed an idle connection (say, between open-loop sends): the next request reconnects.
    func idleConnectionClosed(_ handler: ClientConnectionHandler) {
        guard handler === connection, inFlight == nil else { return }
        connection = nil
        isConnected = false
    }

    private func requestTimedOut() {
        guard inFlight != nil else { return }
        inFlight = nil
        tally.recordFailure(.timeout, bytesRead: connection?.takeUnreportedBytes() ?? 0)
        dropConnection()
        sendNextRequest()
    }

    private func dropConnection() {
        connection?.close()
        connection = nil
        isConnected = false
    }
}

import NIOCore

/// Checks the client connections of one event loop for their timeouts once a second, so a connection needs no
/// timer of its own (a scheduled task per connection costs allocations on every accept). The connections form an
/// intrusive list through `DownstreamHandler.sweepNext/sweepPrevious`: adding and removing allocate nothing.
final class ConnectionSweeper: @unchecked Sendable {
    static let interval = TimeAmount.seconds(1)

    let eventLoop: any EventLoop
    private var first: DownstreamHandler?
    private var task: RepeatedTask?
    /// HTTP/2 client connections: each stream has its own `DownstreamHandler`; the connection itself is tracked
    /// here so that a graceful stop can send GOAWAY and wait for it to close.
    private var multiplexed: [ObjectIdentifier: any Channel] = [:]
    /// Open client connections (HTTP/1 connections and HTTP/2 streams and connections) of this loop.
    var count: Int { handlers + multiplexed.count }
    private var handlers = 0
    /// Set once the server drains: connections accepted later drain from the start.
    private var draining = false

    /// Flushed on every sweep, so access-log lines reach the file within a second.
    private let accessLog: AccessLogBuffer?

    init(eventLoop: any EventLoop, accessLog: AccessLogBuffer?) {
        self.eventLoop = eventLoop
        self.accessLog = accessLog
    }

    func add(_ connection: DownstreamHandler) {
        assert(eventLoop.inEventLoop)
        connection.sweepNext = first
        first?.sweepPrevious = connection
        first = connection
        handlers += 1
        if draining { connection.beginDrain() }
        if task == nil {
            task = eventLoop.scheduleRepeatedTask(initialDelay: Self.interval, delay: Self.interval) { [self] _ in
                sweep()
            }
        }
    }

    func remove(_ connection: DownstreamHandler) {
        guard connection.sweepPrevious != nil || first === connection else { return }  // not in the list
        handlers -= 1
        if let previous = connection.sweepPrevious {
            previous.sweepNext = connection.sweepNext
        } else if first === connection {
            first = connection.sweepNext
        }
        connection.sweepNext?.sweepPrevious = connection.sweepPrevious
        connection.sweepNext = nil
        connection.sweepPrevious = nil
    }

    func addMultiplexed(_ channel: any Channel) {
        assert(eventLoop.inEventLoop)
        let id = ObjectIdentifier(channel)
        multiplexed[id] = channel
        if draining { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
        channel.closeFuture.assumeIsolated().whenComplete { [self] _ in multiplexed[id] = nil }
    }

    private func sweep() {
        let now = NIODeadline.now()
        forEach { $0.checkTimeouts(now: now) }
        accessLog?.flush()
    }

    /// Graceful stop: idle connections close now, busy ones after their current response.
    func drainAll() {
        draining = true
        forEach { $0.beginDrain() }
        // GOAWAY: the client opens no new stream, the connection closes when its streams are done.
        for channel in multiplexed.values { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
    }

    /// One entry point closes: its HTTP/1 connections and HTTP/2 streams finish their current exchange.
    func drain(entryPoint: String) {
        forEach { if $0.entryPoint == entryPoint { $0.beginDrain() } }
    }

    /// End of the grace period: close whatever is still open.
    func closeAll() {
        forEach { $0.forceClose() }
        for channel in multiplexed.values { channel.close(promise: nil) }
    }

    private func forEach(_ body: (DownstreamHandler) -> Void) {
        var next = first
        while let connection = next {
            next = connection.sweepNext
            body(connection)
        }
    }

    func stop() {
        task?.cancel()
        task = nil
        accessLog?.flush()
    }
}

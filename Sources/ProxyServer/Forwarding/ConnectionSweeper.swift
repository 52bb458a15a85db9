import NIOCore

/// Checks the client connections of one event loop for their timeouts once a second, so a connection needs no
/// timer of its own (a scheduled task per connection costs allocations on every accept). The connections form an
/// intrusive list through `DownstreamHandler.sweepNext/sweepPrevious`: adding and removing allocate nothing.
final class ConnectionSweeper: @unchecked Sendable {
    static let interval = TimeAmount.seconds(1)

    let eventLoop: any EventLoop
    private var first: DownstreamHandler?
    private var task: RepeatedTask?

    init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func add(_ connection: DownstreamHandler) {
        assert(eventLoop.inEventLoop)
        connection.sweepNext = first
        first?.sweepPrevious = connection
        first = connection
        if task == nil {
            task = eventLoop.scheduleRepeatedTask(initialDelay: Self.interval, delay: Self.interval) { [self] _ in
                sweep()
            }
        }
    }

    func remove(_ connection: DownstreamHandler) {
        if let previous = connection.sweepPrevious {
            previous.sweepNext = connection.sweepNext
        } else if first === connection {
            first = connection.sweepNext
        }
        connection.sweepNext?.sweepPrevious = connection.sweepPrevious
        connection.sweepNext = nil
        connection.sweepPrevious = nil
    }

    private func sweep() {
        let now = NIODeadline.now()
        var next = first
        while let connection = next {
            next = connection.sweepNext
            connection.checkTimeouts(now: now)
        }
    }

    func stop() {
        task?.cancel()
        task = nil
    }
}

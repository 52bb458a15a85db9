import NIOConcurrencyHelpers
import NIOCore

/// Bytes a test client received, handed from the event loop to one async reader at a time.
/// A read waits until bytes arrive, the peer closes, or its deadline passes (a timer on the loop).
final class InboundBytes: Sendable {
    enum Event: Sendable {
        case bytes([UInt8])
        case closed
        case timedOut
    }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Event, Never>
        var timer: Scheduled<Void>?
    }

    private enum Registration {
        case ready(Event)
        case waiting(id: UInt64)
    }

    private struct State {
        var buffered: [UInt8] = []
        var closed = false
        var waiter: Waiter?
        var nextWaiterID: UInt64 = 0
    }

    private let state = NIOLockedValueBox(State())
    private let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func append(_ bytes: [UInt8]) {
        let waiter = state.withLockedValue { state -> Waiter? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.buffered.append(contentsOf: bytes)
            return nil
        }
        waiter?.timer?.cancel()
        waiter?.continuation.resume(returning: .bytes(bytes))
    }

    func markClosed() {
        let waiter = state.withLockedValue { state -> Waiter? in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.timer?.cancel()
        waiter?.continuation.resume(returning: .closed)
    }

    /// Everything buffered so far, else the next arrival, `.closed` once the peer is gone, or `.timedOut`.
    func next(deadline: NIODeadline) async -> Event {
        await withCheckedContinuation { continuation in
            let registration = state.withLockedValue { state -> Registration in
                if !state.buffered.isEmpty {
                    defer { state.buffered = [] }
                    return .ready(.bytes(state.buffered))
                }
                if state.closed { return .ready(.closed) }
                state.nextWaiterID += 1
                state.waiter = Waiter(id: state.nextWaiterID, continuation: continuation, timer: nil)
                return .waiting(id: state.nextWaiterID)
            }
            switch registration {
            case .ready(let event):
                continuation.resume(returning: event)
            case .waiting(let id):
                let timer = eventLoop.scheduleTask(deadline: deadline) { [self] in expire(waiterID: id) }
                let stillWaiting = state.withLockedValue { state -> Bool in
                    guard state.waiter?.id == id else { return false }
                    state.waiter?.timer = timer
                    return true
                }
                if !stillWaiting { timer.cancel() }
            }
        }
    }

    private func expire(waiterID: UInt64) {
        let waiter = state.withLockedValue { state -> Waiter? in
            guard let waiter = state.waiter, waiter.id == waiterID else { return nil }
            state.waiter = nil
            return waiter
        }
        waiter?.continuation.resume(returning: .timedOut)
    }
}

/// Feeds a test client's `InboundBytes` from its channel.
final class InboundBytesHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let inbound: InboundBytes

    init(inbound: InboundBytes) {
        self.inbound = inbound
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inbound.append(Array(unwrapInboundIn(data).readableBytesView))
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbound.markClosed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// How far a run has got, for the progress line.
public struct RunSnapshot: Sendable, Equatable {
    public var elapsedSeconds: Double
    public var completed: Int
    public var failed: Int

    public init(elapsedSeconds: Double, completed: Int, failed: Int) {
        self.elapsedSeconds = elapsedSeconds
        self.completed = completed
        self.failed = failed
    }
}

public struct TargetResolutionError: Error, CustomStringConvertible {
    public let host: String
    public var description: String { "cannot resolve host '\(host)'" }
}

/// Runs a `LoadPlan`: `concurrency` connections spread over the group's event loops. One runner makes one run.
public final class LoadRunner: Sendable {
    private struct Registration {
        var workers: [NIOLoopBound<ConnectionWorker>] = []
        var unfinishedWorkers: Int
        var endedAt: NIODeadline?
        var interrupted = false
        /// Set once the run has started; `interrupt()` calls it.
        var stop: (@Sendable () -> Void)?
    }

    private let plan: LoadPlan
    private let group: any EventLoopGroup
    private let registration: NIOLockedValueBox<Registration>

    public init(plan: LoadPlan, group: any EventLoopGroup) {
        self.plan = plan
        self.group = group
        registration = NIOLockedValueBox(Registration(unfinishedWorkers: plan.concurrency))
    }

    /// Runs to the end of `-n`/`-t`, or until `interrupt()`; `onTick` is called about twice a second.
    public func run(onTick: @escaping @Sendable (RunSnapshot) -> Void = { _ in }) async throws -> RunReport {
        let address: SocketAddress
        do {
            address = try SocketAddress.makeAddressResolvingHost(plan.target.host, port: plan.target.port)
        } catch {
            throw TargetResolutionError(host: plan.target.host)
        }
        let loops = Array(group.makeIterator())
        let tallies = loops.map { _ in LoopTally() }
        let done = loops[0].makePromise(of: Void.self)
        let settings = ConnectionWorker.Settings(
            address: address, request: ByteBuffer(bytes: plan.request), expectsBody: plan.expectsBody,
            keepAlive: plan.keepAlive, timeout: .nanoseconds(Int64(plan.timeoutSeconds * 1e9))
        )
        let startedAt = NIODeadline.now()
        let budget = RequestBudget(
            limit: plan.requestLimit, startedAt: startedAt, timeLimitSeconds: plan.timeLimitSeconds, rate: plan.rate
        )
        let onWorkerFinished: @Sendable () -> Void = { [registration] in
            let allFinished = registration.withLockedValue { state -> Bool in
                state.unfinishedWorkers -= 1
                guard state.unfinishedWorkers == 0 else { return false }
                state.endedAt = .now()
                return true
            }
            if allFinished { done.succeed() }
        }

        let timeLimit = plan.timeLimitSeconds.map { seconds in
            loops[0].scheduleTask(deadline: startedAt + .nanoseconds(Int64(seconds * 1e9))) {
                self.stopWorkers(budget: budget)
            }
        }
        let ticker = loops[0].scheduleRepeatedTask(initialDelay: .milliseconds(500), delay: .milliseconds(500)) { _ in
            let finished = tallies.map(\.finishedRequests)
            onTick(RunSnapshot(
                elapsedSeconds: Double((NIODeadline.now() - startedAt).nanoseconds) / 1e9,
                completed: finished.reduce(0) { $0 + $1.completed }, failed: finished.reduce(0) { $0 + $1.failed }
            ))
        }
        let interruptedBeforeStart = registration.withLockedValue { state in
            state.stop = { self.stopWorkers(budget: budget) }
            return state.interrupted
        }
        if interruptedBeforeStart { budget.stop() }

        for index in 0..<plan.concurrency {
            let loopIndex = index % loops.count
            let loop = loops[loopIndex]
            let tally = tallies[loopIndex]
            loop.execute {
                let worker = ConnectionWorker(
                    loop: loop, settings: settings, budget: budget, tally: tally, onFinished: onWorkerFinished
                )
                self.registration.withLockedValue { $0.workers.append(NIOLoopBound(worker, eventLoop: loop)) }
                worker.start()
            }
        }

        try await done.futureResult.get()
        timeLimit?.cancel()
        ticker.cancel()

        var report = RunReport()
        LoopTally.combine(tallies, into: &report)
        let (endedAt, interrupted) = registration.withLockedValue { ($0.endedAt ?? .now(), $0.interrupted) }
        report.elapsedSeconds = Double((endedAt - startedAt).nanoseconds) / 1e9
        report.interrupted = interrupted
        return report
    }

    /// Ctrl-C: stops every connection now; `run()` then returns what was measured so far.
    public func interrupt() {
        let stop = registration.withLockedValue { state in
            state.interrupted = true
            return state.stop
        }
        stop?()
    }

    private func stopWorkers(budget: RequestBudget) {
        budget.stop()
        let workers = registration.withLockedValue { $0.workers }
        for worker in workers {
            worker.eventLoop.execute { worker.value.finish() }
        }
    }
}

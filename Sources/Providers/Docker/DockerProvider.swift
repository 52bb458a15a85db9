import ProviderHTTP
import TraefikCore

/// The Docker provider (spec §10, issue 12): routes from the labels of the running containers, reloaded when one
/// starts or dies.
///
/// A session pings the engine, opens `/events`, then lists and inspects the containers and emits a snapshot; each
/// `start` or `die` event re-lists (events that arrive while a listing runs are coalesced into one more listing).
/// An engine unreachable at start or later, or an event stream that breaks or ends, is reported `unavailable` once
/// (the watcher keeps the last good routes) and retried with capped exponential backoff forever (decision D15),
/// where the seed gave up for good.
public struct DockerProvider: RereadableProvider {
    public let name: ProviderName = .docker
    public let engine: DockerEngineClient
    public let builder: DockerConfigurationBuilder
    public let watch: Bool
    /// `filename`: a Go template replacing the built-in routes, re-read at every reload (spec §12B).
    public let templateFile: String?
    public let backoff: RetryBackoff

    public init(
        engine: DockerEngineClient,
        domain: String,
        watch: Bool,
        templateFile: String? = nil,
        backoff: RetryBackoff = RetryBackoff()
    ) {
        self.engine = engine
        self.builder = DockerConfigurationBuilder(provider: .docker, domain: domain)
        self.watch = watch
        self.templateFile = templateFile
        self.backoff = backoff
    }

    public func events() -> AsyncStream<ProviderEvent> {
        let provider = self
        return ProviderRun.events(backoff: backoff, describe: describe) { output in
            try await provider.engine.ping()
            if provider.watch {
                try await provider.watchLoop(&output)
            } else {
                // Without watch, one listing that succeeds ends the provider (an unreachable engine is retried).
                output.emit(provider.event(for: try await provider.engine.runningContainers()))
            }
        }
    }

    /// The routes of the containers running now (one listing, no events): what SIGHUP uses.
    public func currentEvent() async -> ProviderEvent {
        do {
            return event(for: try await engine.runningContainers())
        } catch {
            return .unavailable(describe(error))
        }
    }

    /// What these containers serve: the built-in routes, or the template's.
    public func event(for containers: [DockerContainer]) -> ProviderEvent {
        if let templateFile {
            return DockerTemplateRendering.event(templateFile: templateFile, builder: builder, containers: containers)
        }
        return .snapshot(builder.snapshot(from: containers))
    }

    @Sendable func describe(_ error: any Error) -> String {
        "docker \(engine.http.endpoint): \(error)"
    }

    /// Opens the event stream before listing, so a container started during the listing is not missed, then lists
    /// again after every batch of route-changing events until the stream fails or ends.
    private func watchLoop(_ output: inout ProviderOutput) async throws {
        let changes = EventWatch(body: try await engine.events())
        defer { changes.stop() }
        while true {
            output.emit(event(for: try await engine.runningContainers()))
            try await changes.next()
        }
    }
}

/// Reads the `/events` body in a task of its own and keeps at most one pending signal: a burst of events during a
/// listing costs one more listing, not one per event.
private final class EventWatch {
    private enum Signal: Sendable {
        case changed
        case failed(any Error)
    }

    private let task: Task<Void, Never>
    private var iterator: AsyncStream<Signal>.Iterator

    init(body: AsyncThrowingStream<[UInt8], any Error>) {
        let (signals, sink) = AsyncStream.makeStream(of: Signal.self, bufferingPolicy: .bufferingNewest(1))
        iterator = signals.makeAsyncIterator()
        task = Task {
            var decoder = DockerEventDecoder()
            do {
                for try await chunk in body {
                    if try decoder.feed(chunk).contains(where: \.changesRoutes) { sink.yield(.changed) }
                }
                sink.yield(.failed(DockerEngineError("the event stream ended")))
            } catch {
                sink.yield(.failed(error))
            }
            sink.finish()
        }
    }

    /// Returns at the next route-changing event; throws when the stream broke or ended.
    func next() async throws {
        guard let signal = await iterator.next() else { throw CancellationError() }
        try Task.checkCancellation()
        if case .failed(let error) = signal { throw error }
    }

    func stop() { task.cancel() }
}

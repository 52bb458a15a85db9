import Foundation
import TraefikCore

/// The Marathon provider (spec §11, issue 13): routes for the running tasks of Marathon apps, from their labels.
///
/// With `watch`, it subscribes to Marathon's server-sent event stream `GET /v2/events` (what Marathon offered from
/// 2016 on, instead of the seed's callback listener on `networkInterface`:10001, so `networkInterface` is accepted
/// and unused), then lists apps and tasks, and lists again after each event of `reloadingEvents`. Subscribing first
/// means no change between the listing and the subscription is missed. A lost stream or a failed listing is
/// reported `unavailable` once (the watcher keeps the last good routes), then the provider reconnects and lists
/// again after a capped exponential backoff, forever (decision D15).
public struct MarathonProvider: RereadableProvider {
    public var name: ProviderName { .marathon }
    public let client: MarathonClient
    /// `domain`: default host names are `<app>.<domain>` (the `traefik.domain` label overrides it per app).
    public let domain: String
    public let watch: Bool
    /// `filename`: a Go template replacing the built-in routes, re-read at every reload (spec §12B).
    public let templateFile: String?
    public let backoff: RetryBackoff

    /// The event types after which apps and tasks are listed again: task state and health changes (the seed's
    /// four), and the API and deployment events that change apps or their labels without a task changing.
    public static let reloadingEvents: Set<String> = [
        "status_update_event", "health_status_changed_event", "failed_health_check_event", "app_terminated_event",
        "unhealthy_task_kill_event", "api_post_event", "deployment_success", "deployment_failed",
        "deployment_step_success", "deployment_step_failure", "instance_changed_event",
        "instance_health_changed_event",
    ]

    public init(
        client: MarathonClient, domain: String, watch: Bool, templateFile: String? = nil,
        backoff: RetryBackoff = RetryBackoff()
    ) {
        self.client = client
        self.domain = domain
        self.watch = watch
        self.templateFile = templateFile
        self.backoff = backoff
    }

    public func events() -> AsyncStream<ProviderEvent> {
        let provider = self
        return ProviderRun.events(backoff: backoff, describe: describe) { output in
            if provider.watch {
                try await provider.watchLoop(&output)
            } else {
                output.emit(provider.event(for: try await provider.client.state()))
            }
        }
    }

    /// The routes Marathon gives now (one listing, no watch): what SIGHUP and `watch = false` use.
    public func currentEvent() async -> ProviderEvent {
        do {
            return event(for: try await client.state())
        } catch {
            return .unavailable(describe(error))
        }
    }

    /// The routes (or why there are none) for one listing: pure, no I/O but the template file.
    public func event(for state: MarathonState) -> ProviderEvent {
        let selection = MarathonSelection(state, domain: domain)
        if let templateFile {
            return MarathonTemplateRendering.event(templateFile: templateFile, selection: selection, domain: domain)
        }
        return .snapshot(MarathonConfigurationBuilder.snapshot(from: selection))
    }

    @Sendable func describe(_ error: any Error) -> String {
        "marathon \(client.description): \(error)"
    }

    /// Subscribes, lists, emits, and lists again after every reloading event, until the stream or a listing fails.
    private func watchLoop(_ output: inout ProviderOutput) async throws {
        let body = try await client.eventStream()
        // Events arriving while a listing runs collapse into one more listing.
        let (changes, signal) = AsyncThrowingStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let reader = Task {
            var parser = ServerSentEventParser()
            do {
                for try await chunk in body {
                    for event in try parser.feed(chunk) where MarathonProvider.triggersReload(event) {
                        signal.yield()
                    }
                }
                signal.finish(throwing: MarathonStreamEnded())
            } catch {
                signal.finish(throwing: error)
            }
        }
        defer { reader.cancel() }
        output.emit(event(for: try await client.state()))
        for try await _ in changes {
            output.emit(event(for: try await client.state()))
        }
        try Task.checkCancellation()
        throw MarathonStreamEnded()
    }


    /// Whether `event` should cause a new listing. An event without an `event:` line names its type in the JSON.
    public static func triggersReload(_ event: ServerSentEvent) -> Bool {
        if reloadingEvents.contains(event.type) { return true }
        guard event.type == "message", let type = eventType(inJSON: event.data) else { return false }
        return reloadingEvents.contains(type)
    }

    private static func eventType(inJSON data: String) -> String? {
        struct Typed: Decodable { var eventType: String }
        return try? JSONDecoder().decode(Typed.self, from: Data(data.utf8)).eventType
    }
}

struct MarathonStreamEnded: Error, CustomStringConvertible {
    var description: String { "the event stream /v2/events ended" }
}

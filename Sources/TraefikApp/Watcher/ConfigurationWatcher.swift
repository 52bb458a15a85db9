import Providers
import TraefikCore

/// Providers → throttle per provider (`providersThrottleDuration`, D14) → merge in fixed provider order (D23) →
/// publish (design.md "Data flow"). A snapshot equal to the one applied for its provider changes nothing (no
/// rebuild, so drr and breaker state stay); an unavailable provider keeps its last good snapshot (D15).
actor ConfigurationWatcher {
    /// What happened to one provider event, for logs and counters.
    enum Outcome: Sendable, Equatable {
        case applied
        case unchanged
        case throttled
        case unavailable(String)
    }

    private var throttle: ProviderThrottle<ProviderSnapshot>
    private var current: [ProviderName: ProviderSnapshot] = [:]
    private var timer: Task<Void, Never>?
    private let origin = ContinuousClock.now
    private var publish: @Sendable (MergedConfiguration, [ProviderName: ProviderSnapshot]) -> Void = { _, _ in }
    private var observe: @Sendable (ProviderName, Outcome) -> Void = { _, _ in }

    init(throttle period: Duration) {
        throttle = ProviderThrottle(period: period)
    }

    /// Applies the providers' first configurations at once (the start does not wait for the throttle).
    /// - Parameters:
    ///   - publish: called with every new merged configuration (and the snapshots it came from), in order.
    ///   - observe: told what became of each later event.
    func start(
        with snapshots: [ProviderName: ProviderSnapshot],
        publish: @escaping @Sendable (MergedConfiguration, [ProviderName: ProviderSnapshot]) -> Void,
        observe: @escaping @Sendable (ProviderName, Outcome) -> Void
    ) {
        self.publish = publish
        self.observe = observe
        for (name, snapshot) in snapshots {
            _ = throttle.receive(snapshot, from: name, now: now)
            current[name] = snapshot
        }
        publish(ConfigurationMerge.merge(current), current)
    }

    /// Consumes every provider's events until the calling task is cancelled.
    func run(_ providers: [any ConfigurationProvider]) async {
        await withTaskGroup(of: Void.self) { group in
            for provider in providers {
                group.addTask {
                    for await event in provider.events() { await self.receive(event, from: provider.name) }
                }
            }
        }
        timer?.cancel()
    }

    /// - Parameter immediately: skip the throttle (an operator asked for it: SIGHUP).
    func receive(_ event: ProviderEvent, from name: ProviderName, immediately: Bool = false) {
        switch event {
        case .unavailable(let reason):
            observe(name, .unavailable(reason))
        case .snapshot(let snapshot):
            if immediately {
                // Whatever the throttle keeps pending is this same snapshot: applying it later changes nothing.
                if throttle.receive(snapshot, from: name, now: now) == nil { armTimer() }
                apply([(name, snapshot)])
            } else if let due = throttle.receive(snapshot, from: name, now: now) {
                apply([(name, due)])
            } else {
                observe(name, .throttled)
                armTimer()
            }
        }
    }

    /// Every provider's configuration as applied (what `/api` shows).
    func configurations() -> [ProviderName: DynamicConfiguration] {
        current.mapValues(\.configuration)
    }

    /// Publishes the current merge again (the entry points changed: the routes must be compiled anew).
    func republish() {
        publish(ConfigurationMerge.merge(current), current)
    }

    private var now: Duration { ContinuousClock.now - origin }

    private func apply(_ updates: [(ProviderName, ProviderSnapshot)]) {
        var changed = false
        for (name, snapshot) in updates {
            if current[name] == snapshot {
                observe(name, .unchanged)
            } else {
                current[name] = snapshot
                changed = true
                observe(name, .applied)
            }
        }
        if changed { publish(ConfigurationMerge.merge(current), current) }
    }

    private func armTimer() {
        timer?.cancel()
        guard let deadline = throttle.nextDeadline else { return }
        let due = origin + deadline
        timer = Task {
            try? await Task.sleep(until: due, clock: .continuous)
            guard !Task.isCancelled else { return }
            self.fire()
        }
    }

    private func fire() {
        apply(throttle.takeDue(now: now))
        armTimer()
    }
}

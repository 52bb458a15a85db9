import TraefikCore

/// `providersThrottleDuration` for one provider (spec §13.1, decision D14): at most one configuration applied per
/// period; an update that arrives sooner waits for the period's end, and only the newest waiting one is applied,
/// so bursts of edits cost one reload and the last update is never lost.
actor ThrottledApplier {
    private let period: Duration
    private let apply: @Sendable (DynamicConfiguration) -> Void
    private var pending: DynamicConfiguration?
    private var lastApplied: ContinuousClock.Instant
    private var waiting = false

    /// - Parameter lastApplied: when the provider's previous configuration was applied (its initial load).
    init(period: Duration, lastApplied: ContinuousClock.Instant, apply: @escaping @Sendable (DynamicConfiguration) -> Void) {
        self.period = period
        self.lastApplied = lastApplied
        self.apply = apply
    }

    func submit(_ configuration: DynamicConfiguration) {
        pending = configuration
        guard !waiting else { return }  // the waiting task applies the newest pending one
        waiting = true
        Task { await applyWhenDue() }
    }

    private func applyWhenDue() async {
        let due = lastApplied + period
        if ContinuousClock.now < due { try? await Task.sleep(until: due) }
        waiting = false
        guard let configuration = pending else { return }
        pending = nil
        lastApplied = .now
        apply(configuration)
    }
}

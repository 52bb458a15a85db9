/// Rate-limits configuration updates per provider (`providersThrottleDuration`, spec §13.1).
///
/// The original kept a single timer for all providers, so a provider's delayed update was lost
/// when another provider sent inside its window (D14). Here every provider has its own window:
/// the first update after a quiet `period` applies at once; later ones inside the window replace
/// that provider's pending update, which is applied when the window ends. A burst therefore
/// costs one immediate apply plus one trailing apply of its newest update, and providers never
/// discard each other's updates.
///
/// Time is passed in as plain `Duration` instants of any monotonic clock, so the owner decides
/// which clock drives it (and tests drive it by hand).
public struct ProviderThrottle<Update: Sendable>: Sendable {
    public let period: Duration
    private var windows: [ProviderName: Window] = [:]

    private struct Window: Sendable {
        var lastApplied: Duration
        var pending: Update?
    }

    public init(period: Duration) {
        self.period = period
    }

    /// The update to apply now, or nil when it was kept as `provider`'s pending update (replacing
    /// an older pending one) because that provider had an update applied less than `period` ago.
    public mutating func receive(_ update: Update, from provider: ProviderName, now: Duration) -> Update? {
        if let window = windows[provider], now - window.lastApplied < period {
            windows[provider]?.pending = update
            return nil
        }
        // Any pending update of this provider is older than this one, so it is superseded.
        windows[provider] = Window(lastApplied: now, pending: nil)
        return update
    }

    /// The earliest instant at which a pending update is due, or nil when nothing is pending.
    public var nextDeadline: Duration? {
        windows.values.compactMap { $0.pending == nil ? nil : $0.lastApplied + period }.min()
    }

    /// Removes and returns every pending update due at `now`, in `ProviderName` order; `now`
    /// becomes the last apply of each provider returned.
    public mutating func takeDue(now: Duration) -> [(ProviderName, Update)] {
        var due: [(ProviderName, Update)] = []
        for provider in ProviderName.allCases {
            guard let window = windows[provider], let update = window.pending,
                  window.lastApplied + period <= now else { continue }
            windows[provider] = Window(lastApplied: now, pending: nil)
            due.append((provider, update))
        }
        return due
    }
}

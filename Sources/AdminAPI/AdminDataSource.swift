import TraefikCore

/// What the admin server reads and where PUTs go; implemented by the app (TraefikApp).
///
/// Every requirement is `async` so an implementation may hop to an event loop or an actor; a
/// synchronous implementation conforms as well.
public protocol AdminDataSource: Sendable {
    /// Every provider's current configuration as stored (what GET /api shows), by provider.
    func providerConfigurations() async -> [ProviderName: DynamicConfiguration]
    /// PUT /api/providers/web: the web provider's whole new configuration (applied asynchronously).
    func replaceWebConfiguration(_ configuration: DynamicConfiguration) async
    /// /health counters (entry-point traffic only: the admin server never reports its own requests).
    func healthCounters() async -> HealthCounters
    /// The Prometheus text exposition for GET /metrics.
    func prometheusText() async -> String
    /// Live balancer/breaker state by backend name (beyond the original: shown under `status`).
    func backendStates() async -> [String: BackendHealthView]
    /// Why frontends/backends were left out of the running configuration.
    func diagnostics() async -> [ConfigDiagnostic]
}

/// The entry-point traffic figures `/health` shows (spec §9.1).
public struct HealthCounters: Sendable, Equatable {
    public var pid: Int32
    /// When the process started, on the continuous clock: `uptime` is `ContinuousClock.now - started`
    /// (a wall-clock change does not move it).
    public var started: ContinuousClock.Instant
    /// Status code → responses in the current 1-second window.
    public var statusCodeCounts: [Int: Int]
    /// Status code → responses since start.
    public var totalStatusCodeCounts: [Int: Int]
    /// The sum of every response's duration since start.
    public var totalResponseTime: Duration

    public init(
        pid: Int32,
        started: ContinuousClock.Instant,
        statusCodeCounts: [Int: Int] = [:],
        totalStatusCodeCounts: [Int: Int] = [:],
        totalResponseTime: Duration = .zero
    ) {
        self.pid = pid
        self.started = started
        self.statusCodeCounts = statusCodeCounts
        self.totalStatusCodeCounts = totalStatusCodeCounts
        self.totalResponseTime = totalResponseTime
    }
}

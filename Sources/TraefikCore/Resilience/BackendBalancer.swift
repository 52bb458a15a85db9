/// A backend's load balancer as configured: plain `wrr` (§6.1) or `drr` (§6.2).
/// Not thread-safe: keep one per event loop or guard it.
public struct BackendBalancer: Sendable {
    public let method: BalancerMethod
    // Exactly one is set. Optionals rather than an enum with payloads so that mutating through
    // optional chaining happens in place, without copying the drr's arrays.
    private var weighted: WeightedRoundRobin?
    private var dynamic: DynamicRoundRobin?

    public init(method: BalancerMethod, weights: [Int]) {
        self.method = method
        switch method {
        case .wrr: weighted = WeightedRoundRobin(weights: weights)
        case .drr: dynamic = DynamicRoundRobin(weights: weights)
        }
    }

    /// A balancer over `backend.servers`, in their order.
    public init(backend: CompiledBackend) {
        self.init(method: backend.method, weights: backend.servers.map(\.weight))
    }

    /// A balancer for a backend a reload changed: drr keeps the measurements of the servers (by URL) that stay.
    public init(backend: CompiledBackend, replacing previous: BackendBalancer, of previousBackend: CompiledBackend) {
        guard backend.method == .drr, let old = previous.dynamic else {
            self.init(backend: backend)
            return
        }
        let oldIndex = Dictionary(
            previousBackend.servers.enumerated().map { ($1.url, $0) }, uniquingKeysWith: { first, _ in first })
        self.init(method: .drr, weights: [])
        dynamic = DynamicRoundRobin(
            weights: backend.servers.map(\.weight), keepingMeasurementsOf: old,
            previousIndex: backend.servers.map { oldIndex[$0.url] })
    }

    /// The index of the next server, or nil when there are none.
    public mutating func next() -> Int? {
        dynamic?.next() ?? weighted?.next()
    }

    /// Records the response of server `server` for drr (a network failure as its mapped 502, 504
    /// or 500); wrr ignores it.
    public mutating func record(server: Int, status: Int, latency: Duration = .zero, now: Duration) {
        dynamic?.record(server: server, status: status, latency: latency, now: now)
    }

    public var originalWeights: [Int] {
        dynamic?.originalWeights ?? weighted?.weights ?? []
    }

    public var currentWeights: [Int] {
        dynamic?.currentWeights ?? weighted?.weights ?? []
    }

    /// Each server's failure ratio over the last 10 s for drr; nil for wrr, which does not measure.
    public func failureRatios(now: Duration) -> [Double]? {
        dynamic?.failureRatios(now: now)
    }
}

/// What the API shows about one backend's balancing and circuit breaker at one instant.
public struct BackendHealthView: Sendable, Hashable {
    public struct Server: Sendable, Hashable {
        public let name: String
        public let url: String
        public let originalWeight: Int
        public let currentWeight: Int
        /// Share of 500–504 responses over the last 10 s; nil unless the method is drr.
        public let failureRatio: Double?

        public init(name: String, url: String, originalWeight: Int, currentWeight: Int, failureRatio: Double?) {
            self.name = name
            self.url = url
            self.originalWeight = originalWeight
            self.currentWeight = currentWeight
            self.failureRatio = failureRatio
        }
    }

    public enum BreakerStatus: Sendable, Hashable {
        case standby
        /// Every request gets 503 for `remaining` more (0 once over: the next request recovers).
        case tripped(remaining: Duration)
        /// Part of the requests pass for `remaining` more; `passedShare` of them passed so far.
        case recovering(remaining: Duration, passedShare: Double)

        /// `standby`, `tripped` or `recovering`.
        public var name: String {
            switch self {
            case .standby: "standby"
            case .tripped: "tripped"
            case .recovering: "recovering"
            }
        }
    }

    public struct Breaker: Sendable, Hashable {
        public let expression: String
        public let status: BreakerStatus

        public init(expression: String, status: BreakerStatus) {
            self.expression = expression
            self.status = status
        }
    }

    public let name: String
    public let method: BalancerMethod
    /// In the order of `CompiledBackend.servers`, which the balancer's indices follow.
    public let servers: [Server]
    /// nil when the backend has no circuit breaker.
    public let circuitBreaker: Breaker?

    public init(backend: CompiledBackend, balancer: BackendBalancer, breaker: CircuitBreaker?, now: Duration) {
        name = backend.name
        method = balancer.method
        let original = balancer.originalWeights
        let current = balancer.currentWeights
        let ratios = balancer.failureRatios(now: now)
        servers = backend.servers.indices.map { index in
            Server(
                name: backend.servers[index].name,
                url: backend.servers[index].url.description,
                originalWeight: original.indices.contains(index) ? original[index] : backend.servers[index].weight,
                currentWeight: current.indices.contains(index) ? current[index] : backend.servers[index].weight,
                failureRatio: ratios.flatMap { $0.indices.contains(index) ? $0[index] : nil }
            )
        }
        circuitBreaker = breaker.map { breaker in
            let status: BreakerStatus = switch breaker.state {
            case .standby:
                .standby
            case .tripped(let until):
                .tripped(remaining: max(until - now, .zero))
            case .recovering(_, let until):
                .recovering(remaining: max(until - now, .zero), passedShare: breaker.recoveryPassedShare)
            }
            return Breaker(expression: breaker.expression.text, status: status)
        }
    }
}

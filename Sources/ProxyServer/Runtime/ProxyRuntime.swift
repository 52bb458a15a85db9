import NIOCore
import Synchronization
import TraefikCore

/// One backend server as the data path needs it: where to connect and what to send as Host.
/// A class so that handing it along the request path costs one retain, not one per field.
public final class UpstreamTarget: Sendable {
    public let name: String
    public let scheme: String
    public let host: String
    public let port: Int
    /// `host[:port]` exactly as written in the server URL; the Host header when passHostHeader is off.
    public let authority: String
    /// Pre-resolved address when `host` is an IP literal (no resolver on the hot path).
    let socketAddress: SocketAddress?
    /// `scheme://host:port`, for logs.
    let poolKey: String
    /// The pool's key for this address: the same number for the same address across reloads (cheap to hash).
    let poolID: Int

    init(_ server: BackendServer) {
        name = server.name
        scheme = server.url.scheme
        host = server.url.host
        port = server.url.port
        authority = server.url.authority
        socketAddress = try? SocketAddress(ipAddress: server.url.host, port: server.url.port)
        poolKey = "\(scheme)://\(host):\(port)"
        poolID = PoolIDs.id(for: poolKey)
    }
}

/// Numbers the backend addresses the process has seen, so pools key their connections by an Int.
enum PoolIDs {
    private static let ids = Mutex<[String: Int]>([:])

    static func id(for address: String) -> Int {
        ids.withLock { ids in
            if let id = ids[address] { return id }
            let id = ids.count
            ids[address] = id
            return id
        }
    }
}

/// A backend at run time: its servers, balancer (wrr/drr) and circuit breaker, shared by every frontend and entry
/// point that uses it. One uncontended lock per pick and per recorded response keeps wrr's exact sequence global
/// (spec §6.1) and the breaker's view whole.
public final class BackendRuntime: Sendable {
    public let configuration: CompiledBackend
    let targets: [UpstreamTarget]
    /// drr or a breaker: responses must be recorded.
    let needsFeedback: Bool
    private let state: Mutex<State>

    private struct State {
        var balancer: BackendBalancer
        var breaker: CircuitBreaker?
    }

    enum Pick {
        case server(UpstreamTarget, index: Int)
        /// The breaker is open: answer 503 without contacting a server (spec §7.3).
        case fallback
        case noServers
    }

    /// - Parameter previous: the backend of the same name before a reload that changed it (servers added or
    ///   removed): its circuit breaker, which watches the backend as a whole, carries on when its expression is
    ///   the same, and drr keeps the measurements of the servers that stay (registry by backend + server URL).
    init(_ configuration: CompiledBackend, previous: BackendRuntime? = nil) {
        self.configuration = configuration
        targets = configuration.servers.map(UpstreamTarget.init)
        var breaker = configuration.circuitBreaker.map { CircuitBreaker(expression: $0) }
        var balancer = BackendBalancer(backend: configuration)
        if let previous {
            let (oldBalancer, oldBreaker) = previous.state.withLock { ($0.balancer, $0.breaker) }
            if previous.configuration.circuitBreaker == configuration.circuitBreaker, breaker != nil {
                breaker = oldBreaker
            }
            balancer = BackendBalancer(backend: configuration, replacing: oldBalancer, of: previous.configuration)
        }
        needsFeedback = breaker != nil || configuration.method == .drr
        state = Mutex(State(balancer: balancer, breaker: breaker))
    }

    func pick(now: Duration) -> Pick {
        state.withLock { state in
            if state.breaker?.admit(now: now) == .fallback { return .fallback }
            guard let index = state.balancer.next() else { return .noServers }
            return .server(targets[index], index: index)
        }
    }

    /// A response (or the status a failure maps to: 502, 504, 500) of server `index`.
    func record(server index: Int, status: Int, latency: Duration, now: Duration) {
        state.withLock { state in
            state.breaker?.record(status: status, latency: latency, now: now)
            state.balancer.record(server: index, status: status, latency: latency, now: now)
        }
    }

    /// Breaker state and current weights, for the API.
    public func healthView(now: Duration) -> BackendHealthView {
        state.withLock { state in
            BackendHealthView(backend: configuration, balancer: state.balancer, breaker: state.breaker, now: now)
        }
    }
}

/// The monotonic time the resilience state machines take (spec §7: an injected clock).
enum MonotonicNow {
    static func duration(_ deadline: NIODeadline = .now()) -> Duration { .nanoseconds(Int64(deadline.uptimeNanoseconds)) }
}

/// A frontend with its backend resolved, so routing a request needs no name lookups (a class: passed by reference).
final class RoutedFrontend: Sendable {
    let frontend: CompiledFrontend
    let matcher: FrontendMatcher
    let passHostHeader: Bool
    /// Nil when the backend is missing (the compiler already disabled such frontends; kept for safety).
    let backend: BackendRuntime?

    init(frontend: CompiledFrontend, backend: BackendRuntime?) {
        self.frontend = frontend
        matcher = frontend.matcher
        passHostHeader = frontend.passHostHeader
        self.backend = backend
    }
}

/// One entry point's frontends in match order (decision D5) and their index by literal Host or PathPrefix, so that
/// 1 000 Host- or PathPrefix-routed frontends cost a few dictionary lookups per request, not 1 000 comparisons.
final class EntryPointRoutes: Sendable {
    let frontends: [RoutedFrontend]
    private let index: FrontendIndex

    init(_ frontends: [RoutedFrontend]) {
        self.frontends = frontends
        index = FrontendIndex(requirements: frontends.map(\.matcher.indexRequirement))
    }

    static let none = EntryPointRoutes([])

    /// The first frontend (in D5 order) whose rules all match.
    func firstMatch<R: RoutableRequest>(_ request: R) -> RoutedFrontend? {
        index.firstCandidate(host: request.host, path: request.path) { frontends[$0].matcher.matches(request) }
            .map { frontends[$0] }
    }
}

/// An immutable view of the routing configuration. A request reads it once, at its start, and keeps it to its end.
public final class ProxyRuntime: Sendable {
    public let compiled: CompiledConfiguration
    /// Per entry point, its frontends in match order (decision D5), backends resolved.
    let routes: [String: EntryPointRoutes]
    let backends: [String: BackendRuntime]

    /// Builds the runtime for `compiled`, keeping the balancer state of every backend whose configuration did not change.
    public init(_ compiled: CompiledConfiguration, entryPoints: [String], previous: ProxyRuntime? = nil) {
        self.compiled = compiled
        var backends: [String: BackendRuntime] = [:]
        for (name, backend) in compiled.backends {
            if let kept = previous?.backends[name], kept.configuration == backend {
                backends[name] = kept
            } else {
                backends[name] = BackendRuntime(backend, previous: previous?.backends[name])
            }
        }
        self.backends = backends
        var routes: [String: EntryPointRoutes] = [:]
        for name in entryPoints {
            routes[name] = EntryPointRoutes(compiled.router(forEntryPoint: name).frontends.map {
                RoutedFrontend(frontend: $0, backend: backends[$0.backendName])
            })
        }
        self.routes = routes
    }

    /// Every backend's breaker state and weights (what `/api` will show).
    public func healthViews() -> [BackendHealthView] {
        let now = MonotonicNow.duration()
        return backends.keys.sorted().compactMap { backends[$0]?.healthView(now: now) }
    }

    public static func empty(entryPoints: [String]) -> ProxyRuntime {
        ProxyRuntime(
            CompiledConfiguration.compile(DynamicConfiguration(), entryPointNames: Set(entryPoints), defaultEntryPoints: []),
            entryPoints: entryPoints)
    }
}

/// Where the current runtime is published; swapped atomically on reload.
public final class RuntimeStore: Sendable {
    private let current: Mutex<ProxyRuntime>

    public init(_ runtime: ProxyRuntime) { current = Mutex(runtime) }

    public var runtime: ProxyRuntime { current.withLock { $0 } }

    public func publish(_ runtime: ProxyRuntime) { current.withLock { $0 = runtime } }
}

// The dynamic configuration a provider emits (spec §1.1). Every key is optional when decoding;
// encoding leaves out empty, zero and false fields like Go's `omitempty`, so `/api` output
// matches the original's.

/// Backends and frontends, as one provider (or the merge of all providers) describes them.
public struct DynamicConfiguration: Codable, Sendable, Equatable {
    public var backends: [String: Backend]
    public var frontends: [String: Frontend]

    public init(backends: [String: Backend] = [:], frontends: [String: Frontend] = [:]) {
        self.backends = backends
        self.frontends = frontends
    }

    enum CodingKeys: String, CodingKey {
        case backends, frontends
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        backends = try container.decodeIfPresent([String: Backend].self, forKey: .backends) ?? [:]
        frontends = try container.decodeIfPresent([String: Frontend].self, forKey: .frontends) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !backends.isEmpty { try container.encode(backends, forKey: .backends) }
        if !frontends.isEmpty { try container.encode(frontends, forKey: .frontends) }
    }
}

public struct Backend: Codable, Sendable, Equatable {
    public var servers: [String: Server]
    public var circuitBreaker: CircuitBreakerConfig?
    public var loadBalancer: LoadBalancerConfig?

    public init(
        servers: [String: Server] = [:],
        circuitBreaker: CircuitBreakerConfig? = nil,
        loadBalancer: LoadBalancerConfig? = nil
    ) {
        self.servers = servers
        self.circuitBreaker = circuitBreaker
        self.loadBalancer = loadBalancer
    }

    enum CodingKeys: String, CodingKey {
        case servers, circuitBreaker, loadBalancer
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        servers = try container.decodeIfPresent([String: Server].self, forKey: .servers) ?? [:]
        circuitBreaker = try container.decodeIfPresent(CircuitBreakerConfig.self, forKey: .circuitBreaker)
        loadBalancer = try container.decodeIfPresent(LoadBalancerConfig.self, forKey: .loadBalancer)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !servers.isEmpty { try container.encode(servers, forKey: .servers) }
        try container.encodeIfPresent(circuitBreaker, forKey: .circuitBreaker)
        try container.encodeIfPresent(loadBalancer, forKey: .loadBalancer)
    }
}

public struct Server: Codable, Sendable, Equatable {
    /// `scheme://host[:port]`; a path is ignored when forwarding (spec §5.2).
    public var url: String
    /// 0 means 1 inside the load balancer; negative drops the server (spec §6.1).
    public var weight: Int

    public init(url: String, weight: Int = 0) {
        self.url = url
        self.weight = weight
    }

    enum CodingKeys: String, CodingKey {
        case url, weight
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        url = try container.decodeIfPresent(String.self, forKey: .url) ?? ""
        weight = try container.decodeIfPresent(Int.self, forKey: .weight) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !url.isEmpty { try container.encode(url, forKey: .url) }
        if weight != 0 { try container.encode(weight, forKey: .weight) }
    }
}

public struct CircuitBreakerConfig: Codable, Sendable, Equatable {
    public var expression: String

    public init(expression: String) {
        self.expression = expression
    }

    enum CodingKeys: String, CodingKey {
        case expression
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        expression = try container.decodeIfPresent(String.self, forKey: .expression) ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !expression.isEmpty { try container.encode(expression, forKey: .expression) }
    }
}

public struct LoadBalancerConfig: Codable, Sendable, Equatable {
    /// `wrr` or `drr`, case-insensitive; anything else falls back to `wrr`.
    public var method: String

    public init(method: String) {
        self.method = method
    }

    enum CodingKeys: String, CodingKey {
        case method
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        method = try container.decodeIfPresent(String.self, forKey: .method) ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !method.isEmpty { try container.encode(method, forKey: .method) }
    }
}

public struct Frontend: Codable, Sendable, Equatable {
    public var backend: String
    /// Empty means the static configuration's `defaultEntryPoints`.
    public var entryPoints: [String]
    public var passHostHeader: Bool
    /// Higher wins (decision D5); not part of the 2016 schema, defaults to 0.
    public var priority: Int
    public var routes: [String: Route]

    public init(
        backend: String = "",
        entryPoints: [String] = [],
        passHostHeader: Bool = false,
        priority: Int = 0,
        routes: [String: Route] = [:]
    ) {
        self.backend = backend
        self.entryPoints = entryPoints
        self.passHostHeader = passHostHeader
        self.priority = priority
        self.routes = routes
    }

    enum CodingKeys: String, CodingKey {
        case backend, entryPoints, passHostHeader, priority, routes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        backend = try container.decodeIfPresent(String.self, forKey: .backend) ?? ""
        entryPoints = try container.decodeIfPresent([String].self, forKey: .entryPoints) ?? []
        passHostHeader = try container.decodeIfPresent(Bool.self, forKey: .passHostHeader) ?? false
        priority = try container.decodeIfPresent(Int.self, forKey: .priority) ?? 0
        routes = try container.decodeIfPresent([String: Route].self, forKey: .routes) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !backend.isEmpty { try container.encode(backend, forKey: .backend) }
        if !entryPoints.isEmpty { try container.encode(entryPoints, forKey: .entryPoints) }
        if passHostHeader { try container.encode(passHostHeader, forKey: .passHostHeader) }
        if priority != 0 { try container.encode(priority, forKey: .priority) }
        if !routes.isEmpty { try container.encode(routes, forKey: .routes) }
    }
}

public struct Route: Codable, Sendable, Equatable {
    /// One of `Host`, `Path`, `PathPrefix`, `Methods`, `Headers`, `HeadersRegexp` (case-sensitive).
    public var rule: String
    public var value: String

    public init(rule: String, value: String) {
        self.rule = rule
        self.value = value
    }

    enum CodingKeys: String, CodingKey {
        case rule, value
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rule = try container.decodeIfPresent(String.self, forKey: .rule) ?? ""
        value = try container.decodeIfPresent(String.self, forKey: .value) ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !rule.isEmpty { try container.encode(rule, forKey: .rule) }
        if !value.isEmpty { try container.encode(value, forKey: .value) }
    }
}

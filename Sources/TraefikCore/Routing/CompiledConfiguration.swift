/// A problem in one part of a dynamic configuration. The part is left out; everything else applies.
public struct ConfigDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// Dotted path of the offending key, e.g. `frontends.frontend1.routes.test_1`.
    public let keyPath: String
    public let message: String
    /// The provider whose configuration holds `keyPath`; nil until the watcher attributes it.
    public var provider: ProviderName?
    /// Where `keyPath` was written (file-based providers); nil when unknown.
    public var location: SourcePosition?

    public init(keyPath: String, message: String, provider: ProviderName? = nil, location: SourcePosition? = nil) {
        self.keyPath = keyPath
        self.message = message
        self.provider = provider
        self.location = location
    }

    /// `file rules.toml:12:5: frontends.f1.routes.r: message`, or just `keyPath: message` when
    /// neither provider nor location is known.
    public var description: String {
        let origin = [provider?.rawValue, location?.description].compactMap { $0 }.joined(separator: " ")
        return origin.isEmpty ? "\(keyPath): \(message)" : "\(origin): \(keyPath): \(message)"
    }
}

public enum BalancerMethod: String, Sendable, Equatable {
    case wrr
    case drr
}

public struct BackendServer: Sendable, Equatable {
    /// The server's key in the configuration.
    public let name: String
    public let url: ServerURL
    /// At least 1 (a configured 0 means 1).
    public let weight: Int

    public init(name: String, url: ServerURL, weight: Int) {
        self.name = name
        self.url = url
        self.weight = weight
    }
}

public struct CompiledBackend: Sendable, Equatable {
    public let name: String
    /// Ordered by server name (byte order), one per distinct scheme + host + port.
    public let servers: [BackendServer]
    public let method: BalancerMethod
    /// nil when the backend has no circuit breaker (or an empty expression).
    public let circuitBreakerExpression: String?
    /// The parsed expression (D7: parsed when the configuration loads, never per request).
    public let circuitBreaker: CircuitBreakerExpression?

    public init(
        name: String, servers: [BackendServer], method: BalancerMethod, circuitBreakerExpression: String?,
        circuitBreaker: CircuitBreakerExpression? = nil
    ) {
        self.name = name
        self.servers = servers
        self.method = method
        self.circuitBreakerExpression = circuitBreakerExpression
        self.circuitBreaker = circuitBreaker
    }
}

public struct CompiledFrontend: Sendable, Equatable {
    public let name: String
    public let backendName: String
    /// Per frontend, even when frontends share a backend (D13).
    public let passHostHeader: Bool
    public let priority: Int
    /// The frontend's own entry points, or the default ones when it names none.
    public let entryPoints: [String]
    public let matcher: FrontendMatcher

    public init(
        name: String,
        backendName: String,
        passHostHeader: Bool,
        priority: Int,
        entryPoints: [String],
        matcher: FrontendMatcher
    ) {
        self.name = name
        self.backendName = backendName
        self.passHostHeader = passHostHeader
        self.priority = priority
        self.entryPoints = entryPoints
        self.matcher = matcher
    }
}

/// The frontends of one entry point, in matching order.
public struct Router: Sendable, Equatable {
    public let frontends: [CompiledFrontend]

    public init(frontends: [CompiledFrontend]) {
        self.frontends = frontends
    }

    /// The first frontend, in order, whose routes all match.
    public func firstMatch<Request: RoutableRequest>(_ request: Request) -> CompiledFrontend? {
        for frontend in frontends where frontend.matcher.matches(request) {
            return frontend
        }
        return nil
    }
}

/// A dynamic configuration checked and compiled for serving.
public struct CompiledConfiguration: Sendable, Equatable {
    /// The usable frontends in matching order (see `compile`).
    public let frontends: [CompiledFrontend]
    /// Every backend, by name, including those no frontend uses.
    public let backends: [String: CompiledBackend]
    /// What was left out and why, in key-path order.
    public let diagnostics: [ConfigDiagnostic]

    public init(frontends: [CompiledFrontend], backends: [String: CompiledBackend], diagnostics: [ConfigDiagnostic]) {
        self.frontends = frontends
        self.backends = backends
        self.diagnostics = diagnostics
    }

    /// Compiles `config`, leaving out what is invalid with a diagnostic:
    /// - a frontend with an unknown rule, a bad route value, a missing backend or an undefined
    ///   entry point of its own is disabled (every problem of it is reported);
    /// - a server with a bad URL or a negative weight is dropped; a second server with the same
    ///   scheme, host and port is merged into the first (the later weight wins, spec §6.1);
    /// - an unknown load-balancer method falls back to `wrr`;
    /// - a default entry point that does not exist is reported once; frontends relying on the
    ///   defaults stay enabled and are just not reachable there (D8).
    ///
    /// Matching order (D5), fully deterministic:
    /// 1. higher `priority` first;
    /// 2. then more routes first (a more specific AND);
    /// 3. then a longer total length of the route values (UTF-8 bytes) first;
    /// 4. then frontend name ascending, in byte order.
    public static func compile(
        _ config: DynamicConfiguration,
        entryPointNames: Set<String>,
        defaultEntryPoints: [String]
    ) -> CompiledConfiguration {
        var diagnostics: [ConfigDiagnostic] = []

        var backends: [String: CompiledBackend] = [:]
        var invalidBackends: Set<String> = []
        for (name, backend) in config.backends {
            if let compiled = compileBackend(name: name, backend, diagnostics: &diagnostics) {
                backends[name] = compiled
            } else {
                invalidBackends.insert(name)
            }
        }

        var frontends: [(frontend: CompiledFrontend, specificity: Int)] = []
        var usesDefaultEntryPoints = false
        for (name, frontend) in config.frontends {
            usesDefaultEntryPoints = usesDefaultEntryPoints || frontend.entryPoints.isEmpty
            if let compiled = compileFrontend(
                name: name,
                frontend,
                backendNames: config.backends.keys,
                invalidBackends: invalidBackends,
                entryPointNames: entryPointNames,
                defaultEntryPoints: defaultEntryPoints,
                diagnostics: &diagnostics
            ) {
                let specificity = frontend.routes.values.reduce(0) { $0 + $1.value.utf8.count }
                frontends.append((compiled, specificity))
            }
        }

        let undefinedDefaults = defaultEntryPoints.filter { !entryPointNames.contains($0) }
        if usesDefaultEntryPoints, !undefinedDefaults.isEmpty {
            diagnostics.append(ConfigDiagnostic(
                keyPath: "defaultEntryPoints",
                message: "undefined entry point(s) \(undefinedDefaults.map { "\"\($0)\"" }.joined(separator: ", ")); "
                    + "frontends without entryPoints are not reachable there"
            ))
        }

        frontends.sort { lhs, rhs in
            if lhs.frontend.priority != rhs.frontend.priority { return lhs.frontend.priority > rhs.frontend.priority }
            let lhsRoutes = lhs.frontend.matcher.rules.count
            let rhsRoutes = rhs.frontend.matcher.rules.count
            if lhsRoutes != rhsRoutes { return lhsRoutes > rhsRoutes }
            if lhs.specificity != rhs.specificity { return lhs.specificity > rhs.specificity }
            return precedesInByteOrder(lhs.frontend.name, rhs.frontend.name)
        }
        diagnostics.sort { precedesInByteOrder($0.keyPath, $1.keyPath) }

        return CompiledConfiguration(
            frontends: frontends.map(\.frontend),
            backends: backends,
            diagnostics: diagnostics
        )
    }

    /// The frontends wired to entry point `name`, in matching order.
    public func router(forEntryPoint name: String) -> Router {
        Router(frontends: frontends.filter { $0.entryPoints.contains(name) })
    }

    /// nil when the backend cannot be used (an invalid circuit-breaker expression, D7): its frontends are disabled.
    private static func compileBackend(
        name: String,
        _ backend: Backend,
        diagnostics: inout [ConfigDiagnostic]
    ) -> CompiledBackend? {
        let keyPath = "backends.\(name)"
        var servers: [BackendServer] = []
        for (serverName, server) in backend.servers.sorted(by: { precedesInByteOrder($0.key, $1.key) }) {
            let serverKeyPath = "\(keyPath).servers.\(serverName)"
            let url: ServerURL
            do {
                url = try ServerURL.parse(server.url)
            } catch {
                diagnostics.append(ConfigDiagnostic(keyPath: "\(serverKeyPath).url", message: "server dropped: \(error)"))
                continue
            }
            guard server.weight >= 0 else {
                diagnostics.append(ConfigDiagnostic(
                    keyPath: "\(serverKeyPath).weight",
                    message: "server dropped: negative weight \(server.weight)"
                ))
                continue
            }
            let weight = max(server.weight, 1)
            if let existing = servers.firstIndex(where: { sameEndpoint($0.url, url) }) {
                let first = servers[existing]
                servers[existing] = BackendServer(name: first.name, url: first.url, weight: weight)
                diagnostics.append(ConfigDiagnostic(
                    keyPath: "\(serverKeyPath).url",
                    message: "same server as \"\(first.name)\" (\(url)); merged into it with weight \(weight)"
                ))
                continue
            }
            servers.append(BackendServer(name: serverName, url: url, weight: weight))
        }

        var method = BalancerMethod.wrr
        if let configured = backend.loadBalancer?.method, !configured.isEmpty {
            if let known = BalancerMethod(rawValue: configured.lowercased()) {
                method = known
            } else {
                diagnostics.append(ConfigDiagnostic(
                    keyPath: "\(keyPath).loadBalancer.method",
                    message: "unknown method \"\(configured)\" (expected wrr or drr); using wrr"
                ))
            }
        }

        let expression = backend.circuitBreaker.flatMap { trimmedSpaces($0.expression[...]).isEmpty ? nil : $0.expression }
        var breaker: CircuitBreakerExpression?
        if let expression {
            do {
                breaker = try CircuitBreakerExpression.parse(expression)
            } catch {
                diagnostics.append(ConfigDiagnostic(
                    keyPath: "\(keyPath).circuitBreaker.expression",
                    message: "backend disabled: invalid expression \"\(expression)\": \(error)"
                ))
                return nil
            }
        }
        return CompiledBackend(
            name: name,
            servers: servers,
            method: method,
            circuitBreakerExpression: expression,
            circuitBreaker: breaker
        )
    }

    private static func compileFrontend(
        name: String,
        _ frontend: Frontend,
        backendNames: Dictionary<String, Backend>.Keys,
        invalidBackends: Set<String>,
        entryPointNames: Set<String>,
        defaultEntryPoints: [String],
        diagnostics: inout [ConfigDiagnostic]
    ) -> CompiledFrontend? {
        let keyPath = "frontends.\(name)"
        var valid = true

        if frontend.backend.isEmpty {
            diagnostics.append(ConfigDiagnostic(keyPath: "\(keyPath).backend", message: "frontend disabled: no backend named"))
            valid = false
        } else if !backendNames.contains(frontend.backend) {
            diagnostics.append(ConfigDiagnostic(
                keyPath: "\(keyPath).backend",
                message: "frontend disabled: undefined backend \"\(frontend.backend)\""
            ))
            valid = false
        } else if invalidBackends.contains(frontend.backend) {
            diagnostics.append(ConfigDiagnostic(
                keyPath: "\(keyPath).backend",
                message: "frontend disabled: backend \"\(frontend.backend)\" has an invalid circuit breaker expression"
            ))
            valid = false
        }

        for entryPoint in frontend.entryPoints where !entryPointNames.contains(entryPoint) {
            diagnostics.append(ConfigDiagnostic(
                keyPath: "\(keyPath).entryPoints",
                message: "frontend disabled: undefined entry point \"\(entryPoint)\""
            ))
            valid = false
        }

        var rules: [RuleMatcher] = []
        for (routeName, route) in frontend.routes.sorted(by: { precedesInByteOrder($0.key, $1.key) }) {
            do {
                rules.append(try RuleMatcher.compile(rule: route.rule, value: route.value))
            } catch {
                diagnostics.append(ConfigDiagnostic(
                    keyPath: "\(keyPath).routes.\(routeName)",
                    message: "frontend disabled: \(error)"
                ))
                valid = false
            }
        }

        guard valid else { return nil }
        return CompiledFrontend(
            name: name,
            backendName: frontend.backend,
            passHostHeader: frontend.passHostHeader,
            priority: frontend.priority,
            entryPoints: frontend.entryPoints.isEmpty ? defaultEntryPoints : frontend.entryPoints,
            matcher: FrontendMatcher(rules: rules)
        )
    }

    private static func sameEndpoint(_ lhs: ServerURL, _ rhs: ServerURL) -> Bool {
        lhs.scheme == rhs.scheme && lhs.host == rhs.host && lhs.port == rhs.port
    }
}

/// Byte-wise (UTF-8) ordering, as Go sorts names; independent of Unicode normalisation.
func precedesInByteOrder(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
}

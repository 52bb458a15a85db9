import KVStores
import TraefikCore

/// Builds a provider's routes from a key/value listing laid out as spec §12.2 describes, with the fixes of
/// decision D15: a key with a bad value disables only its frontend or backend (with a diagnostic naming the key),
/// never the whole store; entry point lists are trimmed; a missing `weight` means 0, like the file provider.
public struct KVConfigurationBuilder: Sendable {
    public var provider: ProviderName

    public init(provider: ProviderName) {
        self.provider = provider
    }

    /// The routes under `prefix` (already alias-resolved) in `tree`.
    public func snapshot(from tree: KVTree, prefix: String) -> ProviderSnapshot {
        var result = Result(provider: provider)
        let root = KVKeyPath.normalised(prefix)
        let base = root == "/" ? "" : root
        for name in tree.children(of: base + "/backends") {
            result.buildBackend(name, directory: "\(base)/backends/\(name)", tree: tree)
        }
        for name in tree.children(of: base + "/frontends") {
            result.buildFrontend(name, directory: "\(base)/frontends/\(name)", tree: tree)
        }
        return ProviderSnapshot(
            configuration: result.configuration,
            locations: result.locations,
            diagnostics: result.diagnostics
        )
    }

    private struct Result {
        let provider: ProviderName
        var configuration = DynamicConfiguration()
        var locations: [String: SourcePosition] = [:]
        var diagnostics: [ConfigDiagnostic] = []

        init(provider: ProviderName) {
            self.provider = provider
        }

        mutating func buildBackend(_ name: String, directory: String, tree: KVTree) {
            let keyPath = "backends.\(name)"
            locations[keyPath] = Self.position(of: directory)
            var backend = Backend()
            if let expression = tree.value(at: directory + "/circuitbreaker/expression") {
                backend.circuitBreaker = CircuitBreakerConfig(expression: expression)
                locations[keyPath + ".circuitBreaker"] = Self.position(of: directory + "/circuitbreaker/expression")
            }
            if let method = tree.value(at: directory + "/loadbalancer/method") {
                backend.loadBalancer = LoadBalancerConfig(method: method)
                locations[keyPath + ".loadBalancer"] = Self.position(of: directory + "/loadbalancer/method")
            }
            for server in tree.children(of: directory + "/servers") {
                let serverDirectory = "\(directory)/servers/\(server)"
                locations["\(keyPath).servers.\(server)"] = Self.position(of: serverDirectory + "/url")
                guard let url = tree.value(at: serverDirectory + "/url") else {
                    return disable(keyPath, key: serverDirectory + "/url", "is missing", what: "backend \(name)")
                }
                var weight = 0
                if let text = tree.value(at: serverDirectory + "/weight") {
                    guard let parsed = Int(text.trimmingSpaces) else {
                        return disable(
                            keyPath, key: serverDirectory + "/weight", "= \"\(text)\" is not an integer",
                            what: "backend \(name)")
                    }
                    weight = parsed
                }
                backend.servers[server] = Server(url: url, weight: weight)
            }
            configuration.backends[name] = backend
        }

        mutating func buildFrontend(_ name: String, directory: String, tree: KVTree) {
            let keyPath = "frontends.\(name)"
            locations[keyPath] = Self.position(of: directory)
            let what = "frontend \(name)"
            guard let backend = tree.value(at: directory + "/backend") else {
                return disable(keyPath, key: directory + "/backend", "is missing", what: what)
            }
            var frontend = Frontend(backend: backend)
            if let text = tree.value(at: directory + "/passHostHeader") {
                switch text.trimmingSpaces {
                case "true": frontend.passHostHeader = true
                case "false": frontend.passHostHeader = false
                default:
                    return disable(
                        keyPath, key: directory + "/passHostHeader", "= \"\(text)\" is not true or false", what: what)
                }
            }
            if let text = tree.value(at: directory + "/priority") {
                guard let priority = Int(text.trimmingSpaces) else {
                    return disable(keyPath, key: directory + "/priority", "= \"\(text)\" is not an integer", what: what)
                }
                frontend.priority = priority
            }
            if let list = tree.value(at: directory + "/entrypoints") {
                frontend.entryPoints = list.split(separator: ",").map { String($0).trimmingSpaces }.filter {
                    !$0.isEmpty
                }
            }
            for route in tree.children(of: directory + "/routes") {
                let routeDirectory = "\(directory)/routes/\(route)"
                locations["\(keyPath).routes.\(route)"] = Self.position(of: routeDirectory + "/rule")
                for field in ["rule", "value"] where tree.value(at: "\(routeDirectory)/\(field)") == nil {
                    return disable(keyPath, key: "\(routeDirectory)/\(field)", "is missing", what: what)
                }
                frontend.routes[route] = Route(
                    rule: tree.value(at: routeDirectory + "/rule") ?? "",
                    value: tree.value(at: routeDirectory + "/value") ?? ""
                )
            }
            configuration.frontends[name] = frontend
        }

        private mutating func disable(_ keyPath: String, key: String, _ problem: String, what: String) {
            diagnostics.append(ConfigDiagnostic(
                keyPath: keyPath,
                message: "\(key) \(problem); \(what) is disabled",
                provider: provider,
                location: Self.position(of: key)
            ))
        }

        /// A KV key as a source position: the key is the "file", there are no lines.
        static func position(of key: String) -> SourcePosition {
            SourcePosition(file: key, line: 0, column: 0)
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var view = self[...]
        while let first = view.first, first == " " || first == "\t" { view = view.dropFirst() }
        while let last = view.last, last == " " || last == "\t" { view = view.dropLast() }
        return String(view)
    }
}

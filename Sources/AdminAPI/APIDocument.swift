import TraefikCore

/// The `/api` document: every provider's stored configuration in the original's shapes, plus two
/// additions that no 2016 key uses:
/// - a backend object gets `status` (balancing method, circuit-breaker state, per-server current
///   weight and drr failure ratio) when live state exists for it;
/// - a frontend or backend object gets `diagnostics` (strings) when a diagnostic's key path names it.
struct APIDocument {
    /// Provider name (`file`, `web`, `zk`, …) → that provider's configuration object.
    let providers: [String: JSONValue]

    init(
        configurations: [ProviderName: DynamicConfiguration],
        backendStates: [String: BackendHealthView],
        diagnostics: [ConfigDiagnostic]
    ) {
        let order = configurations.keys.sorted()
        let notes = Self.diagnosticsByTarget(diagnostics, configurations: configurations, order: order)
        // A backend name defined by several providers runs as the first one's (decision D23).
        var statusOwner: [String: ProviderName] = [:]
        for provider in order {
            for name in (configurations[provider]?.backends ?? [:]).keys where statusOwner[name] == nil {
                statusOwner[name] = provider
            }
        }

        var providers: [String: JSONValue] = [:]
        for (provider, configuration) in configurations {
            // The configuration types only encode strings, numbers, booleans and containers: nothing throws.
            let encoded = (try? JSONTreeEncoder.encode(configuration)) ?? .object([:])
            guard case .object(var members) = encoded else { continue }
            for section in Section.allCases {
                guard case .object(var objects) = members[section.rawValue] else { continue }
                for (name, value) in objects {
                    guard case .object(var fields) = value else { continue }
                    if section == .backends, statusOwner[name] == provider, let state = backendStates[name] {
                        fields["status"] = Self.status(state)
                    }
                    if let texts = notes[Target(provider: provider, section: section, name: name)] {
                        fields["diagnostics"] = .array(texts.map { .string($0) })
                    }
                    objects[name] = .object(fields)
                }
                members[section.rawValue] = .object(objects)
            }
            providers[provider.rawValue] = .object(members)
        }
        self.providers = providers
    }

    var json: JSONValue { .object(providers) }

    private enum Section: String, CaseIterable {
        case backends, frontends
    }

    private struct Target: Hashable {
        var provider: ProviderName
        var section: Section
        var name: String
    }

    /// Each diagnostic goes to the object its key path starts with (`frontends.<name>` or
    /// `backends.<name>`): in its own provider when known, else in the first provider defining that
    /// name. Names may contain dots, so the longest matching name wins.
    private static func diagnosticsByTarget(
        _ diagnostics: [ConfigDiagnostic],
        configurations: [ProviderName: DynamicConfiguration],
        order: [ProviderName]
    ) -> [Target: [String]] {
        var notes: [Target: [String]] = [:]
        for diagnostic in diagnostics {
            for section in Section.allCases where diagnostic.keyPath.hasPrefix(section.rawValue + ".") {
                let rest = diagnostic.keyPath.dropFirst(section.rawValue.count + 1)
                for provider in diagnostic.provider.map({ [$0] }) ?? order {
                    guard let configuration = configurations[provider] else { continue }
                    let names = section == .backends
                        ? Array(configuration.backends.keys) : Array(configuration.frontends.keys)
                    let matching = names.filter { rest == $0 || rest.hasPrefix($0 + ".") }
                    guard let name = matching.max(by: { $0.count < $1.count }) else { continue }
                    notes[Target(provider: provider, section: section, name: name), default: []]
                        .append(diagnostic.description)
                    break
                }
            }
        }
        return notes
    }

    private static func status(_ view: BackendHealthView) -> JSONValue {
        var fields: [String: JSONValue] = ["method": .string(view.method.rawValue)]
        if let breaker = view.circuitBreaker {
            fields["circuitBreaker"] = .object([
                "expression": .string(breaker.expression),
                "state": .string(breaker.status.name),
            ])
        }
        var servers: [String: JSONValue] = [:]
        for server in view.servers {
            var serverFields: [String: JSONValue] = ["currentWeight": .integer(server.currentWeight)]
            if let ratio = server.failureRatio { serverFields["failureRatio"] = .number(ratio) }
            servers[server.name] = .object(serverFields)
        }
        fields["servers"] = .object(servers)
        return .object(fields)
    }
}

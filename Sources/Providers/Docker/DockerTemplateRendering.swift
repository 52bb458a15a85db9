import GoTemplate
import TraefikCore

/// `[docker] filename = "docker.tmpl"` (spec §12B, decision D22): the user's Go template renders TOML routes from
/// `.Containers` (the selected containers' inspect documents), `.Frontends` (group key → containers) and `.Domain`,
/// with the seed's functions. The file is read at every reload; a template or TOML error keeps the last good routes
/// (reported as `unavailable`). Containers a bad label disables are not in `.Containers`; their diagnostics stay.
enum DockerTemplateRendering {
    /// Labels a template may look up that Go would read as "" when missing (a `map[string]string`).
    static let seedLabels = [
        "traefik.backend", "traefik.port", "traefik.protocol", "traefik.weight", "traefik.enable", "traefik.domain",
        "traefik.frontend.rule", "traefik.frontend.value", "traefik.frontend.passHostHeader",
        "traefik.frontend.entryPoints",
    ]

    static func event(templateFile: String, builder: DockerConfigurationBuilder, containers: [DockerContainer])
        -> ProviderEvent
    {
        let (routes, diagnostics) = builder.routes(for: containers)
        let byID = Dictionary(routes.map { ($0.container.id, $0) }, uniquingKeysWith: { first, _ in first })
        return ProviderTemplate.event(
            templateFile: templateFile, data: data(routes: routes, domain: builder.domain),
            functions: functions(routes: byID), diagnostics: diagnostics)
    }

    /// `.Containers`, `.Frontends` (group key → containers) and `.Domain`.
    static func data(routes: [DockerRoute], domain: String) -> TemplateValue {
        var frontends: [String: [TemplateValue]] = [:]
        for route in routes { frontends[route.frontendGroup, default: []].append(containerValue(route)) }
        return .map([
            "Containers": .list(routes.map(containerValue)),
            "Frontends": .map(frontends.mapValues(TemplateValue.list)),
            "Domain": .string(domain),
        ])
    }

    /// The inspect document as Go's client shapes it: `.ID` beside `.Id`, missing seed labels read as "", and
    /// `.NetworkSettings.IPAddress` the address the provider chose (a user-defined network's when the bridge has
    /// none), so the seed's template works for containers on user-defined networks too.
    static func containerValue(_ route: DockerRoute) -> TemplateValue {
        guard case .map(var fields) = route.container.inspect.templateValue else { return .null }
        fields["ID"] = .string(route.container.id)
        var config = fields["Config"]?.asMap ?? [:]
        var labels = config["Labels"]?.asMap ?? [:]
        for label in seedLabels where labels[label] == nil { labels[label] = .string("") }
        config["Labels"] = .map(labels)
        fields["Config"] = .map(config)
        var settings = fields["NetworkSettings"]?.asMap ?? [:]
        settings["IPAddress"] = .string(route.address)
        fields["NetworkSettings"] = .map(settings)
        return .map(fields)
    }

    /// The Docker template functions of spec §12B; each takes a container of `.Containers` or `.Frontends`.
    static func functions(routes: [String: DockerRoute]) -> TemplateFunctions {
        func perContainer(_ name: String, _ read: @escaping @Sendable (DockerRoute) -> TemplateValue)
            -> (String, TemplateFunction)
        {
            (name, { arguments in
                guard arguments.count == 1, let id = arguments[0].asMap?["ID"]?.asString, let route = routes[id] else {
                    throw TemplateFunctionError("\(name) takes one container of .Containers or .Frontends")
                }
                return read(route)
            })
        }
        let table: [String: TemplateFunction] = Dictionary(uniqueKeysWithValues: [
            perContainer("getBackend") { .string($0.backend) },
            perContainer("getPort") { .string(String($0.port)) },
            perContainer("getWeight") { .string(String($0.weight)) },
            perContainer("getDomain") { .string($0.domain) },
            perContainer("getProtocol") { .string($0.protocolName) },
            perContainer("getPassHostHeader") { .string(String($0.passHostHeader)) },
            perContainer("getEntryPoints") { .list($0.entryPoints.map(TemplateValue.string)) },
            perContainer("getFrontendValue") { .string($0.value) },
            perContainer("getFrontendRule") { .string($0.rule) },
            ("replace", ProviderTemplate.replace),
        ])
        return TemplateFunctions(table)
    }
}

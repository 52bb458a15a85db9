import Foundation
import TraefikCore

/// What one selected container asks for, its labels read with their defaults (spec §10.3, decision D11).
public struct DockerRoute: Sendable, Equatable {
    public var container: DockerContainer
    /// `traefik.backend`, or the escaped container name (the `backend-` prefix is not part of it).
    public var backend: String
    public var protocolName: String
    public var address: String
    public var port: Int
    public var weight: Int
    public var rule: String
    public var value: String
    public var passHostHeader: Bool
    public var entryPoints: [String]
    /// `traefik.domain`, or the provider's `domain`.
    public var domain: String

    public var serverURL: String {
        let host = address.contains(":") ? "[\(address)]" : address
        return "\(protocolName)://\(host):\(port)"
    }

    /// The key containers are grouped by: `<rule>-<value>` with `[`, `]` removed and `.` → `-` (spec §10.4).
    public var frontendGroup: String { DockerNames.frontendGroup(rule: rule, value: value) }
}

/// The generated names of spec §10.4, without the seed's literal quotes.
public enum DockerNames {
    /// `/web` → `web`; other `/` (from links) → `-`.
    public static func escaped(_ containerName: String) -> String {
        let trimmed = containerName.hasPrefix("/") ? String(containerName.dropFirst()) : containerName
        return trimmed.replacing("/", with: "-")
    }

    public static func backend(_ backend: String) -> String { "backend-\(backend)" }

    /// `server-` and the container name with every `/` removed and `.` → `-`.
    public static func server(_ containerName: String) -> String {
        "server-" + containerName.replacing("/", with: "").replacing(".", with: "-")
    }

    public static func frontendGroup(rule: String, value: String) -> String {
        "\(rule)-\(value)".replacing("[", with: "").replacing("]", with: "").replacing(".", with: "-")
    }

    public static func frontend(group: String) -> String { "frontend-\(group)" }

    public static func route(group: String) -> String { "route-frontend-\(group)" }
}

/// Which containers the provider serves and how (spec §10.2–§10.4): every label with its default, `traefik.domain`
/// honoured (D11). A label with a bad value (`passHostHeader=yes`, `weight=abc`, `port=abc`) leaves out that container
/// only, with a diagnostic naming the container and the label, where the seed dropped the whole Docker configuration
/// (testable J12): one typo on one container must not take every Docker route down.
public struct DockerConfigurationBuilder: Sendable {
    public var provider: ProviderName
    /// `[docker] domain`: the default rule value is `<escaped name>.<domain>`.
    public var domain: String

    public init(provider: ProviderName = .docker, domain: String) {
        self.provider = provider
        self.domain = domain
    }

    public enum Selection: Sendable, Equatable {
        case selected(DockerRoute)
        /// Left out by design: no exposed port, `traefik.enable=false`, several ports and no `traefik.port`.
        case ignored
        /// Left out because a label is wrong; the reason names the label.
        case disabled(String)
    }

    /// The routes of the selected containers, sorted by container name, and a diagnostic per disabled container.
    public func routes(for containers: [DockerContainer]) -> (routes: [DockerRoute], diagnostics: [ConfigDiagnostic]) {
        var routes: [DockerRoute] = []
        var diagnostics: [ConfigDiagnostic] = []
        for container in containers.sorted(by: { $0.name < $1.name }) {
            switch selection(of: container) {
            case .selected(let route): routes.append(route)
            case .ignored: continue
            case .disabled(let reason):
                let name = DockerNames.escaped(container.name)
                diagnostics.append(ConfigDiagnostic(
                    keyPath: "containers.\(name)", message: "\(reason); container \(name) is left out",
                    provider: provider))
            }
        }
        return (routes, diagnostics)
    }

    /// The provider's configuration: a backend per `traefik.backend` (or container), a frontend per rule and value;
    /// the first container of a frontend's group (by name) gives its backend, passHostHeader and entry points.
    public func snapshot(from containers: [DockerContainer]) -> ProviderSnapshot {
        let (routes, diagnostics) = routes(for: containers)
        var configuration = DynamicConfiguration()
        for route in routes {
            let backend = DockerNames.backend(route.backend)
            configuration.backends[backend, default: Backend()].servers[DockerNames.server(route.container.name)] =
                Server(url: route.serverURL, weight: route.weight)
            let group = route.frontendGroup
            let frontend = DockerNames.frontend(group: group)
            guard configuration.frontends[frontend] == nil else { continue }
            configuration.frontends[frontend] = Frontend(
                backend: backend, entryPoints: route.entryPoints, passHostHeader: route.passHostHeader,
                routes: [DockerNames.route(group: group): Route(rule: route.rule, value: route.value)])
        }
        return ProviderSnapshot(configuration: configuration, diagnostics: diagnostics)
    }

    /// One container's fate, label by label.
    public func selection(of container: DockerContainer) -> Selection {
        let labels = container.labels
        func label(_ name: String) -> String? {
            guard let value = labels[name], !value.isEmpty else { return nil }
            return value
        }
        guard !container.exposedPorts.isEmpty, labels["traefik.enable"] != "false" else { return .ignored }
        let port: Int
        if let text = label("traefik.port") {
            guard let parsed = Int(text), (1...65535).contains(parsed) else {
                return .disabled("label traefik.port = \"\(text)\" is not a port number")
            }
            port = parsed
        } else {
            guard container.exposedPorts.count == 1 else { return .ignored }
            let exposed = container.exposedPorts[0]
            guard let parsed = Int(exposed.prefix { $0 != "/" }) else {
                return .disabled("exposed port \"\(exposed)\" is not a port number")
            }
            port = parsed
        }
        var weight = 0
        if let text = label("traefik.weight") {
            guard let parsed = Int(text) else { return .disabled("label traefik.weight = \"\(text)\" is not an integer") }
            weight = parsed
        }
        var passHostHeader = false
        if let text = label("traefik.frontend.passHostHeader") {
            switch text {
            case "true": passHostHeader = true
            case "false": passHostHeader = false
            default: return .disabled("label traefik.frontend.passHostHeader = \"\(text)\" is not true or false")
            }
        }
        let containerDomain = label("traefik.domain") ?? domain
        let frontend: (rule: String, value: String)
        switch (label("traefik.frontend.rule"), label("traefik.frontend.value")) {
        case (let rule?, let value?): frontend = (rule, value)
        case (nil, nil):
            let name = DockerNames.escaped(container.name)
            frontend = ("Host", containerDomain.isEmpty ? name : "\(name).\(containerDomain)")
        case (_?, nil): return .disabled("label traefik.frontend.rule is set without traefik.frontend.value")
        case (nil, _?): return .disabled("label traefik.frontend.value is set without traefik.frontend.rule")
        }
        guard let address = Self.address(of: container) else {
            return .disabled("no IP address (NetworkSettings.IPAddress and every network's are empty)")
        }
        let entryPoints = (label("traefik.frontend.entryPoints") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return .selected(DockerRoute(
            container: container, backend: label("traefik.backend") ?? DockerNames.escaped(container.name),
            protocolName: label("traefik.protocol") ?? "http", address: address, port: port, weight: weight,
            rule: frontend.rule, value: frontend.value, passHostHeader: passHostHeader, entryPoints: entryPoints,
            domain: containerDomain))
    }

    /// `NetworkSettings.IPAddress`, else the first user-defined network's address, networks sorted by name.
    static func address(of container: DockerContainer) -> String? {
        if !container.ipAddress.isEmpty { return container.ipAddress }
        return container.networkAddresses.sorted { $0.key < $1.key }.lazy.map(\.value).first { !$0.isEmpty }
    }
}

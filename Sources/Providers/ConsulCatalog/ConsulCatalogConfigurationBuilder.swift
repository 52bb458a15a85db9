import GoTemplate
import TraefikCore

/// The routes of the original's default Consul catalog template (spec §12A): for each service with at least one
/// passing instance, backend `backend-<service>` with a server `server-<node, . → ->-<port>` per instance at
/// `http://<node address>:<service port>`, and frontend `frontend-<service>` with route `route-host-<service>`
/// matching `Host: <service>.<domain>`.
public enum ConsulCatalogConfigurationBuilder {
    public static func snapshot(from listing: ConsulCatalogListing, domain: String) -> ProviderSnapshot {
        var configuration = DynamicConfiguration()
        for (service, entries) in listing.services where !entries.isEmpty {
            var backend = Backend()
            for entry in entries {
                backend.servers[serverName(entry)] = Server(url: "http://\(hostInURL(entry.nodeAddress)):\(entry.servicePort)")
            }
            configuration.backends["backend-\(service)"] = backend
            configuration.frontends["frontend-\(service)"] = Frontend(
                backend: "backend-\(service)",
                routes: ["route-host-\(service)": Route(rule: "Host", value: "\(service).\(domain)")])
        }
        return ProviderSnapshot(configuration: configuration)
    }

    static func serverName(_ entry: ConsulHealthEntry) -> String {
        "server-\(entry.node.replacingAll(".", with: "-"))-\(entry.servicePort)"
    }

    static func hostInURL(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }
}

/// `filename` for the Consul catalog (spec §12B's data and functions; the seed had no such option, every other
/// provider has): `.Services` (names with a passing instance), `.Nodes` (their health entries with Consul's field
/// names), `getBackend entry`, `getFrontendValue service`, `replace`.
enum ConsulCatalogTemplateRendering {
    static func event(templateFile: String, listing: ConsulCatalogListing, domain: String) -> ProviderEvent {
        ProviderTemplate.event(templateFile: templateFile, data: data(listing), functions: functions(domain: domain))
    }

    static func data(_ listing: ConsulCatalogListing) -> TemplateValue {
        let served = listing.services.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        return .map([
            "Services": .list(served.map { .string($0.key) }),
            "Nodes": .list(served.flatMap(\.value).map { entry in
                .map([
                    "Node": .map(["Node": .string(entry.node), "Address": .string(entry.nodeAddress)]),
                    "Service": .map([
                        "ID": .string(entry.serviceID), "Service": .string(entry.serviceName),
                        "Address": .string(entry.serviceAddress), "Port": .int(entry.servicePort),
                        "Tags": .list(entry.serviceTags.map { .string($0) }),
                    ]),
                ])
            }),
        ])
    }

    static func functions(domain: String) -> TemplateFunctions {
        TemplateFunctions([
            "getBackend": { arguments in
                guard arguments.count == 1, let name = arguments[0].asMap?["Service"]?.asMap?["Service"]?.asString else {
                    throw TemplateFunctionError("getBackend takes a health entry")
                }
                return .string(name.lowercased())
            },
            "getFrontendValue": { arguments in
                guard arguments.count == 1, let service = arguments[0].asString else {
                    throw TemplateFunctionError("getFrontendValue takes a service name")
                }
                return .string("\(service).\(domain)")
            },
            "replace": ProviderTemplate.replace,
        ])
    }
}

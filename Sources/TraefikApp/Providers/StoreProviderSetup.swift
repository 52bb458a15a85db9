import Logging
import NIOCore
import Providers
import TraefikCore

/// Every store- or engine-backed provider the launch configuration enables, in merge order (D23). Nothing connects
/// here; an endpoint that cannot be parsed or TLS files that cannot be read stop the start (and `traefik check`).
enum StoreProviderSetup {
    static func providers(
        of configuration: StaticConfiguration, group: any EventLoopGroup, logger: Logger
    ) throws -> [any RereadableProvider] {
        var providers: [any RereadableProvider] = []
        if let docker = try DockerProviderSetup.provider(of: configuration) { providers.append(docker) }
        if let marathon = try MarathonProviderSetup.provider(of: configuration) { providers.append(marathon) }
        providers += try KVProviderSetup.providers(of: configuration, group: group, logger: logger)
        if let catalog = try ConsulCatalogProviderSetup.provider(of: configuration) { providers.append(catalog) }
        return providers
    }
}

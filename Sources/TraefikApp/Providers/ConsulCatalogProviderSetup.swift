import ProviderHTTP
import Providers
import TraefikCore

/// `[consulCatalog]`: the HTTP client for its Consul agent. Nothing connects here.
enum ConsulCatalogProviderSetup {
    static func provider(of configuration: StaticConfiguration) throws -> ConsulCatalogProvider? {
        guard let catalog = configuration.consulCatalog else { return nil }
        let client: ProviderHTTPClient
        do {
            client = try ProviderHTTPClient(endpoint: HTTPEndpoint(parsing: catalog.resolvedEndpoint))
        } catch {
            throw StartupError.provider("consul catalog: \(error)")
        }
        return ConsulCatalogProvider(
            client: client, domain: catalog.domain ?? "",
            templateFile: catalog.filename.flatMap { $0.isEmpty ? nil : $0 })
    }
}

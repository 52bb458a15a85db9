import Providers
import TraefikCore

/// `[docker]` (or `--docker…`) as a provider. Nothing connects here: the provider reaches the engine when the watcher
/// runs it; an endpoint that cannot be parsed or TLS files that cannot be read stop the start.
enum DockerProviderSetup {
    static func provider(of configuration: StaticConfiguration) throws -> DockerProvider? {
        guard let docker = configuration.docker else { return nil }
        let engine: DockerEngineClient
        do {
            engine = try DockerEngineClient(endpoint: docker.resolvedEndpoint, tls: docker.tls)
        } catch {
            throw StartupError.provider("docker: \(error)")
        }
        return DockerProvider(
            engine: engine, domain: docker.domain ?? "", watch: docker.resolvedWatch,
            templateFile: docker.filename.flatMap { $0.isEmpty ? nil : $0 })
    }
}

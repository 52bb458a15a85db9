import Providers
import TraefikCore

/// `[marathon]`: the client for its endpoints (several, comma-separated, fail over in order), credentials and TLS.
/// Nothing connects here; `networkInterface` is accepted and unused (the event stream needs no callback listener).
enum MarathonProviderSetup {
    static func provider(of configuration: StaticConfiguration) throws -> MarathonProvider? {
        guard let marathon = configuration.marathon else { return nil }
        let basicAuth = marathon.basic.flatMap { basic -> MarathonClient.BasicAuth? in
            guard let user = basic.httpBasicAuthUser, !user.isEmpty else { return nil }
            return MarathonClient.BasicAuth(user: user, password: basic.httpBasicPassword ?? "")
        }
        let client: MarathonClient
        do {
            client = try MarathonClient(
                endpoints: marathon.resolvedEndpoint, basicAuth: basicAuth,
                insecureSkipVerify: marathon.tls?.insecureSkipVerify ?? false)
        } catch {
            throw StartupError.provider("marathon: \(error)")
        }
        return MarathonProvider(
            client: client, domain: marathon.domain ?? "", watch: marathon.resolvedWatch,
            templateFile: marathon.filename.flatMap { $0.isEmpty ? nil : $0 })
    }
}

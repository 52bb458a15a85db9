import ProviderHTTP
import TraefikCore

/// A Docker Engine API answer the provider cannot use (not reachability: that is a `ProviderHTTPError`).
public struct DockerEngineError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// The four Engine API calls the provider makes (spec §10.1), on unversioned paths as the seed's client did:
/// `/_ping`, `/containers/json` (running containers), `/containers/{id}/json` and the `/events` stream.
public struct DockerEngineClient: Sendable {
    public let http: ProviderHTTPClient

    public init(http: ProviderHTTPClient) {
        self.http = http
    }

    /// `[docker] endpoint` (`unix:///var/run/docker.sock`, `tcp://host:port`) with its optional `[docker.tls]`.
    /// The TLS files are loaded here: a missing or unreadable one is an error now, not at the first connection.
    public init(endpoint: String, tls: DockerTLSConfig?) throws(ProviderHTTPError) {
        func path(_ text: String?) -> String? { text.flatMap { $0.isEmpty ? nil : $0 } }
        let tlsFiles = tls.map { tls in
            ProviderTLSConfiguration(
                caFile: path(tls.ca), certificateFile: path(tls.cert), keyFile: path(tls.key),
                insecureSkipVerify: tls.insecureSkipVerify ?? false)
        }
        http = try ProviderHTTPClient(
            endpoint: HTTPEndpoint(parsing: endpoint), configuration: .init(requestTimeout: .seconds(10), tls: tlsFiles))
    }

    public func ping() async throws {
        _ = try await get("/_ping")
    }

    /// The running containers, each inspected. One that is gone by the time it is inspected (404) is left out: its
    /// `die` event is on its way.
    public func runningContainers() async throws -> [DockerContainer] {
        guard let listed = try DockerJSON(parsing: try await get("/containers/json")).array else {
            throw DockerEngineError("/containers/json: not a JSON array")
        }
        var containers: [DockerContainer] = []
        for summary in listed {
            guard let id = summary["Id"].string else { throw DockerEngineError("/containers/json: a container without Id") }
            guard let body = try await fetch("/containers/\(id)/json", allowNotFound: true) else { continue }
            let container = try DockerContainer(inspect: try DockerJSON(parsing: body))
            if container.running { containers.append(container) }
        }
        return containers
    }

    /// `GET /events`, returning once the engine has answered: from then on no event is missed. The body is the
    /// stream of raw bytes; `DockerEventDecoder` cuts it into events.
    public func events() async throws -> AsyncThrowingStream<[UInt8], any Error> {
        let (head, body) = try await http.stream(ProviderHTTPRequest(target: "/events"), timeout: nil)
        guard head.status == 200 else {
            throw DockerEngineError("/events: status \(head.status)")
        }
        return body
    }

    private func fetch(_ path: String, allowNotFound: Bool) async throws -> [UInt8]? {
        let response = try await http.send(ProviderHTTPRequest(target: path, headers: [("Accept", "application/json")]))
        if allowNotFound && response.status == 404 { return nil }
        guard response.status == 200 else {
            let message = String(decoding: response.body.prefix(200), as: UTF8.self)
            throw DockerEngineError("\(path): status \(response.status) \(message)")
        }
        return response.body
    }

    private func get(_ path: String) async throws -> [UInt8] {
        try await fetch(path, allowNotFound: false) ?? []
    }
}

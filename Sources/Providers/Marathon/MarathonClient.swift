import Foundation
import ProviderHTTP
import Synchronization

/// Marathon's REST API over one or more endpoints (`http://h1:8080,h2:8080`, spec §11.1).
///
/// Each call starts at the endpoint that answered last; one that cannot be reached, or answers 5xx or something
/// unreadable, is skipped for the next (failover), and the one that answers is remembered. A 401 or 403 is not an
/// endpoint failure (the credentials are wrong everywhere) and is reported at once.
public final class MarathonClient: Sendable {
    public struct BasicAuth: Sendable, Equatable {
        public var user: String
        public var password: String

        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }
    }

    public let endpoints: [HTTPEndpoint]
    private let clients: [ProviderHTTPClient]
    private let authorization: String?
    private let preferred = Mutex(0)

    /// - Parameters:
    ///   - endpoints: the configured `endpoint`, a comma-separated list.
    ///   - insecureSkipVerify: `[marathon.TLS] InsecureSkipVerify`, for `https://` endpoints.
    public init(endpoints text: String, basicAuth: BasicAuth? = nil, insecureSkipVerify: Bool = false) throws {
        let endpoints = try text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.map { try HTTPEndpoint(parsing: $0) }
        guard !endpoints.isEmpty else { throw MarathonError("marathon: endpoint \"\(text)\" names no server") }
        self.endpoints = endpoints
        clients = try endpoints.map { endpoint in
            let tls = endpoint.requiresTLS ? ProviderTLSConfiguration(insecureSkipVerify: insecureSkipVerify) : nil
            return try ProviderHTTPClient(endpoint: endpoint, configuration: .init(tls: tls))
        }
        authorization = basicAuth.map { "Basic " + Data("\($0.user):\($0.password)".utf8).base64EncodedString() }
    }

    /// `endpoint` as configured, for messages.
    public var description: String { endpoints.map(\.description).joined(separator: ",") }

    /// `GET /v2/apps` and `GET /v2/tasks?status=running`, both from the same endpoint.
    public func state() async throws -> MarathonState {
        try await withEndpoint { client in
            let applications = try MarathonState.decodeApplications(
                try await self.get("/v2/apps", accept: "application/json", from: client))
            let tasks = try MarathonState.decodeTasks(
                try await self.get("/v2/tasks?status=running", accept: "application/json", from: client))
            return MarathonState(applications: applications, tasks: tasks)
        }
    }

    /// `GET /v2/events` as a server-sent event stream: returns once the stream is open; the body then runs until
    /// the connection ends (it throws or finishes) or the caller drops it.
    public func eventStream() async throws -> AsyncThrowingStream<[UInt8], any Error> {
        try await withEndpoint { client in
            let (head, body) = try await client.stream(
                ProviderHTTPRequest(method: "GET", target: "/v2/events", headers: self.headers(accept: "text/event-stream")),
                timeout: nil)
            try self.check(head.status, "/v2/events", client)
            return body
        }
    }

    private func get(_ target: String, accept: String, from client: ProviderHTTPClient) async throws -> [UInt8] {
        let response = try await client.send(
            ProviderHTTPRequest(method: "GET", target: target, headers: headers(accept: accept)))
        try check(response.status, target, client)
        return response.body
    }

    private func headers(accept: String) -> [(name: String, value: String)] {
        var headers = [(name: "Accept", value: accept)]
        if let authorization { headers.append((name: "Authorization", value: authorization)) }
        return headers
    }

    private func check(_ status: Int, _ target: String, _ client: ProviderHTTPClient) throws {
        switch status {
        case 200..<300:
            return
        case 401, 403:
            let hint = authorization == nil ? "no [marathon.basic] credentials are configured" : "check [marathon.basic]"
            throw MarathonError("\(client.endpoint)\(target): HTTP \(status), not authorized (\(hint))", isAuthorization: true)
        default:
            throw MarathonError("\(client.endpoint)\(target): HTTP \(status)")
        }
    }

    /// Runs `body` against the preferred endpoint, then each other one in order, until one succeeds.
    private func withEndpoint<T: Sendable>(_ body: (ProviderHTTPClient) async throws -> T) async throws -> T {
        let first = preferred.withLock { $0 }
        var failures: [String] = []
        for offset in clients.indices {
            let index = (first + offset) % clients.count
            do {
                let result = try await body(clients[index])
                preferred.withLock { $0 = index }
                return result
            } catch let error as MarathonError where error.isAuthorization {
                throw error
            } catch {
                try Task.checkCancellation()
                failures.append("\(error)")
            }
        }
        throw MarathonError(failures.joined(separator: "; "))
    }

    public func close() async {
        for client in clients { await client.close() }
    }
}

public struct MarathonError: Error, Sendable, CustomStringConvertible {
    public var description: String
    /// A 401 or 403: every endpoint would refuse the same credentials.
    public var isAuthorization: Bool

    init(_ description: String, isAuthorization: Bool = false) {
        self.description = description
        self.isAuthorization = isAuthorization
    }
}

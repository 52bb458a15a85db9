/// One request to a provider's API. `Host`, `Content-Length` and `Connection: close` are added by the client.
public struct ProviderHTTPRequest: Sendable {
    public var method: String
    /// Path and query, already percent-encoded: `/v2/keys/traefik?recursive=true`.
    public var target: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?

    public init(
        method: String = "GET",
        target: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil
    ) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }
}

/// Status line and headers of a response.
public struct ProviderHTTPResponseHead: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]

    public init(status: Int, headers: [(name: String, value: String)]) {
        self.status = status
        self.headers = headers
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}

/// A complete response: head and the whole body.
public struct ProviderHTTPResponse: Sendable {
    public var head: ProviderHTTPResponseHead
    public var body: [UInt8]

    public init(head: ProviderHTTPResponseHead, body: [UInt8]) {
        self.head = head
        self.body = body
    }

    public var status: Int { head.status }

    public func header(_ name: String) -> String? { head.header(name) }
}

/// Why a request failed. `description` names the endpoint, so callers can log it as is.
public struct ProviderHTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case invalidEndpoint
        /// CA, certificate or key files could not be loaded.
        case tlsConfiguration
        /// Refused, no such socket file, no route.
        case connectFailed
        case connectTimedOut
        /// The request's overall deadline passed before the response was complete.
        case timedOut
        /// The peer closed the connection (or it broke) before the response was complete.
        case connectionClosed
        case tlsHandshakeFailed
        case responseTooLarge
        /// Not parseable as HTTP/1.1.
        case invalidResponse
        /// `close()` was called on the client.
        case clientClosed
    }

    public var kind: Kind
    public var description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    /// The server could not be talked to at all (as opposed to answering something unusable).
    public var isUnreachable: Bool {
        switch kind {
        case .connectFailed, .connectTimedOut, .timedOut, .connectionClosed, .tlsHandshakeFailed, .clientClosed: true
        case .invalidEndpoint, .tlsConfiguration, .responseTooLarge, .invalidResponse: false
        }
    }
}

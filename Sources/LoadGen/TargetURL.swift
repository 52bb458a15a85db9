/// The `http://host[:port]/path?query` a run is aimed at. Only plain HTTP/1: loadgen has no TLS client.
public struct TargetURL: Sendable, Equatable {
    public let host: String
    public let port: Int
    /// Path plus query, as sent in the request line (never empty: a bare host means `/`).
    public let pathAndQuery: String

    public init(host: String, port: Int, pathAndQuery: String) {
        self.host = host
        self.port = port
        self.pathAndQuery = pathAndQuery
    }

    /// The `Host` header value: the port is omitted when it is HTTP's default.
    public var hostHeader: String {
        let bracketedHost = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? bracketedHost : "\(bracketedHost):\(port)"
    }

    public var description: String { "http://\(hostHeader)\(pathAndQuery)" }

    public static func parse(_ text: String) throws(UsageError) -> TargetURL {
        let lowered = text.lowercased()
        if lowered.hasPrefix("https://") {
            throw UsageError("https is not supported: loadgen speaks plain HTTP/1 only (got \(text))")
        }
        guard lowered.hasPrefix("http://") else {
            throw UsageError("the URL must look like http://host[:port]/path (got \(text))")
        }
        let rest = text.dropFirst("http://".count)
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var pathAndQuery = String(rest[authorityEnd...])
        if pathAndQuery.isEmpty || pathAndQuery.first == "?" {
            pathAndQuery = "/" + pathAndQuery
        }
        if let fragmentStart = pathAndQuery.firstIndex(of: "#") {
            pathAndQuery = String(pathAndQuery[..<fragmentStart])
        }
        guard !authority.contains("@") else {
            throw UsageError("user info in the URL is not supported (got \(text))")
        }
        let (host, portText) = try splitHostAndPort(authority, original: text)
        guard !host.isEmpty else { throw UsageError("the URL has no host (got \(text))") }
        var port = 80
        if let portText {
            guard let parsed = Int(portText), (1...65535).contains(parsed) else {
                throw UsageError("invalid port '\(portText)' in \(text)")
            }
            port = parsed
        }
        return TargetURL(host: host, port: port, pathAndQuery: pathAndQuery)
    }

    private static func splitHostAndPort(
        _ authority: Substring, original: String
    ) throws(UsageError) -> (host: String, port: String?) {
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else {
                throw UsageError("unterminated IPv6 address in \(original)")
            }
            let host = String(authority[authority.index(after: authority.startIndex)..<close])
            let afterBracket = authority[authority.index(after: close)...]
            if afterBracket.isEmpty { return (host, nil) }
            guard afterBracket.first == ":" else { throw UsageError("invalid authority in \(original)") }
            return (host, String(afterBracket.dropFirst()))
        }
        guard let colon = authority.lastIndex(of: ":") else { return (String(authority), nil) }
        return (String(authority[..<colon]), String(authority[authority.index(after: colon)...]))
    }
}

/// A command-line mistake: main prints the message and the usage, then exits with status 2.
public struct UsageError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Where a provider's API listens, parsed from the spellings Traefik's configuration accepts:
/// `http://host:port`, `https://host:port`, `tcp://host:port` (Docker), bare `host:port`, and `unix:///path`.
public struct HTTPEndpoint: Sendable, Equatable, CustomStringConvertible {
    public enum Address: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case unixSocket(path: String)
    }

    public var address: Address
    /// `https://` asks for TLS even when no TLS options are configured (the system trust roots then apply).
    public var requiresTLS: Bool

    public init(address: Address, requiresTLS: Bool = false) {
        self.address = address
        self.requiresTLS = requiresTLS
    }

    public init(parsing text: String) throws(ProviderHTTPError) {
        let trimmed = text.trimmingWhitespace
        if let path = trimmed.removingPrefix("unix://") {
            guard path.hasPrefix("/") else {
                throw ProviderHTTPError(.invalidEndpoint, "endpoint \(text): a unix socket needs an absolute path")
            }
            self.init(address: .unixSocket(path: path))
            return
        }
        let (rest, defaultPort, tls): (String, Int?, Bool) =
            if let rest = trimmed.removingPrefix("https://") { (rest, 443, true) }
            else if let rest = trimmed.removingPrefix("http://") { (rest, 80, false) }
            else if let rest = trimmed.removingPrefix("tcp://") { (rest, nil, false) }
            else { (trimmed, nil, false) }
        // Only the authority matters; a trailing `/` or path in the configured endpoint is ignored.
        let authority = String(rest.prefix { $0 != "/" && $0 != "?" })
        guard let (host, port) = Self.splitAuthority(authority, defaultPort: defaultPort) else {
            throw ProviderHTTPError(.invalidEndpoint, "endpoint \(text): expected host:port")
        }
        self.init(address: .tcp(host: host, port: port), requiresTLS: tls)
    }

    /// The `Host` header value for requests to this endpoint.
    public var hostHeader: String {
        switch address {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unixSocket: "localhost"
        }
    }

    public var description: String {
        switch address {
        case .tcp: "\(requiresTLS ? "https" : "http")://\(hostHeader)"
        case .unixSocket(let path): "unix://\(path)"
        }
    }

    /// `host:port` or `[v6]:port`; the port may be left out only when the scheme gives one.
    private static func splitAuthority(_ authority: String, defaultPort: Int?) -> (String, Int)? {
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority[...]
        }
        guard !host.isEmpty else { return nil }
        if let portText {
            guard let port = Int(portText), (1...65535).contains(port) else { return nil }
            return (String(host), port)
        }
        guard let defaultPort else { return nil }
        return (String(host), defaultPort)
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }

    fileprivate func removingPrefix(_ prefix: String) -> String? {
        lowercased().hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}

/// A backend server's `url` (spec §1.1, §5.2): `scheme://host[:port]`, any path ignored.
public struct ServerURL: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// `"http"` or `"https"`, lowercased.
    public var scheme: String
    /// Without IPv6 brackets, ready to connect to.
    public var host: String
    /// The explicit port, or 80 / 443 by scheme.
    public var port: Int
    /// `host[:port]` exactly as written in the URL (brackets kept, no user info): the Host header
    /// sent to the backend when `passHostHeader` is false.
    public var authority: String

    public init(scheme: String, host: String, port: Int, authority: String) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.authority = authority
    }

    public static func parse(_ url: String) throws(ValueParseError) -> ServerURL {
        guard let separator = url.firstRange(of: "://") else {
            throw ValueParseError(input: url, reason: "expected scheme://host[:port]")
        }
        let scheme = url[..<separator.lowerBound].lowercased()
        let defaultPort: Int
        switch scheme {
        case "http": defaultPort = 80
        case "https": defaultPort = 443
        default: throw ValueParseError(input: url, reason: "unsupported scheme \"\(scheme)\" (expected http or https)")
        }

        let afterScheme = url[separator.upperBound...]
        var authority = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") {
            authority = authority[authority.index(after: at)...]
        }

        let host: Substring
        let portText: Substring?
        if authority.hasPrefix("[") {
            guard let closing = authority.firstIndex(of: "]") else {
                throw ValueParseError(input: url, reason: "missing \"]\" after an IPv6 address")
            }
            host = authority[authority.index(after: authority.startIndex)..<closing]
            let rest = authority[authority.index(after: closing)...]
            guard rest.isEmpty || rest.hasPrefix(":") else {
                throw ValueParseError(input: url, reason: "unexpected text after \"]\"")
            }
            portText = rest.isEmpty ? nil : rest.dropFirst()
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
            portText = nil
        }
        guard !host.isEmpty else { throw ValueParseError(input: url, reason: "missing host") }

        var port = defaultPort
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0 >= "0" && $0 <= "9" }),
                  let explicitPort = Int(portText), (1...65535).contains(explicitPort)
            else {
                throw ValueParseError(input: url, reason: "invalid port \"\(portText)\" (expected 1-65535)")
            }
            port = explicitPort
        }
        return ServerURL(scheme: scheme, host: String(host), port: port, authority: String(authority))
    }

    /// `scheme://authority`, the form the server is identified by in logs and the state registry.
    public var description: String { "\(scheme)://\(authority)" }
}

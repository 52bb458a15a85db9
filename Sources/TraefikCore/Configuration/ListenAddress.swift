/// An entry point's `address` (spec §3.1): `":80"`, `"127.0.0.1:8000"`, `"[::1]:80"`, `"localhost:80"`.
public struct ListenAddress: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// nil means every interface (IPv4 and IPv6), as Go does for `":80"`.
    public var host: String?
    /// 0 asks the system for a free port.
    public var port: Int

    public init(host: String?, port: Int) {
        self.host = host
        self.port = port
    }

    /// Accepts a numeric port or the service names `http` and `https` (Go resolves those, and a
    /// TOML `[web]` section without address means `:http`).
    public static func parse(_ text: String) throws(ValueParseError) -> ListenAddress {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let closing = text.firstIndex(of: "]") else {
                throw ValueParseError(input: text, reason: "missing \"]\" after an IPv6 address")
            }
            host = text[text.index(after: text.startIndex)..<closing]
            let rest = text[text.index(after: closing)...]
            guard rest.hasPrefix(":") else {
                throw ValueParseError(input: text, reason: "missing port (expected [host]:port)")
            }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw ValueParseError(input: text, reason: "missing port (expected host:port or :port)")
            }
            host = text[..<colon]
            guard !host.contains(":") else {
                throw ValueParseError(input: text, reason: "an IPv6 address needs brackets, as in [::1]:80")
            }
            portText = text[text.index(after: colon)...]
        }
        guard let port = parsePort(portText) else {
            throw ValueParseError(input: text, reason: "invalid port \"\(portText)\" (expected 0-65535, http or https)")
        }
        return ListenAddress(host: host.isEmpty ? nil : String(host), port: port)
    }

    public var description: String {
        guard let host else { return ":\(port)" }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private static func parsePort(_ text: Substring) -> Int? {
        switch text {
        case "http": return 80
        case "https": return 443
        default:
            guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0 >= "0" && $0 <= "9" }),
                  let port = Int(text), port <= 65535
            else { return nil }
            return port
        }
    }
}

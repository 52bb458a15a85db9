/// Builds the one request every connection sends, once, before the run.
public enum RequestBuilder {
    /// The full request: head and body.
    ///
    /// Default headers (`Host`, `User-Agent`, `Accept`) are replaced by a `-H` of the same name, as ab does.
    /// HTTP/1.1 says `Connection: close` unless keep-alive is on; HTTP/1.0 is close by default,
    /// so it only ever says `Connection: keep-alive`.
    public static func requestBytes(
        target: TargetURL, method: String, headers: [RequestHeader], body: [UInt8],
        contentType: String?, keepAlive: Bool, http10: Bool
    ) -> [UInt8] {
        var lines = ["\(method) \(target.pathAndQuery) \(http10 ? "HTTP/1.0" : "HTTP/1.1")"]
        let userNames = Set(headers.map { $0.name.lowercased() })
        let defaults = [
            RequestHeader(name: "Host", value: target.hostHeader),
            RequestHeader(name: "User-Agent", value: "loadgen"),
            RequestHeader(name: "Accept", value: "*/*"),
        ]
        for header in defaults where !userNames.contains(header.name.lowercased()) {
            lines.append("\(header.name): \(header.value)")
        }
        for header in headers where !Self.framingHeaders.contains(header.name.lowercased()) {
            lines.append("\(header.name): \(header.value)")
        }
        if keepAlive {
            lines.append("Connection: keep-alive")
        } else if !http10 {
            lines.append("Connection: close")
        }
        if !body.isEmpty || method == "POST" || method == "PUT" {
            lines.append("Content-Length: \(body.count)")
        }
        if let contentType, !userNames.contains("content-type") {
            lines.append("Content-Type: \(contentType)")
        }
        let head = lines.joined(separator: "\r\n") + "\r\n\r\n"
        return Array(head.utf8) + body
    }

    /// Headers loadgen owns because they decide message framing and connection reuse.
    private static let framingHeaders: Set<String> = ["connection", "content-length", "transfer-encoding"]
}

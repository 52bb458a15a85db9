import NIOCore

/// Responses the proxy writes itself (errors, 404, redirects of cleaned paths).
enum CannedResponse {
    static func reason(_ status: Int) -> String {
        switch status {
        case 301: "Moved Permanently"
        case 302: "Found"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 414: "URI Too Long"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: "Error"
        }
    }

    /// The body the original sends for a status: Go's `http.NotFound` text for 404, the status text otherwise.
    static func body(_ status: Int) -> String {
        status == 404 ? "404 page not found\n" : reason(status)
    }

    /// Bytes of the body `write` sends for `status`.
    static func bodyLength(status: Int) -> Int {
        status == 301 ? 0 : (status == 302 ? 5 : body(status).utf8.count)
    }

    /// A complete HTTP/1.1 response. `close` adds `Connection: close`; `keepAliveForHTTP10` adds
    /// `Connection: keep-alive`, which HTTP/1.0 clients need to keep the connection (ab -k).
    static func write(
        status: Int, location: String? = nil, close: Bool, keepAliveForHTTP10: Bool, headOnly: Bool = false,
        into buffer: inout ByteBuffer
    ) {
        let body = status == 301 ? "" : (status == 302 ? "Found" : body(status))
        buffer.writeString("HTTP/1.1 \(status) \(reason(status))\r\n")
        if let location { buffer.writeString("Location: \(location)\r\n") }
        if !body.isEmpty { buffer.writeString("Content-Type: text/plain; charset=utf-8\r\n") }
        buffer.writeString("Content-Length: \(body.utf8.count)\r\n")
        if close {
            buffer.writeString("Connection: close\r\n")
        } else if keepAliveForHTTP10 {
            buffer.writeString("Connection: keep-alive\r\n")
        }
        buffer.writeString("\r\n")
        if !headOnly { buffer.writeString(body) }
    }
}

import NIOCore

/// What the proxy adds to every forwarded request (spec §5.3, decisions D12, D27).
struct ForwardingFacts {
    /// Client IP without port, rendered once per connection.
    var clientIP: String
    /// `https` on TLS entry points, else `http` (used when the client sent no X-Forwarded-Proto).
    var scheme: String
    /// This machine's hostname, sent as X-Forwarded-Server.
    var serverName: String
}

/// Builds the head sent to the backend from the client's head bytes, copying every kept header line verbatim.
enum RequestHeadRewriter {
    static func write(
        _ head: RequestHead, from raw: UnsafeRawBufferPointer, pathAndQuery: Range<Int>,
        target: UpstreamTarget, passHostHeader: Bool, facts: ForwardingFacts, into out: inout ByteBuffer
    ) {
        out.writeBytes(UnsafeRawBufferPointer(rebasing: raw[head.method]))
        out.writeInteger(UInt8(ascii: " "))
        out.writeBytes(UnsafeRawBufferPointer(rebasing: raw[pathAndQuery]))
        out.writeStaticString(" HTTP/1.1\r\n")
        if !passHostHeader || head.host == nil {
            out.writeStaticString("Host: ")
            out.writeString(target.authority)
            out.writeStaticString("\r\n")
        }
        var forwardedFor: [Range<Int>] = []
        var sawProto = false
        var sawForwardedHost = false
        for line in head.headers {
            switch line.known {
            case .host:
                if !passHostHeader { continue }
            case .connection, .keepAlive, .proxyConnection, .te, .trailer, .proxyAuthenticate, .proxyAuthorization,
                .xForwardedServer:
                continue
            case .upgrade:
                if !head.upgrade { continue }
            case .xForwardedFor:
                forwardedFor.append(line.valueStart..<line.valueEnd)
                continue
            case .xForwardedProto:
                sawProto = true
            case .xForwardedHost:
                sawForwardedHost = true
            case .other:
                if line.namedByConnection { continue }  // D27
            case .contentLength, .transferEncoding, .expect:
                break
            }
            out.writeBytes(UnsafeRawBufferPointer(rebasing: raw[line.lineStart..<line.lineEnd]))
        }
        out.writeStaticString("X-Forwarded-For: ")
        for range in forwardedFor where !range.isEmpty {
            out.writeBytes(UnsafeRawBufferPointer(rebasing: raw[range]))
            out.writeStaticString(", ")
        }
        out.writeString(facts.clientIP)
        out.writeStaticString("\r\n")
        if !sawProto {
            out.writeStaticString("X-Forwarded-Proto: ")
            out.writeString(facts.scheme)
            out.writeStaticString("\r\n")
        }
        if !sawForwardedHost, let host = head.host {
            // D12: always the Host the client sent, whatever passHostHeader says.
            out.writeStaticString("X-Forwarded-Host: ")
            out.writeBytes(UnsafeRawBufferPointer(rebasing: raw[host]))
            out.writeStaticString("\r\n")
        }
        out.writeStaticString("X-Forwarded-Server: ")
        out.writeString(facts.serverName)
        out.writeStaticString("\r\n")
        if head.upgrade { out.writeStaticString("Connection: Upgrade\r\n") }
        out.writeStaticString("\r\n")
    }
}

/// How the response body reaches the client.
enum ResponseBodyMode {
    /// Bytes pass through unchanged (Content-Length or chunked to an HTTP/1.1 client, or no body).
    case passThrough
    /// Chunked from the backend, but the client speaks HTTP/1.0: decode and end by closing.
    case dechunk
}

/// Builds the head sent to the client from the backend's head bytes.
enum ResponseHeadRewriter {
    /// - Returns: whether the body must be de-chunked for an HTTP/1.0 client.
    static func write(
        _ head: ResponseHead, from raw: UnsafeRawBufferPointer, clientMinorVersion: Int, closeClient: Bool,
        switchingProtocols: Bool, into out: inout ByteBuffer
    ) -> ResponseBodyMode {
        let dechunk = clientMinorVersion == 0 && head.framing == .chunked
        // Status line: keep the backend's code and reason, say HTTP/1.1 as Go does.
        let statusLineEnd = head.headers.first?.lineStart ?? (head.headLength - 2)
        out.writeStaticString("HTTP/1.1")
        out.writeBytes(UnsafeRawBufferPointer(rebasing: raw[8..<statusLineEnd]))
        for line in head.headers {
            switch line.known {
            case .connection, .keepAlive, .proxyConnection, .te, .trailer:
                continue
            case .upgrade:
                if !switchingProtocols { continue }
            case .transferEncoding:
                if dechunk { continue }
            case .other:
                if line.namedByConnection { continue }
            default:
                break
            }
            out.writeBytes(UnsafeRawBufferPointer(rebasing: raw[line.lineStart..<line.lineEnd]))
        }
        if switchingProtocols {
            out.writeStaticString("Connection: Upgrade\r\n")
        } else if closeClient || dechunk {
            out.writeStaticString("Connection: close\r\n")
        } else if clientMinorVersion == 0 {
            // NIO-style pitfall: HTTP/1.0 keep-alive clients (ab -k) wait for close without this.
            out.writeStaticString("Connection: keep-alive\r\n")
        }
        out.writeStaticString("\r\n")
        return dechunk ? .dechunk : .passThrough
    }
}

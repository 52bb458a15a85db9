import NIOCore
import NIOHTTP1

/// What the bridge needs to know of an h2 request head before it can frame the request as HTTP/1.1.
struct HTTP2RequestFacts: Sendable, Equatable {
    /// The body length the client declared; its DATA frames then pass through unchanged.
    var contentLength: Int?
    /// `Expect: 100-continue`: the client waits for an answer before sending DATA, so its head
    /// cannot be held back until the first DATA frame shows whether a body follows.
    var expectsContinue: Bool
}

/// Writes the request head of an h2 stream (as `HTTP2FramePayloadToHTTP1ServerCodec` presents it:
/// `:path` as the URI, `:authority` as a `host` header unless the client sent one) as HTTP/1.1
/// bytes for `DownstreamHandler`, which scans them like any client's.
///
/// Everything an h2 client controls ends up inside an HTTP/1.1 head, so anything that could
/// change how that head is framed (line breaks, hop-by-hop headers, a Transfer-Encoding) is
/// rejected or dropped here, whatever the h2 layer validated before (RFC 9113 §8.2).
enum HTTP2RequestTranslation {
    /// Checks that the head can be written as HTTP/1.1 without changing its meaning; `nil` means
    /// the request is malformed (RFC 9113 §8.1.1) and the stream must be reset.
    static func inspect(_ head: HTTPRequestHead) -> HTTP2RequestFacts? {
        guard isToken(head.method.rawValue), isOriginOrAsteriskForm(head.uri) else { return nil }
        var facts = HTTP2RequestFacts(contentLength: nil, expectsContinue: false)
        for (name, value) in head.headers {
            guard isToken(name), !containsLineBreakOrNUL(value) else { return nil }
            if equalsIgnoringCase(name, "content-length") {
                // Several fields must agree; a list or anything but digits has no h2 meaning.
                guard let length = decimalValue(value), facts.contentLength == nil || facts.contentLength == length
                else { return nil }
                facts.contentLength = length
            } else if equalsIgnoringCase(name, "expect") && equalsIgnoringCase(trimmed(value), "100-continue") {
                facts.expectsContinue = true
            }
        }
        return facts
    }

    /// The request line and headers of an inspected head. `chunked` adds the framing the proxy
    /// chose for a body of unknown length; any Transfer-Encoding the head carries (the codec adds
    /// one itself) is dropped, as are the other connection-specific fields (RFC 9113 §8.2.2).
    static func writeHead(_ head: HTTPRequestHead, chunked: Bool, into out: inout ByteBuffer) {
        out.writeString(head.method.rawValue)
        out.writeStaticString(" ")
        out.writeString(head.uri)
        out.writeStaticString(" HTTP/1.1\r\n")
        var wroteCookies = false
        for (name, value) in head.headers {
            switch RequestField(name) {
            case .connectionSpecific:
                continue
            case .te:
                // The one TE an h2 request may carry; it says nothing about this hop's framing.
                guard equalsIgnoringCase(trimmed(value), "trailers") else { continue }
            case .cookie:
                // RFC 9113 §8.2.3: h2 splits cookies into separate fields; HTTP/1.1 wants one line.
                if wroteCookies { continue }
                wroteCookies = true
                writeJoinedCookies(head.headers, into: &out)
                continue
            case .other:
                break
            }
            out.writeString(name)
            out.writeStaticString(": ")
            out.writeString(value)
            out.writeStaticString("\r\n")
        }
        if chunked { out.writeStaticString("transfer-encoding: chunked\r\n") }
        out.writeStaticString("\r\n")
    }

    /// One chunk of a chunked body: `size CRLF data CRLF`. `data` must not be empty (that would
    /// be the last chunk).
    static func writeChunk(_ data: ByteBuffer, into out: inout ByteBuffer) {
        out.writeString(String(data.readableBytes, radix: 16))
        out.writeStaticString("\r\n")
        out.writeImmutableBuffer(data)
        out.writeStaticString("\r\n")
    }

    /// The last chunk and the empty trailer section that end a chunked body.
    static func writeLastChunk(into out: inout ByteBuffer) {
        out.writeStaticString("0\r\n\r\n")
    }

    private enum RequestField {
        case connectionSpecific, te, cookie, other

        init(_ name: String) {
            if equalsIgnoringCase(name, "cookie") {
                self = .cookie
            } else if equalsIgnoringCase(name, "te") {
                self = .te
            } else if equalsIgnoringCase(name, "connection") || equalsIgnoringCase(name, "keep-alive")
                || equalsIgnoringCase(name, "proxy-connection") || equalsIgnoringCase(name, "transfer-encoding")
                || equalsIgnoringCase(name, "upgrade")
            {
                self = .connectionSpecific
            } else {
                self = .other
            }
        }
    }

    private static func writeJoinedCookies(_ headers: HTTPHeaders, into out: inout ByteBuffer) {
        out.writeStaticString("cookie: ")
        var first = true
        for (name, value) in headers where equalsIgnoringCase(name, "cookie") {
            if !first { out.writeStaticString("; ") }
            first = false
            out.writeString(value)
        }
        out.writeStaticString("\r\n")
    }

    // MARK: - ASCII checks on Strings

    private static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(HTTP1Bytes.isToken)
    }

    /// `:path` must be origin-form or `*` in h2 (RFC 9113 §8.3.1); an absolute-form target would
    /// let the request name a host other than its `:authority`. No spaces or controls either: the
    /// target sits between two spaces in the request line.
    private static func isOriginOrAsteriskForm(_ uri: String) -> Bool {
        guard let first = uri.utf8.first, first == HTTP1Bytes.slash || uri == "*" else { return false }
        return !uri.utf8.contains { $0 <= HTTP1Bytes.space || $0 == 0x7F }
    }

    /// RFC 9113 §8.2.1: these would end the HTTP/1.1 header line early and inject lines of their own.
    private static func containsLineBreakOrNUL(_ value: String) -> Bool {
        value.utf8.contains { $0 == HTTP1Bytes.cr || $0 == HTTP1Bytes.lf || $0 == 0 }
    }

    private static func equalsIgnoringCase(_ text: some StringProtocol, _ lowercaseLiteral: StaticString) -> Bool {
        guard text.utf8.count == lowercaseLiteral.utf8CodeUnitCount else { return false }
        let literal = lowercaseLiteral.utf8Start
        var offset = 0
        for byte in text.utf8 {
            if HTTP1Bytes.lowercased(byte) != literal[offset] { return false }
            offset += 1
        }
        return true
    }

    private static func trimmed(_ value: String) -> Substring {
        let bytes = value.utf8
        guard let start = bytes.firstIndex(where: { !HTTP1Bytes.isWhitespace($0) }),
            let last = bytes.lastIndex(where: { !HTTP1Bytes.isWhitespace($0) })
        else { return "" }
        return value[start...last]
    }

    /// Non-empty digits that fit an `Int`.
    private static func decimalValue(_ value: String) -> Int? {
        let digits = trimmed(value).utf8
        guard !digits.isEmpty else { return nil }
        var result = 0
        for byte in digits {
            guard HTTP1Bytes.isDigit(byte) else { return nil }
            let (shifted, overflowA) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = shifted.addingReportingOverflow(Int(byte &- 0x30))
            guard !overflowA, !overflowB else { return nil }
            result = sum
        }
        return result
    }
}

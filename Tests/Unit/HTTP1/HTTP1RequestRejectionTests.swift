import Testing

@testable import ProxyServer

@Suite("HTTP/1 request scanning: rejections")
struct HTTP1RequestRejectionTests {
    typealias Support = WireTestSupport

    static func request(headers: String) -> String { "POST / HTTP/1.1\r\nHost: a\r\n\(headers)\r\n\r\n" }

    @Test(arguments: [
        "GET /\r\nHost: a\r\n\r\n",  // HTTP/0.9 style, no version
        "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",  // two spaces
        "GET / HTTP/1.1 \r\nHost: a\r\n\r\n",  // trailing space
        " / HTTP/1.1\r\nHost: a\r\n\r\n",  // empty method
        "G(T / HTTP/1.1\r\nHost: a\r\n\r\n",  // non-token method
        "GET /a\u{1}b HTTP/1.1\r\nHost: a\r\n\r\n",  // control in target
        "GET /a\u{7F} HTTP/1.1\r\nHost: a\r\n\r\n",  // DEL in target
        "GET / http/1.1\r\nHost: a\r\n\r\n",  // version name is case-sensitive
        "GET / HTTP/1.10\r\nHost: a\r\n\r\n",
        "GET / HTTP/11\r\nHost: a\r\n\r\n",
        "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n",
    ])
    func rejectsMalformedRequestLines(_ text: String) {
        #expect(Support.requestError(text)?.status == 400)
    }

    @Test(arguments: [
        "GET / HTTP/1.2\r\nHost: a\r\n\r\n", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", "GET / HTTP/0.9\r\nHost: a\r\n\r\n",
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    ])
    func rejectsOtherVersions(_ text: String) {
        #expect(Support.requestError(text) == .unsupportedVersion)
        #expect(HeadError.unsupportedVersion.status == 505)
    }

    @Test(arguments: [
        ("GET * HTTP/1.1\r\nHost: a\r\n\r\n", "asterisk-form target is only allowed with OPTIONS"),
        ("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", "CONNECT is not supported"),
        ("CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n", "CONNECT is not supported"),
        ("GET example.com:80 HTTP/1.1\r\nHost: a\r\n\r\n", "unsupported request-target form"),
        ("GET ftp://example.com/ HTTP/1.1\r\nHost: a\r\n\r\n", "unsupported request-target form"),
        ("GET http:// HTTP/1.1\r\nHost: a\r\n\r\n", "invalid authority in absolute-form target"),
        ("GET http://user@host/ HTTP/1.1\r\nHost: a\r\n\r\n", "invalid authority in absolute-form target"),
    ])
    func rejectsTargetForms(_ text: String, _ reason: String) {
        #expect(Support.requestError(text) == .malformed(reason))
    }

    @Test func requestLineLimitIsEnforcedBeforeTheLineEnds() {
        let limits = HTTPHeadLimits(maxRequestLine: 16)
        #expect(Support.requestError("GET /123 HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits) == .requestLineTooLong)
        // No CRLF yet, but 18 bytes without a LF cannot become a line of at most 16.
        #expect(Support.requestError("GET /aaaaaaaaaaaaa", limits: limits) == .requestLineTooLong)
        #expect(Support.scanRequest("GET /aaaaaaaaaaaa", limits: limits) == .incomplete)
        #expect(Support.scanRequest("GET /12 HTTP/1.1\r", limits: limits) == .incomplete)
        // Empty lines before the request line count towards the limit.
        #expect(Support.requestError("\r\nGET /12 HTTP/1.1\r\n\r\n", limits: limits) == .requestLineTooLong)
        #expect(HeadError.requestLineTooLong.status == 414)
    }

    @Test func headerByteLimitIsEnforcedBeforeTheHeadEnds() {
        let limits = HTTPHeadLimits(maxHeaderBytes: 20)
        let start = "GET / HTTP/1.1\r\n"
        #expect(Support.requestError(start + "Host: a\r\nX-Long: 12345\r\n\r\n", limits: limits) == .headersTooLarge)
        #expect(Support.requestHead(start + "Host: a\r\nX-Lo: 1\r\n\r\n", limits: limits) != nil)
        // 20 header bytes without the end of the head: it cannot end within the limit any more.
        #expect(Support.requestError(start + "Host: a\r\nX-Long: 123", limits: limits) == .headersTooLarge)
        #expect(Support.scanRequest(start + "Host: a\r\nX-Long: 12", limits: limits) == .incomplete)
        #expect(HeadError.headersTooLarge.status == 431)
    }

    @Test func headerCountLimitIsEnforcedBeforeTheHeadEnds() {
        let limits = HTTPHeadLimits(maxHeaderCount: 2)
        let start = "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\n"
        #expect(Support.requestHead(start + "\r\n", limits: limits) != nil)
        #expect(Support.requestError(start + "B: 2\r\n\r\n", limits: limits) == .headersTooLarge)
        // The third header line has only started.
        #expect(Support.requestError(start + "B", limits: limits) == .headersTooLarge)
        #expect(Support.scanRequest(start + "\r", limits: limits) == .incomplete)
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\nHost: a\r\n\r\n", "line ends with a bare LF"),
        ("GET / HTTP/1.1\r\nHost: a\n\r\n", "line ends with a bare LF"),
        ("GET / HTTP/1.1\r\nHost: a\r\n\n", "line ends with a bare LF"),
        ("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", "line ends with a bare LF"),
        ("GET / HTTP/1.1\r\nHost: a\r\n\rX", "CR without LF"),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n 2\r\n\r\n", "obsolete line folding"),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n\t2\r\n\r\n", "obsolete line folding"),
        ("GET / HTTP/1.1\r\n Host: a\r\n\r\n", "obsolete line folding"),
        ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", "whitespace before colon"),
        ("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", "whitespace before colon"),
        ("GET / HTTP/1.1\r\nHost: a\r\n: empty\r\n\r\n", "empty header name"),
        ("GET / HTTP/1.1\r\nHost: a\r\nX(y): 1\r\n\r\n", "invalid header name"),
        ("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", "invalid header name"),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\u{0}2\r\n\r\n", "control character in header value"),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r2\r\n\r\n", "control character in header value"),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\u{7F}\r\n\r\n", "control character in header value"),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: 12345678901234\u{1B}\r\n\r\n", "control character in header value"),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1234\u{1B}67890123456\r\n\r\n", "control character in header value"),
    ])
    func rejectsMalformedHeaderLines(_ text: String, _ reason: String) {
        #expect(Support.requestError(text) == .malformed(reason))
    }

    @Test(arguments: [
        "Content-Length: +5", "Content-Length: -5", "Content-Length: 5a", "Content-Length:", "Content-Length: 0x5",
        "Content-Length: 5 5", "Content-Length: 5,,5", "Content-Length: 99999999999999999999",
        "Content-Length: 9223372036854775808",
    ])
    func rejectsInvalidContentLength(_ header: String) {
        #expect(Support.requestError(Self.request(headers: header)) == .malformed("invalid Content-Length"))
    }

    @Test(arguments: ["Content-Length: 5\r\nContent-Length: 6", "Content-Length: 5, 6", "Content-Length: 5, 05, 6"])
    func rejectsConflictingContentLengths(_ headers: String) {
        #expect(Support.requestError(Self.request(headers: headers)) == .malformed("conflicting Content-Length values"))
    }

    @Test func acceptsTheLargestContentLength() {
        let head = Support.requestHead(Self.request(headers: "Content-Length: 9223372036854775807"))
        #expect(head?.framing == .contentLength(Int.max))
    }

    @Test(arguments: [
        "Transfer-Encoding: chunked\r\nContent-Length: 5", "Content-Length: 5\r\nTransfer-Encoding: chunked",
    ])
    func rejectsTransferEncodingWithContentLength(_ headers: String) {
        #expect(Support.requestError(Self.request(headers: headers)) == .malformed("both Transfer-Encoding and Content-Length"))
    }

    @Test(arguments: ["gzip", "chunked, gzip", "identity", "chunked\r\nTransfer-Encoding: gzip"])
    func finalCodingOtherThanChunkedIsUnsupported(_ codings: String) {
        #expect(Support.requestError(Self.request(headers: "Transfer-Encoding: \(codings)")) == .unsupportedTransferEncoding)
        #expect(HeadError.unsupportedTransferEncoding.status == 501)
    }

    @Test(arguments: [
        ("Transfer-Encoding: chunked, chunked", "chunked applied more than once"),
        ("Transfer-Encoding: ,", "empty Transfer-Encoding"),
        ("Transfer-Encoding:", "empty Transfer-Encoding"),
        ("Transfer-Encoding: chunked;x=1", "invalid Transfer-Encoding"),
        ("Transfer-Encoding: chun ked", "invalid Transfer-Encoding"),
        ("Transfer-Encoding: \"chunked\"", "invalid Transfer-Encoding"),
    ])
    func rejectsInvalidTransferEncoding(_ header: String, _ reason: String) {
        #expect(Support.requestError(Self.request(headers: header)) == .malformed(reason))
    }

    @Test func rejectsTransferEncodingInHTTP10() {
        let text = "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(Support.requestError(text) == .malformed("Transfer-Encoding in an HTTP/1.0 request"))
    }

    @Test func hostRules() {
        #expect(Support.requestError("GET / HTTP/1.1\r\n\r\n") == .malformed("missing Host header"))
        #expect(Support.requestError("GET http://a/ HTTP/1.1\r\n\r\n") == .malformed("missing Host header"))
        #expect(Support.requestError("GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n") == .malformed("more than one Host header"))
        #expect(Support.requestError("GET / HTTP/1.0\r\nHost: a\r\nHOST: b\r\n\r\n") == .malformed("more than one Host header"))
        for host in ["a b", "a/b", "user@a", "a\u{E9}"] {
            #expect(Support.requestError("GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n") == .malformed("invalid Host header"))
        }
        #expect(HeadError.malformed("x").status == 400)
    }
}

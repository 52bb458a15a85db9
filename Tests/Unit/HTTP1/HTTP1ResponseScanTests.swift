import Testing

@testable import ProxyServer

@Suite("HTTP/1 response scanning")
struct HTTP1ResponseScanTests {
    typealias Support = WireTestSupport

    @Test func contentLengthResponse() throws {
        let text = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi"
        let head = try #require(Support.responseHead(text))
        #expect(head.status == 200)
        #expect(head.minorVersion == 1)
        #expect(head.framing == .contentLength(2))
        #expect(head.keepAlive)
        #expect(head.headLength == text.utf8.count - 2)
        #expect(head.headers.map(\.known) == [.other, .contentLength])
    }

    @Test func chunkedResponse() {
        let head = Support.responseHead("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n")
        #expect(head?.framing == .chunked)
        #expect(head?.keepAlive == true)
    }

    @Test func responseWithoutLengthIsReadUntilClose() {
        let head = Support.responseHead("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\n")
        #expect(head?.framing == .untilClose)
        #expect(head?.keepAlive == false)
    }

    @Test(arguments: [
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
        "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
    ])
    func transferEncodingWithoutFinalChunkedIsReadUntilClose(_ text: String) {
        let head = Support.responseHead(text)
        #expect(head?.framing == .untilClose)
        #expect(head?.keepAlive == false)
    }

    @Test(arguments: [204, 304, 100, 101, 199])
    func statusesWithoutBody(_ status: Int) {
        let text = "HTTP/1.1 \(status) Whatever\r\nContent-Length: 10\r\n\r\n"
        let head = Support.responseHead(text)
        #expect(head?.status == status)
        #expect(head?.framing == BodyFraming.none)
        #expect(head?.keepAlive == true)
    }

    @Test func responseToHEADHasNoBody() {
        let chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(Support.responseHead(chunked, requestWasHEAD: true)?.framing == BodyFraming.none)
        let length = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
        #expect(Support.responseHead(length, requestWasHEAD: true)?.framing == BodyFraming.none)
        #expect(Support.responseHead("HTTP/1.1 200 OK\r\n\r\n", requestWasHEAD: true)?.keepAlive == true)
    }

    @Test func interimResponseIsFollowedByTheFinalOne() throws {
        let interim = "HTTP/1.1 100 Continue\r\n\r\n"
        let final = "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
        let head = try #require(Support.responseHead(interim + final))
        #expect(head.status == 100)
        #expect(head.headLength == interim.utf8.count)
        let bytes = Array((interim + final).utf8)
        let next = bytes[head.headLength...].withUnsafeBytes {
            HTTP1Scanner.scanResponse($0, requestWasHEAD: false, limits: HTTPHeadLimits())
        }
        guard case .complete(let finalHead) = next else {
            Issue.record("final response not complete: \(next)")
            return
        }
        #expect(finalHead.status == 201)
        #expect(finalHead.framing == .contentLength(0))
    }

    @Test func keepAliveFollowsVersionAndConnection() {
        #expect(Support.responseHead("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")?.keepAlive == false)
        let http10KeepAlive = "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"
        #expect(Support.responseHead(http10KeepAlive)?.keepAlive == true)
        #expect(Support.responseHead(http10KeepAlive)?.minorVersion == 0)
        let close = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
        #expect(Support.responseHead(close)?.keepAlive == false)
    }

    @Test func connectionTokensOfResponses() throws {
        let text = "HTTP/1.1 200 OK\r\nConnection: X-Hop\r\nX-Hop: 1\r\nContent-Length: 0\r\n\r\n"
        let head = try #require(Support.responseHead(text))
        #expect(head.connectionTokens.map { Support.slice(text, $0) } == ["X-Hop"])
        #expect(head.headers.map(\.namedByConnection) == [false, true, false])
    }

    @Test(arguments: ["HTTP/1.1 200\r\n\r\n", "HTTP/1.1 200 \r\n\r\n", "HTTP/1.1 599 Odd\tReason \u{E9}\r\n\r\n"])
    func lenientReasonPhrase(_ text: String) {
        #expect(Support.responseHead(text) != nil)
    }

    @Test(arguments: [
        ("HTTP/1.1 099 Low\r\n\r\n", HeadError.malformed("invalid status code")),
        ("HTTP/1.1 20 OK\r\n\r\n", .malformed("invalid status code")),
        ("HTTP/1.1 2000 OK\r\n\r\n", .malformed("invalid reason phrase")),
        ("HTTP/1.1 200 O\u{1}K\r\n\r\n", .malformed("invalid reason phrase")),
        ("HTTP/1.1  200 OK\r\n\r\n", .malformed("invalid status code")),
        ("HTTP/1.1\r\n\r\n", .malformed("invalid status line")),
        ("http/1.1 200 OK\r\n\r\n", .malformed("invalid status line")),
        ("HTTP/2.0 200 OK\r\n\r\n", .unsupportedVersion),
        ("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", .malformed("line ends with a bare LF")),
        ("HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n", .malformed("obsolete line folding")),
        (
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
            .malformed("both Transfer-Encoding and Content-Length")
        ),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", .malformed("conflicting Content-Length values")),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", .malformed("chunked applied more than once")),
    ])
    func rejectsInvalidResponses(_ text: String, _ error: HeadError) {
        #expect(Support.responseError(text) == error)
    }

    @Test func statusLineLimit() {
        let limits = HTTPHeadLimits(maxRequestLine: 12)
        let tooLong = Array("HTTP/1.1 200 OK!".utf8).withUnsafeBytes {
            HTTP1Scanner.scanResponse($0, requestWasHEAD: false, limits: limits)
        }
        #expect(tooLong == .invalid(.requestLineTooLong))
        #expect(Support.scanResponse("HTTP/1.1 200 OK\r\nContent-Le") == .incomplete)
    }
}

import Testing

@testable import ProxyServer

@Suite("HTTP/1 request scanning: valid requests")
struct HTTP1RequestScanTests {
    typealias Support = WireTestSupport

    @Test func simpleGETRecordsOffsetsOnly() throws {
        let text = "GET /index.html?x=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent:  curl/8 \r\nAccept:\r\n\r\n"
        let head = try #require(Support.requestHead(text))
        #expect(Support.slice(text, head.method) == "GET")
        #expect(Support.slice(text, head.target) == "/index.html?x=1")
        #expect(head.minorVersion == 1)
        #expect(head.headLength == text.utf8.count)
        #expect(head.framing == .none)
        #expect(Support.slice(text, head.host) == "example.com")
        #expect(head.keepAlive)
        #expect(!head.upgrade && !head.expectContinue && !head.isHEAD)
        #expect(head.connectionTokens.isEmpty)
        #expect(head.headers.map(\.known) == [.host, .other, .other])
        let agent = head.headers[1]
        #expect(Support.slice(text, agent.name) == "User-Agent")
        #expect(Support.slice(text, agent.value) == "curl/8")
        #expect(Support.slice(text, agent.lineStart..<agent.lineEnd) == "User-Agent:  curl/8 \r\n")
        #expect(head.headers[2].value.isEmpty)
        #expect(head.headers[2].lineEnd == head.headLength - 2)
    }

    @Test func postWithContentLengthStopsBeforeTheBody() throws {
        let text = "POST /submit HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
        let head = try #require(Support.requestHead(text))
        #expect(head.framing == .contentLength(5))
        #expect(head.headLength == text.utf8.count - 5)
        #expect(head.headers[1].known == .contentLength)
    }

    @Test(arguments: [
        "Content-Length: 0", "Content-Length: 007", "Content-Length: 7, 7", "Content-Length: 7\r\nContent-Length: 7",
    ])
    func acceptsConsistentContentLengths(_ header: String) throws {
        let head = try #require(Support.requestHead("POST / HTTP/1.1\r\nHost: a\r\n\(header)\r\n\r\n"))
        #expect(head.framing == .contentLength(header.hasSuffix("0") ? 0 : 7))
    }

    @Test(arguments: ["chunked", "CHUNKED", "gzip, chunked", "gzip\r\nTransfer-Encoding: chunked", " chunked ,"])
    func chunkedAsFinalCodingIsChunkedFraming(_ codings: String) throws {
        let head = try #require(Support.requestHead("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \(codings)\r\n\r\n"))
        #expect(head.framing == .chunked)
        #expect(head.headers.contains { $0.known == .transferEncoding })
    }

    @Test func http10WithoutHostClosesByDefault() throws {
        let head = try #require(Support.requestHead("GET / HTTP/1.0\r\n\r\n"))
        #expect(head.minorVersion == 0)
        #expect(head.host == nil)
        #expect(!head.keepAlive)
        #expect(head.headers.isEmpty)
    }

    @Test func keepAliveFollowsVersionAndConnection() {
        #expect(Support.requestHead("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")?.keepAlive == true)
        #expect(Support.requestHead("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n")?.keepAlive == false)
        #expect(Support.requestHead("GET / HTTP/1.1\r\nHost: a\r\nConnection: CLOSE\r\n\r\n")?.keepAlive == false)
        #expect(Support.requestHead("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n\r\n")?.keepAlive == true)
    }

    @Test func absoluteFormTakesTheHostFromTheTarget() throws {
        let text = "GET http://Backend.example:8080/a/b?q=1 HTTP/1.1\r\nHost: ignored.example\r\n\r\n"
        let head = try #require(Support.requestHead(text))
        #expect(Support.slice(text, head.host) == "Backend.example:8080")
        let parts = Array(text.utf8).withUnsafeBytes { RequestTarget.split($0, target: head.target) }
        #expect(Support.slice(text, parts.pathBytes) == "/a/b")
        #expect(Support.slice(text, parts.query) == "q=1")
        #expect(Support.slice(text, parts.absoluteHost) == "Backend.example:8080")
    }

    @Test func asteriskFormWithOptions() throws {
        let head = try #require(Support.requestHead("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(head.target.count == 1)
    }

    @Test func pipelinedRequestsAreScannedOneAfterTheOther() throws {
        let first = "POST /one HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
        let second = "GET /two HTTP/1.1\r\nHost: b\r\n\r\n"
        let bytes = Array((first + second).utf8)
        let firstHead = try #require(Support.requestHead(first + second))
        #expect(firstHead.headLength == first.utf8.count - 3)
        let secondStart = firstHead.headLength + 3
        let secondScan = bytes[secondStart...].withUnsafeBytes {
            HTTP1Scanner.scanRequest($0, limits: HTTPHeadLimits())
        }
        guard case .complete(let secondHead) = secondScan else {
            Issue.record("second request not complete: \(secondScan)")
            return
        }
        #expect(Support.slice(second, secondHead.target) == "/two")
        #expect(secondHead.headLength == second.utf8.count)
    }

    @Test func emptyLinesBeforeTheRequestLineAreSkipped() throws {
        let text = "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"
        let head = try #require(Support.requestHead(text))
        #expect(head.method == 4..<7)
        #expect(head.headLength == text.utf8.count)
    }

    @Test func upgradeNeedsTheConnectionTokenAndTheHeader() {
        let upgrade = "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n"
        #expect(Support.requestHead(upgrade)?.upgrade == true)
        #expect(Support.requestHead("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n")?.upgrade == false)
        #expect(Support.requestHead("GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\n\r\n")?.upgrade == false)
        let http10 = "GET / HTTP/1.0\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n"
        #expect(Support.requestHead(http10)?.upgrade == false)
    }

    @Test func expectContinueOnlyForHTTP11() {
        let body = "Content-Length: 4\r\nExpect: 100-Continue\r\n\r\n"
        #expect(Support.requestHead("PUT / HTTP/1.1\r\nHost: a\r\n" + body)?.expectContinue == true)
        #expect(Support.requestHead("PUT / HTTP/1.0\r\n" + body)?.expectContinue == false)
        #expect(Support.requestHead("PUT / HTTP/1.1\r\nHost: a\r\nExpect: other\r\n\r\n")?.expectContinue == false)
    }

    @Test func connectionTokensNameHopByHopHeadersButNeverFramingOnes() throws {
        let text =
            "POST / HTTP/1.1\r\nConnection: keep-alive, X-Secret, content-length, Host, bad token\r\nHost: a\r\n"
            + "x-secret: 1\r\nContent-Length: 2\r\nX-Other: 2\r\nConnection: TE\r\nTE: trailers\r\n\r\nab"
        let head = try #require(Support.requestHead(text))
        #expect(head.connectionTokens.map { Support.slice(text, $0) } == ["X-Secret", "TE"])
        let flagged = head.headers.filter(\.namedByConnection).map { Support.slice(text, $0.name) }
        #expect(flagged == ["x-secret", "TE"])
        #expect(head.framing == .contentLength(2))
        #expect(head.keepAlive)
    }

    @Test func headIsRecognisedCaseSensitively() {
        #expect(Support.requestHead("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n")?.isHEAD == true)
        #expect(Support.requestHead("head / HTTP/1.1\r\nHost: a\r\n\r\n")?.isHEAD == false)
    }

    @Test(arguments: ["M-SEARCH", "PURGE", "get"])
    func anyTokenIsAMethod(_ method: String) {
        #expect(Support.requestHead("\(method) / HTTP/1.1\r\nHost: a\r\n\r\n") != nil)
    }

    @Test(arguments: ["", "[::1]:80", "xn--bcher-kva.example", "10.0.0.1:8080"])
    func acceptsHostValues(_ host: String) throws {
        let text = "GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n"
        let head = try #require(Support.requestHead(text))
        #expect(Support.slice(text, head.host) == host)
    }

    @Test func valuesMayHoldTabsAndNonASCIIBytes() throws {
        let text = "GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\u{E9}\tau lait\r\n\r\n"
        let head = try #require(Support.requestHead(text))
        #expect(Support.slice(text, head.headers[1].value) == "caf\u{E9}\tau lait")
    }

    @Test func limitsAreInclusive() {
        let limits = HTTPHeadLimits(maxRequestLine: 16, maxHeaderBytes: 11, maxHeaderCount: 1)
        // "GET /12 HTTP/1.1" is 16 bytes; "Host: a\r\n" + "\r\n" is 11.
        #expect(Support.requestHead("GET /12 HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits) != nil)
    }
}

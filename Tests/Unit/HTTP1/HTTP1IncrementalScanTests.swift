import Testing

@testable import ProxyServer

@Suite("HTTP/1 head scanning on partial input")
struct HTTP1IncrementalScanTests {
    typealias Support = WireTestSupport

    static let validRequests = [
        "GET /index.html HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n",
        "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n",
        "\r\nGET http://a:81/x?y HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    ]

    /// Heads with one defect each; scanning them whole and byte by byte must agree.
    static let invalidRequests = [
        "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n folded\r\n\r\n",
        "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
        "GET / HTTP/2.0\r\nHost: a\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
        "GET / HTTP/1.1\r\nX: 1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\nX: 1\r\n\r\n",
        "GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: "X-Filler: 0123456789\r\n", count: 90) + "\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "b", count: 17000) + "\r\n\r\n",
    ]

    @Test(arguments: validRequests)
    func everyPrefixOfAValidHeadIsIncomplete(_ text: String) {
        let bytes = Array(text.utf8)
        for length in 0..<bytes.count {
            let scan = bytes[0..<length].withUnsafeBytes { HTTP1Scanner.scanRequest($0, limits: HTTPHeadLimits()) }
            #expect(scan == .incomplete, "prefix of \(length) bytes")
        }
    }

    @Test(arguments: validRequests + invalidRequests)
    func drippedBytesGiveTheSameResultAsTheWholeHead(_ text: String) {
        let (dripped, length) = Support.dripRequest(text)
        #expect(dripped == Support.scanRequest(text))
        // A valid head completes with its last byte; a defect is reported no later than the
        // line after it.
        if case .complete(let head) = dripped { #expect(length == head.headLength) }
    }

    @Test func resumeStateIsResetAfterAResult() {
        var resume = HeadScanResume()
        let partial = Array("GET / HTTP/1.1\r\nHo".utf8)
        _ = partial.withUnsafeBytes { HTTP1Scanner.scanRequest($0, limits: HTTPHeadLimits(), resume: &resume) }
        #expect(resume.isPaused)
        let whole = Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        let result = whole.withUnsafeBytes { HTTP1Scanner.scanRequest($0, limits: HTTPHeadLimits(), resume: &resume) }
        #expect(Support.requestHead("GET / HTTP/1.1\r\nHost: a\r\n\r\n").map { HeadScan.complete($0) } == result)
        #expect(resume == HeadScanResume())
    }

    @Test func resumeStateAppliesTheLimitsWithoutANewLine() {
        let limits = HTTPHeadLimits(maxHeaderBytes: 32, maxHeaderCount: 1)
        var resume = HeadScanResume()
        func scan(_ text: String) -> HeadScan<RequestHead> {
            Array(text.utf8).withUnsafeBytes { HTTP1Scanner.scanRequest($0, limits: limits, resume: &resume) }
        }
        #expect(scan("GET / HTTP/1.1\r\nHost: a\r\n") == .incomplete)
        // A second header line may not even start once the count limit is reached.
        #expect(scan("GET / HTTP/1.1\r\nHost: a\r\nX") == .invalid(.headersTooLarge))
        #expect(scan("GET / HTTP/1.1\r\nX-Long: 0123456789") == .incomplete)
        // 31 header bytes could still end within 32; 32 without the final CRLF cannot.
        #expect(scan("GET / HTTP/1.1\r\nX-Long: 01234567890123456789012") == .incomplete)
        #expect(scan("GET / HTTP/1.1\r\nX-Long: 012345678901234567890123") == .invalid(.headersTooLarge))
    }

    @Test func responsesResumeToo() {
        var resume = HeadScanResume()
        let text = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
        let bytes = Array(text.utf8)
        var completedAt: Int?
        for length in 1...bytes.count where completedAt == nil {
            let scan = bytes[0..<length].withUnsafeBytes {
                HTTP1Scanner.scanResponse($0, requestWasHEAD: false, limits: HTTPHeadLimits(), resume: &resume)
            }
            if case .complete(let head) = scan {
                #expect(head.framing == .contentLength(3))
                completedAt = length
            }
        }
        #expect(completedAt == bytes.count - 3)
    }
}

import NIOHTTP1
import Testing

@testable import ProxyServer

@Suite("HTTP/2 bridge: requests as HTTP/1.1 bytes")
struct HTTP2BridgeRequestTests {
    @Test func getWithoutBodyTakesHostFromAuthority() throws {
        let harness = try BridgeHarness()
        try harness.receiveRequest(path: "/a/b?c=d", authority: "example.com:8443", [("accept", "*/*")], endStream: true)
        #expect(harness.downstream.received == "GET /a/b?c=d HTTP/1.1\r\nhost: example.com:8443\r\naccept: */*\r\n\r\n")
        #expect(harness.downstream.readCount == 1)
        #expect(harness.channel.isActive)
    }

    @Test func aHostFieldTheClientSentWins() throws {
        // The codec only derives host from :authority when the client sent no host field.
        let harness = try BridgeHarness()
        try harness.receiveRequest(authority: "a.example", [("host", "b.example")], endStream: true)
        #expect(harness.downstream.received == "GET / HTTP/1.1\r\nhost: b.example\r\n\r\n")
    }

    @Test func headIsHeldUntilTheStreamShowsThereIsNoBody() throws {
        let harness = try BridgeHarness()
        try harness.receiveRequest(endStream: false)
        #expect(harness.downstream.received == "")
        try harness.receiveData("", endStream: true)
        #expect(harness.downstream.received == "GET / HTTP/1.1\r\nhost: example.com\r\n\r\n")
    }

    @Test func postWithContentLengthPassesDataUnchanged() throws {
        let harness = try BridgeHarness()
        try harness.receiveRequest(method: "POST", path: "/up", [("content-length", "11")], endStream: false)
        // Not held: the length already frames the body.
        #expect(harness.downstream.received == "POST /up HTTP/1.1\r\nhost: example.com\r\ncontent-length: 11\r\n\r\n")
        try harness.receiveData("hello ")
        try harness.receiveData("world", endStream: true)
        #expect(
            harness.downstream.received
                == "POST /up HTTP/1.1\r\nhost: example.com\r\ncontent-length: 11\r\n\r\nhello world")
        #expect(harness.channel.isActive)
    }

    @Test func postEndingWithItsHeadersGetsContentLengthZero() throws {
        let harness = try BridgeHarness()
        try harness.receiveRequest(method: "POST", endStream: true)
        #expect(harness.downstream.received == "POST / HTTP/1.1\r\nhost: example.com\r\ncontent-length: 0\r\n\r\n")
    }

    @Test func postWithoutLengthIsChunked() throws {
        let harness = try BridgeHarness()
        try harness.receiveRequest(method: "POST", path: "/up", [("content-type", "text/plain")], endStream: false)
        #expect(harness.downstream.received == "")
        try harness.receiveData("hello")
        try harness.receiveData("")
        try harness.receiveData("0123456789abcdefg", endStream: true)
        #expect(
            harness.downstream.received
                == "POST /up HTTP/1.1\r\nhost: example.com\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n11\r\n0123456789abcdefg\r\n0\r\n\r\n")
    }

    @Test func chunkedBodyEndingWithAnEmptyDataFrame() throws {
        let harness = try BridgeHarness()
        try harness.receiveRequest(method: "PUT", endStream: false)
        try harness.receiveData("abc")
        try harness.receiveData("", endStream: true)
        #expect(
            harness.downstream.received
                == "PUT / HTTP/1.1\r\nhost: example.com\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
    }

    @Test func getWithABodyIsChunkedToo() throws {
        let harness = try BridgeHarness()
        try harness.receiveRequest(endStream: false)
        try harness.receiveData("xy", endStream: true)
        #expect(
            harness.downstream.received
                == "GET / HTTP/1.1\r\nhost: example.com\r\ntransfer-encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n")
    }

    @Test func trailersAreDropped() throws {
        let harness = try BridgeHarness()
        try harness.receiveRequest(method: "POST", endStream: false)
        try harness.receiveData("ab")
        try harness.receiveHeaders([("x-checksum", "1")], endStream: true)
        #expect(harness.downstream.received.hasSuffix("\r\n\r\n2\r\nab\r\n0\r\n\r\n"))
        #expect(!harness.downstream.received.contains("x-checksum"))
    }

    @Test func expectContinueWithoutLengthIsForwardedAtOnce() throws {
        // The client waits for 100 Continue before sending DATA: holding the head would stall it.
        let harness = try BridgeHarness()
        try harness.receiveRequest(method: "POST", [("expect", "100-continue")], endStream: false)
        #expect(
            harness.downstream.received
                == "POST / HTTP/1.1\r\nhost: example.com\r\nexpect: 100-continue\r\ntransfer-encoding: chunked\r\n\r\n")
        try harness.receiveData("z", endStream: true)
        #expect(harness.downstream.received.hasSuffix("\r\n\r\n1\r\nz\r\n0\r\n\r\n"))
    }

    @Test func cookiesAreJoinedIntoOneLine() throws {
        let harness = try BridgeHarness()
        try harness.receiveRequest(
            [("cookie", "a=1"), ("x-one", "1"), ("cookie", "b=2"), ("cookie", "c=3"), ("x-two", "2")], endStream: true)
        #expect(
            harness.downstream.received
                == "GET / HTTP/1.1\r\nhost: example.com\r\ncookie: a=1; b=2; c=3\r\nx-one: 1\r\nx-two: 2\r\n\r\n")
    }

    @Test func connectionSpecificFieldsAreDropped() throws {
        let harness = try BridgeHarness()
        try harness.receiveRequest(
            [
                ("connection", "close"), ("keep-alive", "timeout=5"), ("proxy-connection", "keep-alive"),
                ("transfer-encoding", "chunked"), ("upgrade", "websocket"), ("te", "gzip"), ("x-kept", "yes"),
            ], endStream: true)
        #expect(harness.downstream.received == "GET / HTTP/1.1\r\nhost: example.com\r\nx-kept: yes\r\n\r\n")
    }

    @Test func teTrailersIsKept() throws {
        let harness = try BridgeHarness()
        try harness.receiveRequest([("te", "trailers")], endStream: true)
        #expect(harness.downstream.received == "GET / HTTP/1.1\r\nhost: example.com\r\nte: trailers\r\n\r\n")
    }

    @Test func aSmuggledTransferEncodingDoesNotFrameAContentLengthBody() throws {
        let harness = try BridgeHarness()
        try harness.receiveRequest(
            method: "POST", [("content-length", "3"), ("transfer-encoding", "chunked")], endStream: false)
        try harness.receiveData("abc", endStream: true)
        #expect(harness.downstream.received == "POST / HTTP/1.1\r\nhost: example.com\r\ncontent-length: 3\r\n\r\nabc")
    }

    @Test(arguments: [
        [("x-evil", "a\r\nx-injected: 1")],
        [("x-evil", "a\nb")],
        [("x-evil", "a\u{0}b")],
        [("bad name", "v")],
        [("x-colon:", "v")],
        [("content-length", "1, 1")],
        [("content-length", "-1")],
        [("content-length", "2"), ("content-length", "3")],
    ])
    func malformedFieldsResetTheStream(fields: [(String, String)]) throws {
        let harness = try BridgeHarness()
        try harness.receiveRequest(fields, endStream: true)
        #expect(harness.downstream.received == "")
        #expect(!harness.channel.isActive)
    }

    @Test(arguments: ["http://other.example/", "a", "example.com:443"])
    func targetsOtherThanOriginFormResetTheStream(path: String) throws {
        let harness = try BridgeHarness()
        try harness.receiveRequest(path: path, endStream: true)
        #expect(harness.downstream.received == "")
        #expect(!harness.channel.isActive)
    }

    @Test(arguments: ["/a b", "/a\tb", "/a\r\nb", ""])
    func targetsThatWouldBreakTheRequestLineAreRejected(path: String) {
        // The codec already refuses these in :path; the bridge does not rely on it.
        let head = HTTPRequestHead(version: .http2, method: .GET, uri: path, headers: ["host": "example.com"])
        #expect(HTTP2RequestTranslation.inspect(head) == nil)
    }

    @Test func methodsMustBeTokens() {
        let head = HTTPRequestHead(
            version: .http2, method: .RAW(value: "GET /x HTTP/1.1\r\n"), uri: "/", headers: ["host": "example.com"])
        #expect(HTTP2RequestTranslation.inspect(head) == nil)
    }

    @Test func asteriskFormIsAllowed() throws {
        let harness = try BridgeHarness()
        try harness.receiveRequest(method: "OPTIONS", path: "*", endStream: true)
        #expect(harness.downstream.received.hasPrefix("OPTIONS * HTTP/1.1\r\n"))
        #expect(harness.channel.isActive)
    }

    @Test func moreDataThanTheContentLengthResetsTheStream() throws {
        // Otherwise the extra bytes would reach the HTTP/1.1 scanner as a second request.
        let harness = try BridgeHarness()
        try harness.receiveRequest(method: "POST", [("content-length", "2")], endStream: false)
        try harness.receiveData("ab")
        try harness.receiveData("GET /admin HTTP/1.1\r\nhost: x\r\n\r\n", endStream: true)
        #expect(harness.downstream.received == "POST / HTTP/1.1\r\nhost: example.com\r\ncontent-length: 2\r\n\r\nab")
        #expect(!harness.channel.isActive)
    }

    @Test func endingBeforeTheContentLengthResetsTheStream() throws {
        let harness = try BridgeHarness()
        try harness.receiveRequest(method: "POST", [("content-length", "5")], endStream: false)
        try harness.receiveData("ab", endStream: true)
        #expect(!harness.channel.isActive)
    }
}

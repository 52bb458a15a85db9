import NIOCore
import NIOEmbedded
import Testing

@testable import ProxyServer

@Suite("HTTP/2 bridge: HTTP/1.1 response bytes as h2 frames")
struct HTTP2BridgeResponseTests {
    @Test func contentLengthResponse() throws {
        let harness = try BridgeHarness()
        try harness.receiveSimpleRequest()
        harness.downstream.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Thing: Mixed Case\r\n\r\nhello")
        let response = try harness.sentResponse()
        #expect(response.heads == [[":status: 200", "content-length: 5", "x-thing: Mixed Case"]])
        #expect(response.body == "hello")
        #expect(response.ended)
        #expect(response.framesAfterEnd == 0)
    }

    @Test func contentLengthBodySpreadOverWrites() throws {
        let harness = try BridgeHarness()
        try harness.receiveSimpleRequest()
        harness.downstream.send("HTTP/1.1 200 OK\r\nContent", "-Length: 6\r", "\n\r\nab", "cd", "ef")
        let response = try harness.sentResponse()
        #expect(response.status == "200")
        #expect(response.body == "abcdef")
        #expect(response.ended)
    }

    @Test func bytesAfterTheResponseAreDropped() throws {
        let harness = try BridgeHarness()
        try harness.receiveSimpleRequest()
        harness.downstream.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiEXTRA", "HTTP/1.1 200 OK\r\n\r\n")
        let response = try harness.sentResponse()
        #expect(response.body == "hi")
        #expect(response.ended)
        #expect(response.framesAfterEnd == 0)
    }

    static let chunkedResponse =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n"
        + "5;ext=1\r\nhello\r\n1a\r\n abcdefghijklmnopqrstuvwxy\r\n0\r\nX-Trailer: t\r\n\r\n"

    @Test func chunkedResponseIsDecoded() throws {
        let harness = try BridgeHarness()
        try harness.receiveSimpleRequest()
        harness.downstream.send(Self.chunkedResponse)
        let response = try harness.sentResponse()
        #expect(response.heads == [[":status: 200", "x-a: 1"]])
        #expect(response.body == "hello abcdefghijklmnopqrstuvwxy")
        #expect(response.ended)
    }

    @Test func chunkedResponseOneByteAtATime() throws {
        let harness = try BridgeHarness()
        try harness.receiveSimpleRequest()
        harness.downstream.send(Self.chunkedResponse.utf8.map { String(decoding: [$0], as: UTF8.self) })
        let response = try harness.sentResponse()
        #expect(response.heads == [[":status: 200", "x-a: 1"]])
        #expect(response.body == "hello abcdefghijklmnopqrstuvwxy")
        #expect(response.ended)
        #expect(response.framesAfterEnd == 0)
    }

    @Test func chunkedResponseSplitAtEveryPoint() throws {
        let bytes = Array(Self.chunkedResponse.utf8)
        for cut in 1..<bytes.count {
            let harness = try BridgeHarness()
            try harness.receiveSimpleRequest()
            harness.downstream.send(
                String(decoding: bytes[..<cut], as: UTF8.self), String(decoding: bytes[cut...], as: UTF8.self))
            let response = try harness.sentResponse()
            #expect(response.body == "hello abcdefghijklmnopqrstuvwxy", "cut at \(cut)")
            #expect(response.ended, "cut at \(cut)")
            #expect(response.heads.count == 1, "cut at \(cut)")
        }
    }

    @Test func brokenChunkedFramingResetsWithoutEnd() throws {
        let harness = try BridgeHarness()
        try harness.receiveSimpleRequest()
        harness.downstream.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", "zz\r\n")
        let response = try harness.sentResponse()
        #expect(response.status == "200")
        #expect(response.body == "abc")
        #expect(!response.ended)
        #expect(!harness.channel.isActive)
    }

    @Test func untilCloseBodyEndsWhenTheWriterCloses() throws {
        let harness = try BridgeHarness()
        try harness.receiveSimpleRequest()
        harness.downstream.send("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nabc", "def")
        var response = try harness.sentResponse()
        #expect(response.heads == [[":status: 200"]])
        #expect(response.body == "abcdef")
        #expect(!response.ended)
        harness.downstream.close()
        response = try harness.sentResponse()
        #expect(response.ended)
        #expect(response.heads.isEmpty)
        #expect(!harness.channel.isActive)
    }

    @Test func closingMidContentLengthBodyResetsWithoutEnd() throws {
        // An END_STREAM here would pass a cut-off body as complete.
        let harness = try BridgeHarness()
        try harness.receiveSimpleRequest()
        harness.downstream.send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
        harness.downstream.close()
        let response = try harness.sentResponse()
        #expect(response.body == "abc")
        #expect(!response.ended)
        #expect(!harness.channel.isActive)
    }

    @Test func closingAfterACompleteResponseWritesNothingMore() throws {
        let harness = try BridgeHarness()
        try harness.receiveSimpleRequest()
        harness.downstream.send("HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\nConnection: close\r\n\r\nnot")
        harness.downstream.close()
        let response = try harness.sentResponse()
        #expect(response.heads == [[":status: 404", "content-length: 3"]])
        #expect(response.body == "not")
        #expect(response.ended)
        #expect(response.framesAfterEnd == 0)
        #expect(!harness.channel.isActive)
    }

    @Test func responseToHEADHasNoBody() throws {
        let harness = try BridgeHarness()
        try harness.receiveSimpleRequest(method: "HEAD")
        #expect(harness.downstream.received.hasPrefix("HEAD / HTTP/1.1\r\n"))
        harness.downstream.send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n")
        let response = try harness.sentResponse()
        #expect(response.heads == [[":status: 200", "content-length: 10"]])
        #expect(response.body == "")
        #expect(response.ended)
    }

    @Test(arguments: [204, 304])
    func statusesWithoutBody(status: Int) throws {
        let harness = try BridgeHarness()
        try harness.receiveSimpleRequest()
        harness.downstream.send("HTTP/1.1 \(status) X\r\nContent-Length: 0\r\nETag: \"e\"\r\n\r\n")
        let response = try harness.sentResponse()
        // RFC 9110 §8.6: no Content-Length in a 204.
        let expectedFields = status == 204 ? ["etag: \"e\""] : ["content-length: 0", "etag: \"e\""]
        #expect(response.heads == [[":status: \(status)"] + expectedFields])
        #expect(response.body == "")
        #expect(response.ended)
    }

    @Test func connectionSpecificFieldsAreStripped() throws {
        let harness = try BridgeHarness()
        try harness.receiveSimpleRequest()
        harness.downstream.send(
            "HTTP/1.1 200 OK\r\nConnection: close, X-Hop\r\nKeep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\n"
                + "Upgrade: h2c\r\nX-Hop: secret\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\nX-Kept: 1\r\n\r\n0\r\n\r\n")
        let response = try harness.sentResponse()
        #expect(response.heads == [[":status: 200", "x-kept: 1"]])
        #expect(response.ended)
    }

    @Test func informationalHeadsAreForwarded() throws {
        let harness = try BridgeHarness()
        try harness.receiveRequest(method: "POST", [("content-length", "1"), ("expect", "100-continue")], endStream: false)
        harness.downstream.send("HTTP/1.1 100 Continue\r\n\r\n")
        var response = try harness.sentResponse()
        #expect(response.heads == [[":status: 100"]])
        #expect(!response.ended)
        try harness.receiveData("x", endStream: true)
        harness.downstream.send("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
        response = try harness.sentResponse()
        #expect(response.heads == [[":status: 201", "content-length: 0"]])
        #expect(response.ended)
    }

    @Test func informationalAndFinalHeadInOneWrite() throws {
        let harness = try BridgeHarness()
        try harness.receiveSimpleRequest()
        harness.downstream.send("HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n!")
        let response = try harness.sentResponse()
        #expect(response.heads == [[":status: 103", "link: </s.css>"], [":status: 200", "content-length: 1"]])
        #expect(response.body == "!")
        #expect(response.ended)
    }

    @Test(arguments: [
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/2.0 200 OK\r\n\r\n",
        "garbage\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
    ])
    func malformedResponseBecomes502(text: String) throws {
        let harness = try BridgeHarness()
        try harness.receiveSimpleRequest()
        harness.downstream.send(text)
        let response = try harness.sentResponse()
        #expect(response.status == "502")
        #expect(response.ended)
        #expect(!harness.channel.isActive)
    }

    @Test func writePromisesComplete() throws {
        let harness = try BridgeHarness()
        try harness.receiveSimpleRequest()
        var completed: [Bool] = []
        for piece in ["HTTP/1.1 200 OK\r\n", "Content-Length: 2\r\n\r\n", "o", "k", "after the end", ""] {
            let future = try #require(harness.downstream.sendTracked(piece))
            future.assumeIsolated().whenSuccess { completed.append(true) }
        }
        #expect(completed.count == 6)
        #expect(try harness.sentResponse().body == "ok")
    }
}

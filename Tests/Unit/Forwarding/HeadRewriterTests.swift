import NIOCore
import Testing
import TraefikCore

@testable import ProxyServer

@Suite("Head rewriting for forwarding")
struct HeadRewriterTests {
    static let target = UpstreamTarget(
        BackendServer(name: "s1", url: try! ServerURL.parse("http://127.0.0.1:9010/ignored"), weight: 1))
    static let facts = ForwardingFacts(clientIP: "10.0.0.9", scheme: "http", serverName: "proxy-host")

    static func rewriteRequest(_ text: String, passHostHeader: Bool = false) -> String {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { raw in
            guard case .complete(let head) = HTTP1Scanner.scanRequest(raw, limits: HTTPHeadLimits()) else {
                Issue.record("not a complete head: \(text)")
                return ""
            }
            let pathAndQuery = RequestTarget.split(raw, target: head.target).pathAndQuery
            var out = ByteBufferAllocator().buffer(capacity: 256)
            RequestHeadRewriter.write(
                head, from: raw, pathAndQuery: pathAndQuery, target: target, passHostHeader: passHostHeader,
                facts: facts, into: &out)
            return String(buffer: out)
        }
    }

    static func rewriteResponse(_ text: String, clientMinorVersion: Int = 1, close: Bool = false) -> (String, ResponseBodyMode) {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { raw in
            guard case .complete(let head) = HTTP1Scanner.scanResponse(raw, requestWasHEAD: false, limits: HTTPHeadLimits())
            else {
                Issue.record("not a complete head: \(text)")
                return ("", .passThrough)
            }
            var out = ByteBufferAllocator().buffer(capacity: 256)
            let mode = ResponseHeadRewriter.write(
                head, from: raw, clientMinorVersion: clientMinorVersion, closeClient: close, switchingProtocols: false,
                into: &out)
            return (String(buffer: out), mode)
        }
    }

    @Test func requestGetsServerHostForwardingHeadersAndLosesHopByHop() {
        let out = Self.rewriteRequest(
            "GET /a%2Fb?x=%20y HTTP/1.0\r\nHost: client:8000\r\nConnection: keep-alive, X-Secret\r\nX-Secret: s\r\n"
                + "Keep-Alive: 5\r\nTE: trailers\r\nX-Forwarded-For: 1.2.3.4\r\nAccept: */*\r\n\r\n")
        #expect(
            out == "GET /a%2Fb?x=%20y HTTP/1.1\r\nHost: 127.0.0.1:9010\r\nAccept: */*\r\n"
                + "X-Forwarded-For: 1.2.3.4, 10.0.0.9\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: client:8000\r\n"
                + "X-Forwarded-Server: proxy-host\r\n\r\n")
    }

    @Test func passHostHeaderKeepsTheClientsHostLine() {
        let out = Self.rewriteRequest("POST / HTTP/1.1\r\nHost: client\r\nContent-Length: 3\r\n\r\n", passHostHeader: true)
        #expect(out.hasPrefix("POST / HTTP/1.1\r\nHost: client\r\nContent-Length: 3\r\n"))
        #expect(!out.contains("127.0.0.1:9010"))
    }

    @Test func upgradeRequestKeepsUpgradeAndSaysConnectionUpgrade() {
        let out = Self.rewriteRequest(
            "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: k\r\n\r\n")
        #expect(out.contains("Upgrade: websocket\r\n"))
        #expect(out.hasSuffix("Connection: Upgrade\r\n\r\n"))
    }

    @Test func clientForwardingHeadersAreTrusted() {
        let out = Self.rewriteRequest(
            "GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: orig\r\nX-Forwarded-Server: spoof\r\n\r\n")
        #expect(out.contains("X-Forwarded-Proto: https\r\n"))
        #expect(!out.contains("X-Forwarded-Proto: http\r\n"))
        #expect(out.contains("X-Forwarded-Host: orig\r\n"))
        #expect(!out.contains("spoof"))
    }

    @Test func responseLosesHopByHopAndTellsHTTP10ClientsToKeepAlive() {
        let (out, mode) = Self.rewriteResponse(
            "HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\n",
            clientMinorVersion: 0)
        #expect(out == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n")
        #expect(mode == .passThrough)
    }

    @Test func chunkedResponseToHTTP10ClientIsDechunkedAndClosed() {
        let (out, mode) = Self.rewriteResponse(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n", clientMinorVersion: 0)
        #expect(out == "HTTP/1.1 200 OK\r\nX-A: b\r\nConnection: close\r\n\r\n")
        #expect(mode == .dechunk)
    }

    @Test func statusLineWithoutReasonIsKept() {
        let (out, _) = Self.rewriteResponse("HTTP/1.0 204\r\n\r\n", close: true)
        #expect(out == "HTTP/1.1 204\r\nConnection: close\r\n\r\n")
    }
}

@Suite("Chunked decoding for HTTP/1.0 clients")
struct ChunkedDecoderTests {
    static func decode(_ pieces: [String]) -> String {
        var decoder = ChunkedDecoder()
        var out: [UInt8] = []
        for piece in pieces {
            let bytes = Array(piece.utf8)
            bytes.withUnsafeBytes { raw in decoder.decode(raw) { out += raw[$0] } }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func decodesWholeAndSplitBodies() {
        let body = "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n"
        #expect(Self.decode([body]) == "hello world")
        #expect(Self.decode(body.map { String($0) }) == "hello world")
        #expect(Self.decode(["A\r\n0123456789\r\n0\r\n\r\n"]) == "0123456789")
    }
}

@Suite("Path shape check before cleaning")
struct PathShapeTests {
    static func needsCleaning(_ path: String) -> Bool {
        Array(path.utf8).withUnsafeBytes { PathShape.needsCleaning($0) }
    }

    @Test(arguments: ["//foo", "/a/../b", "/a/./b", "/a/.", "/a/..", "/..", "/./"])
    func dirtyPaths(_ path: String) {
        #expect(Self.needsCleaning(path))
        #expect(PathCleaner.clean(path) != path)
    }

    @Test(arguments: ["/", "/foo", "/a/b/", "/a.b/c..d/.e", "/...", "*", ""])
    func cleanPaths(_ path: String) {
        #expect(!Self.needsCleaning(path))
    }
}

@Suite("Client address text")
struct ClientAddressTests {
    @Test(arguments: ["127.0.0.1", "10.0.0.9", "192.168.100.255", "0.0.0.0", "255.255.255.255", "1.20.3.199"])
    func ipv4(_ text: String) throws {
        #expect(ClientAddress.text(try SocketAddress(ipAddress: text, port: 80)) == text)
    }

    @Test func ipv6UsesTheSystemFormat() throws {
        #expect(ClientAddress.text(try SocketAddress(ipAddress: "::1", port: 80)) == "::1")
    }
}

import FakeFarm
import Testing

@Suite("Streaming bodies, upgrades and keep-alive")
struct StreamingTests {
    static let config = catchAllConfig()

    static func pattern(_ count: Int) -> [UInt8] { (0..<count).map { UInt8($0 % 251) } }

    @Test func twentyMiBUploadArrivesByteExact() async throws {
        try await ProxyHarness.with(toml: Self.config) { proxy in
            let body = (0..<(20 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let echo = try await proxy.get("/upload", host: "h", method: "POST", body: body).whoami()
            #expect(echo.bodyLength == body.count)
            #expect(echo.bodyChecksum == FNV1a64.hex(of: body))
        }
    }

    @Test func twentyMiBDownloadArrivesByteExact() async throws {
        try await ProxyHarness.with(toml: Self.config) { proxy in
            let size = 20 << 20
            let response = try await proxy.get("/?size=\(size)", host: "h")
            #expect(response.status == 200)
            #expect(response.body.count == size)
            #expect(response.body == Self.pattern(size))
        }
    }

    @Test func chunkedResponsePassesThroughAndChunkedUploadToo() async throws {
        try await ProxyHarness.with(toml: Self.config) { proxy in
            let download = try await proxy.get("/?size=100000&chunked=1", host: "h")
            #expect(download.header("Transfer-Encoding")?.lowercased() == "chunked")
            #expect(download.body == Self.pattern(100_000))

            let client = try await HTTPTestClient.connect(port: proxy.port)
            try await client.send(
                "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
            let echo = try await client.readResponse().whoami()
            #expect(echo.bodyLength == 11)
            #expect(echo.bodyChecksum == FNV1a64.hex(of: Array("hello world".utf8)))
            await client.close()
        }
    }

    @Test func chunkedResponseIsDecodedForHTTP10Clients() async throws {
        try await ProxyHarness.with(toml: Self.config) { proxy in
            let client = try await HTTPTestClient.connect(port: proxy.port)
            try await client.send("GET /?size=70000&chunked=1 HTTP/1.0\r\nHost: h\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.header("Transfer-Encoding") == nil)
            #expect(response.body == Self.pattern(70000))
            await client.close()
        }
    }

    @Test func serverSentEventsArriveOneByOne() async throws {
        try await ProxyHarness.with(toml: Self.config) { proxy in
            let client = try await HTTPTestClient.connect(port: proxy.port)
            // The backend sends event-0 at once and event-1 four seconds later. Seeing event-0 well before
            // then proves the proxy flushed it on its own (D18) instead of holding it until more bytes came.
            try await client.send("GET /?sse=2&interval=4000 HTTP/1.1\r\nHost: h\r\n\r\n")
            let head = try await client.readResponseHead(timeout: .seconds(3))
            #expect(head.header("Content-Type")?.hasPrefix("text/event-stream") == true)
            let first = try await client.readUntil("data: event-0", timeout: .seconds(3))
            #expect(!String(decoding: first, as: UTF8.self).contains("event-1"))
            _ = try await client.readUntil("data: event-1", timeout: .seconds(10))
            await client.close()
        }
    }

    @Test func webSocketEchoesThroughTheProxy() async throws {
        try await ProxyHarness.with(toml: Self.config) { proxy in
            let client = try await HTTPTestClient.connect(port: proxy.port)
            try await client.send(WebSocketTestFrame.upgradeRequest(host: "h"))
            let handshake = try await client.readResponseHead()
            #expect(handshake.status == 101)
            #expect(handshake.header("Sec-WebSocket-Accept") == WebSocketTestFrame.sampleAccept)
            for message in ["hello", "through", "the proxy"] {
                try await client.send(WebSocketTestFrame.clientText(message))
                let frame = try await client.readWebSocketFrame()
                #expect(frame.text == message)
            }
            await client.close()
        }
    }

    /// Issue 10: an upgrade the backend declines (any answer but 101) is an ordinary response, and the client's
    /// connection stays usable for the next request.
    @Test(arguments: ["/", "/?status=403"])
    func aDeclinedUpgradeLeavesTheConnectionUsable(target: String) async throws {
        try await ProxyHarness.with(toml: Self.config) { proxy in
            let client = try await HTTPTestClient.connect(port: proxy.port)
            try await client.send("GET \(target) HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: foo/1\r\n\r\n")
            let declined = try await client.readResponse()
            #expect(declined.status == (target == "/" ? 200 : 403))
            #expect(declined.header("Upgrade") == nil)
            for index in 0..<3 {
                try await client.send("GET /after-\(index) HTTP/1.1\r\nHost: h\r\n\r\n")
                let response = try await client.readResponse()
                #expect(response.status == 200)
                #expect(try response.whoami().uri == "/after-\(index)")
            }
            await client.close()
        }
    }

    @Test func thousandKeepAliveRequestsReuseAFewUpstreamConnections() async throws {
        try await ProxyHarness.with(toml: Self.config) { proxy in
            let client = try await HTTPTestClient.connect(port: proxy.port)
            for index in 0..<1000 {
                try await client.send("GET /\(index) HTTP/1.1\r\nHost: h\r\n\r\n")
                let response = try await client.readResponse()
                #expect(response.status == 200)
            }
            await client.close()
            #expect(proxy.backends[0].requestsServed == 1000)
            #expect(proxy.backends[0].connectionsAccepted <= 2)
        }
    }

    @Test func http10KeepAliveLikeAbMinusK() async throws {
        try await ProxyHarness.with(toml: Self.config) { proxy in
            let client = try await HTTPTestClient.connect(port: proxy.port)
            for _ in 0..<5 {
                try await client.send("GET / HTTP/1.0\r\nHost: h\r\nConnection: Keep-Alive\r\n\r\n")
                let response = try await client.readResponse()
                #expect(response.status == 200)
                #expect(response.header("Connection")?.lowercased() == "keep-alive")
            }
            try await client.send("GET / HTTP/1.0\r\nHost: h\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
            #expect(try await client.waitForClose())
            await client.close()
        }
    }

    @Test func expectContinueGetsTheBackendsInterimResponse() async throws {
        try await ProxyHarness.with(toml: Self.config) { proxy in
            let client = try await HTTPTestClient.connect(port: proxy.port)
            try await client.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            let interim = try await client.readResponse(timeout: .seconds(2))
            #expect(interim.status == 100)
            try await client.send("hello")
            let echo = try await client.readResponse().whoami()
            #expect(echo.bodyLength == 5)
            await client.close()
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await ProxyHarness.with(toml: Self.config) { proxy in
            let client = try await HTTPTestClient.connect(port: proxy.port)
            try await client.send(
                "GET /first HTTP/1.1\r\nHost: h\r\n\r\nGET /second HTTP/1.1\r\nHost: h\r\n\r\nGET //third HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try await client.readResponse().whoami().uri == "/first")
            #expect(try await client.readResponse().whoami().uri == "/second")
            #expect(try await client.readResponse().status == 301)
            await client.close()
        }
    }
}

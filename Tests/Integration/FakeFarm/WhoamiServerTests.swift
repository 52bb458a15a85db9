import FakeFarm
import Testing

@Suite("WhoamiServer over HTTPTestClient")
struct WhoamiServerTests {
    @Test func echoDescribesTheRequestExactlyAsReceived() async throws {
        try await FarmFixture.withWhoami(name: "echo-1") { server in
            let client = try await HTTPTestClient.connect(port: server.port)
            try await client.send(
                "POST /echo/path?x=1&y=%20z HTTP/1.1\r\nHost: example.test\r\nX-Custom: one\r\nx-custom: two\r\n"
                    + "X-Custom: three\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"
            )
            let response = try await client.readResponse()
            await client.close()

            #expect(response.status == 200)
            #expect(response.version == "HTTP/1.1")
            #expect(response.header("content-type") == "application/json")
            #expect(response.header("Content-Length") == String(response.body.count))
            #expect(response.header("connection") == "close")
            let echo = try response.whoami()
            #expect(echo.name == "echo-1")
            #expect(echo.method == "POST")
            #expect(echo.uri == "/echo/path?x=1&y=%20z")
            #expect(echo.proto == "HTTP/1.1")
            #expect(echo.host == "example.test")
            #expect(echo.headers["X-Custom"] == ["one", "three"])
            #expect(echo.headers["x-custom"] == ["two"])
            #expect(echo.header("X-CUSTOM").sorted() == ["one", "three", "two"])
            #expect(echo.bodyLength == 5)
            #expect(echo.bodyChecksum == FNV1a64.hex(of: Array("hello".utf8)))
            #expect(echo.remoteAddr.hasPrefix("127.0.0.1:"))
            #expect(echo.remoteAddr != "127.0.0.1:\(server.port)")
        }
    }

    @Test func statusIsChosenByTheQueryAndKeepsTheEcho() async throws {
        try await FarmFixture.withWhoami { server in
            let unavailable = try await HTTPTestClient.request(port: server.port, target: "/down?status=503")
            #expect(unavailable.status == 503)
            #expect(unavailable.reason == "Service Unavailable")
            #expect(try unavailable.whoami().uri == "/down?status=503")

            let teapot = try await HTTPTestClient.request(port: server.port, target: "/?status=418")
            #expect(teapot.status == 418)

            let noContent = try await HTTPTestClient.request(port: server.port, target: "/?status=204")
            #expect(noContent.status == 204)
            #expect(noContent.body.isEmpty)
            #expect(noContent.header("content-length") == nil)
        }
    }

    @Test func headGetsHeadersWithoutABodyAndTheConnectionStaysUsable() async throws {
        try await FarmFixture.withWhoami { server in
            let client = try await HTTPTestClient.connect(port: server.port)
            try await client.send("HEAD /?size=1000 HTTP/1.1\r\nHost: h\r\n\r\n")
            let head = try await client.readResponse(forHead: true)
            #expect(head.status == 200)
            #expect(head.header("content-length") == "1000")
            try await client.send("GET /after-head HTTP/1.1\r\nHost: h\r\n\r\n")
            let next = try await client.readResponse()
            #expect(try next.whoami().uri == "/after-head")
            await client.close()
        }
    }

    @Test func delayHoldsTheResponseBack() async throws {
        try await FarmFixture.withWhoami { server in
            let clock = ContinuousClock()
            let started = clock.now
            let response = try await HTTPTestClient.request(port: server.port, target: "/?delay=300")
            #expect(started.duration(to: clock.now) >= .milliseconds(300))
            #expect(try response.whoami().uri == "/?delay=300")
        }
    }

    @Test func delayedRequestDoesNotBlockOthers() async throws {
        try await FarmFixture.withWhoami { server in
            let delayed = try await HTTPTestClient.connect(port: server.port)
            try await delayed.send("GET /?delay=60000 HTTP/1.1\r\nHost: h\r\n\r\n")
            try await eventually("the delayed request reached the server") { server.requestsServed >= 1 }

            let quick = try await HTTPTestClient.request(port: server.port, target: "/quick")
            #expect(quick.status == 200)
            // The delayed answer is still a minute away, so the quick one did not wait behind it.
            await #expect(throws: HTTPTestClient.ClientError.self) {
                _ = try await delayed.readRaw(atLeast: 1, timeout: .milliseconds(100))
            }
            await delayed.close()
        }
    }

    @Test(arguments: [0, 1, 250, 251, 65_536, 200_001])
    func sizeSendsThePatternWithContentLength(size: Int) async throws {
        try await FarmFixture.withWhoami { server in
            let response = try await HTTPTestClient.request(port: server.port, target: "/?size=\(size)")
            #expect(response.status == 200)
            #expect(response.header("content-length") == String(size))
            #expect(response.header("transfer-encoding") == nil)
            #expect(response.body == FarmFixture.pattern(count: size))
        }
    }

    @Test func chunkedSendsTheSameBytesInChunks() async throws {
        try await FarmFixture.withWhoami { server in
            let response = try await HTTPTestClient.request(port: server.port, target: "/?size=150000&chunked=1")
            #expect(response.header("transfer-encoding") == "chunked")
            #expect(response.header("content-length") == nil)
            #expect(response.body == FarmFixture.pattern(count: 150_000))
        }
    }

    @Test func slowPausesBetweenPieces() async throws {
        try await FarmFixture.withWhoami { server in
            let clock = ContinuousClock()
            let started = clock.now
            // 200 000 bytes are four 64 KiB pieces, so three pauses.
            let response = try await HTTPTestClient.request(port: server.port, target: "/?size=200000&slow=100")
            #expect(started.duration(to: clock.now) >= .milliseconds(300))
            #expect(response.header("content-length") == "200000")
            #expect(response.body == FarmFixture.pattern(count: 200_000))
        }
    }

    @Test func slowFlushesEachPieceBeforePausing() async throws {
        try await FarmFixture.withWhoami { server in
            let client = try await HTTPTestClient.connect(port: server.port)
            try await client.send("GET /?size=200000&slow=60000 HTTP/1.1\r\nHost: h\r\n\r\n")
            _ = try await client.readResponseHead()
            // Well inside the first pause: only the first piece can be there.
            let firstPiece = try await client.readRaw(atLeast: 65_536, timeout: .seconds(30))
            await client.close()
            #expect(firstPiece == FarmFixture.pattern(count: 65_536))
        }
    }

    @Test func serverSentEventsArriveInOrderThenTheStreamEnds() async throws {
        try await FarmFixture.withWhoami { server in
            let clock = ContinuousClock()
            let started = clock.now
            let response = try await HTTPTestClient.request(port: server.port, target: "/events?sse=3&interval=100")
            // The first event goes out at once, then one per interval.
            #expect(started.duration(to: clock.now) >= .milliseconds(200))
            #expect(response.header("content-type") == "text/event-stream")
            #expect(response.header("transfer-encoding") == "chunked")
            #expect(response.bodyText == "data: event-0\n\ndata: event-1\n\ndata: event-2\n\n")
        }
    }

    @Test func serverSentEventsAreFlushedOneByOne() async throws {
        try await FarmFixture.withWhoami { server in
            let client = try await HTTPTestClient.connect(port: server.port)
            try await client.send("GET /events?sse=2&interval=60000 HTTP/1.1\r\nHost: h\r\n\r\n")
            _ = try await client.readResponseHead()
            // Well inside the first interval: event-0 must already be on the wire.
            let first = try await client.readUntil("data: event-0\n\n", timeout: .seconds(30))
            await client.close()
            #expect(String(decoding: first, as: UTF8.self).hasSuffix("data: event-0\n\n"))
        }
    }

    @Test func closeMidSendsHalfTheBodyThenCloses() async throws {
        try await FarmFixture.withWhoami { server in
            let client = try await HTTPTestClient.connect(port: server.port)
            try await client.send("GET /?size=1000000&close=mid HTTP/1.1\r\nHost: h\r\n\r\n")
            let head = try await client.readResponseHead()
            #expect(head.header("content-length") == "1000000")
            let received = try await client.readRaw(atLeast: 500_000)
            #expect(try await client.waitForClose())
            #expect(received == FarmFixture.pattern(count: 500_000))
        }
    }

    @Test func closeMidMakesAFullReadFail() async throws {
        try await FarmFixture.withWhoami { server in
            await #expect(throws: HTTPTestClient.ClientError.self) {
                _ = try await HTTPTestClient.request(port: server.port, target: "/?size=300000&close=mid")
            }
        }
    }

    @Test func headerParametersAddRepeatableResponseHeaders() async throws {
        try await FarmFixture.withWhoami { server in
            let response = try await HTTPTestClient.request(
                port: server.port,
                target: "/?header=Set-Cookie:a%3D1&header=Set-Cookie:b%3D2&header=X-Extra:%20yes"
            )
            #expect(response.headerValues("set-cookie") == ["a=1", "b=2"])
            #expect(response.header("x-extra") == "yes")
            #expect(response.headers.filter { $0.name == "Set-Cookie" }.count == 2)
        }
    }

    @Test func keepAliveServesManyRequestsOnOneConnection() async throws {
        try await FarmFixture.withWhoami { server in
            let client = try await HTTPTestClient.connect(port: server.port)
            for index in 0..<3 {
                try await client.send("GET /ka/\(index) HTTP/1.1\r\nHost: h\r\n\r\n")
                let response = try await client.readResponse()
                #expect(try response.whoami().uri == "/ka/\(index)")
                #expect(response.header("connection") == nil)
            }
            #expect(server.connectionsAccepted == 1)
            #expect(server.requestsServed == 3)

            // Pipelined: both answers come back, in order.
            try await client.send("GET /p/1 HTTP/1.1\r\nHost: h\r\n\r\nGET /p/2 HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try await client.readResponse().whoami().uri == "/p/1")
            #expect(try await client.readResponse().whoami().uri == "/p/2")
            #expect(try await client.waitForClose(timeout: .milliseconds(200)) == false)
            await client.close()

            _ = try await HTTPTestClient.request(port: server.port)
            #expect(server.connectionsAccepted == 2)
            #expect(server.requestsServed == 6)
        }
    }

    @Test func http10ClosesByDefaultAndKeepsAliveOnRequest() async throws {
        try await FarmFixture.withWhoami { server in
            let plain = try await HTTPTestClient.connect(port: server.port)
            try await plain.send("GET /old HTTP/1.0\r\n\r\n")
            let response = try await plain.readResponse()
            #expect(response.version == "HTTP/1.0")
            let echo = try response.whoami()
            #expect(echo.proto == "HTTP/1.0")
            #expect(echo.host == "")
            #expect(try await plain.waitForClose())

            let keptAlive = try await HTTPTestClient.connect(port: server.port)
            for _ in 0..<2 {
                try await keptAlive.send("GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                let reply = try await keptAlive.readResponse()
                #expect(reply.header("connection")?.lowercased() == "keep-alive")
                #expect(reply.status == 200)
            }
            await keptAlive.close()

            // HTTP/1.0 cannot chunk: the body ends with the connection.
            let chunkless = try await HTTPTestClient.connect(port: server.port)
            try await chunkless.send("GET /?size=70000&chunked=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let unframed = try await chunkless.readResponse()
            #expect(unframed.header("transfer-encoding") == nil)
            #expect(unframed.header("content-length") == nil)
            #expect(unframed.body == FarmFixture.pattern(count: 70_000))
        }
    }

    @Test func twentyMebibyteUploadIsHashedWhileStreaming() async throws {
        try await FarmFixture.withWhoami { server in
            let pieceSize = 1 << 20
            let pieces = 20
            let tail: [UInt8] = [7, 7, 7]
            let client = try await HTTPTestClient.connect(port: server.port)
            try await client.send(
                "PUT /upload HTTP/1.1\r\nHost: h\r\nContent-Length: \(pieceSize * pieces + tail.count)\r\n\r\n"
            )
            var expected = FNV1a64()
            for index in 0..<pieces {
                let piece = [UInt8](repeating: UInt8(index), count: pieceSize)
                expected.update(piece)
                try await client.send(piece)
            }
            expected.update(tail)
            try await client.send(tail)

            let echo = try await client.readResponse(timeout: .seconds(60)).whoami()
            await client.close()
            #expect(echo.bodyLength == pieceSize * pieces + tail.count)
            #expect(echo.bodyChecksum == expected.hex)
        }
    }

    @Test func chunkedUploadAndExpectContinue() async throws {
        try await FarmFixture.withWhoami { server in
            let chunked = try await HTTPTestClient.connect(port: server.port)
            try await chunked.send(
                "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
            )
            let chunkedEcho = try await chunked.readResponse().whoami()
            #expect(chunkedEcho.bodyLength == 11)
            #expect(chunkedEcho.bodyChecksum == FNV1a64.hex(of: Array("hello world".utf8)))
            await chunked.close()

            let expecting = try await HTTPTestClient.connect(port: server.port)
            try await expecting.send("POST /e HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
            let interim = try await expecting.readResponse()
            #expect(interim.status == 100)
            try await expecting.send("body")
            let final = try await expecting.readResponse()
            #expect(final.status == 200)
            #expect(try final.whoami().bodyLength == 4)
            await expecting.close()
        }
    }

    @Test func stopClosesOpenConnectionsAndRefusesNewOnes() async throws {
        let server = WhoamiServer(name: "stopping")
        try await server.start()
        let port = server.port
        let client = try await HTTPTestClient.connect(port: port)
        try await client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(try await client.readResponse().status == 200)

        try await server.stop()
        #expect(try await client.waitForClose())
        await #expect(throws: (any Error).self) {
            _ = try await HTTPTestClient.connect(port: port)
        }

        // A stopped server can come back on the same port (a backend recovering).
        try await server.start(port: port)
        #expect(try await HTTPTestClient.request(port: port).status == 200)
        #expect(server.connectionsAccepted == 2)
        try await server.stop()
    }
}

import FakeFarm
import Testing

@Suite("Backend failures and request limits")
struct FailureTests {
    @Test func refusedBackendIs502AndNoServersIs503() async throws {
        let refusing = try RefusingPort()
        defer { refusing.close() }
        let closed = refusing.port
        let config = testEntryPoint + """
            [backends]
              [backends.down.servers.s]
              url = "http://127.0.0.1:\(closed)"
              [backends.empty]
            [frontends]
              [frontends.down]
              backend = "down"
                [frontends.down.routes.r]
                rule = "Host"
                value = "down"
              [frontends.empty]
              backend = "empty"
                [frontends.empty.routes.r]
                rule = "Host"
                value = "empty"
            """
        try await ProxyHarness.with(backends: 0, toml: config) { proxy in
            let refused = try await proxy.get("/", host: "down")
            #expect(refused.status == 502)
            #expect(refused.bodyText == "Bad Gateway")
            #expect(try await proxy.get("/", host: "empty").status == 503)
        }
    }

    @Test func dialTimeoutIs504() async throws {
        let stalled = try StalledListener()
        defer { stalled.close() }
        try await ProxyHarness.with(backends: 0, toml: catchAllConfig(serverURL: "http://127.0.0.1:\(stalled.port)")) { proxy in
            let response = try await HTTPTestClient.request(port: proxy.port, timeout: .seconds(20))
            #expect(response.status == 504)
            #expect(response.bodyText == "Gateway Timeout")
        }
    }

    @Test func incompleteRequestHeadIs408AfterTenSeconds() async throws {
        try await ProxyHarness.with(backends: 1, toml: Self.limitsConfig) { proxy in
            let client = try await HTTPTestClient.connect(port: proxy.port)
            try await client.send("GET / HTTP/1.1\r\nHost: h\r\n")
            let response = try await client.readResponse(timeout: .seconds(20))
            #expect(response.status == 408)
            #expect(try await client.waitForClose())
            await client.close()
        }
    }

    @Test func halfClosedClientStillGetsItsPipelinedAnswers() async throws {
        try await ProxyHarness.with(backends: 1, toml: Self.limitsConfig) { proxy in
            let client = try await HTTPTestClient.connect(port: proxy.port)
            try await client.send("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET //b HTTP/1.1\r\nHost: h\r\n\r\nGET /c HTTP/1.1\r\nHost: h\r\n\r\n")
            try await client.shutdownOutput()
            #expect(try await client.readResponse().whoami().uri == "/a")
            #expect(try await client.readResponse().status == 301)
            #expect(try await client.readResponse().whoami().uri == "/c")
            #expect(try await client.waitForClose())
            await client.close()
        }
    }

    @Test func longPipelineOfLocallyAnsweredRequests() async throws {
        try await ProxyHarness.with(backends: 1, toml: Self.limitsConfig) { proxy in
            let client = try await HTTPTestClient.connect(port: proxy.port)
            let count = 3000
            try await client.send(String(repeating: "GET //x HTTP/1.1\r\nHost: h\r\n\r\n", count: count))
            for _ in 0..<count {
                #expect(try await client.readResponse().status == 301)
            }
            await client.close()
        }
    }

    @Test func backendClosingMidBodyClosesTheClient() async throws {
        try await ProxyHarness.with(backends: 1, toml: catchAllConfig()) { proxy in
            let client = try await HTTPTestClient.connect(port: proxy.port)
            try await client.send("GET /?size=200000&close=mid HTTP/1.1\r\nHost: h\r\n\r\n")
            let head = try await client.readResponseHead()
            #expect(head.status == 200)
            #expect(try await client.waitForClose())
            await client.close()
            // The proxy still serves.
            #expect(try await proxy.get("/", host: "h").status == 200)
        }
    }

    static let limitsConfig = catchAllConfig()

    @Test func oversizedHeadersAre431AndLongRequestLines414() async throws {
        try await ProxyHarness.with(backends: 1, toml: Self.limitsConfig) { proxy in
            let big = String(repeating: "a", count: 17 * 1024)
            let tooBig = try await HTTPTestClient.connect(port: proxy.port)
            try await tooBig.send("GET / HTTP/1.1\r\nHost: h\r\nX-Big: \(big)\r\n\r\n")
            #expect(try await tooBig.readResponse().status == 431)
            #expect(try await tooBig.waitForClose())
            await tooBig.close()

            let longLine = try await HTTPTestClient.connect(port: proxy.port)
            try await longLine.send("GET /\(String(repeating: "b", count: 9000)) HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try await longLine.readResponse().status == 414)
            await longLine.close()
        }
    }

    @Test func malformedChunkedBodyIs400AndNeverReachesTheBackend() async throws {
        try await ProxyHarness.with(backends: 1, toml: Self.limitsConfig) { proxy in
            let client = try await HTTPTestClient.connect(port: proxy.port)
            try await client.send("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n")
            #expect(try await client.readResponse().status == 400)
            #expect(try await client.waitForClose())
            await client.close()
            #expect(proxy.backends[0].requestsServed == 0)
        }
    }

    @Test func malformedRequestsAre400AndClosed() async throws {
        try await ProxyHarness.with(backends: 1, toml: Self.limitsConfig) { proxy in
            for request in [
                "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\n Folded: x\r\n\r\n",
                "GET / HTTP/1.1\r\n\r\n",
            ] {
                let client = try await HTTPTestClient.connect(port: proxy.port)
                try await client.send(request)
                #expect(try await client.readResponse().status == 400, "\(request)")
                #expect(try await client.waitForClose())
                await client.close()
            }
        }
    }
}

@Suite("Graceful stop")
struct GracefulStopTests {
    @Test func requestInFlightCompletesWhileTheListenerCloses() async throws {
        try await ProxyHarness.with(backends: 1, toml: catchAllConfig()) { proxy in
            let slow = try await HTTPTestClient.connect(port: proxy.port)
            try await slow.send("GET /?delay=8000 HTTP/1.1\r\nHost: h\r\n\r\n")
            let idle = try await HTTPTestClient.connect(port: proxy.port)
            try await eventually(timeout: .seconds(20), "the request is in flight") { proxy.backends[0].requestsServed == 1 }
            async let stopped: Void = proxy.traefik.stop(grace: .seconds(30))
            // (Not probed with connects: another test may already listen on the same port number.)
            try await eventually(timeout: .seconds(10), "the listener is closed") {
                proxy.traefik.proxy.boundPort(of: "http") == nil
            }
            let response = try await slow.readResponse(timeout: .seconds(30))
            #expect(response.status == 200)
            // Closed after its response (with `Connection: close` when the drain began first, which depends on
            // scheduling under a loaded test run).
            #expect(try await slow.waitForClose(timeout: .seconds(30)))
            #expect(try await idle.waitForClose())
            await stopped
            await slow.close()
            await idle.close()
        }
    }

    @Test func graceTimeOutClosesWhatIsStillRunning() async throws {
        try await ProxyHarness.with(backends: 1, toml: catchAllConfig()) { proxy in
            let slow = try await HTTPTestClient.connect(port: proxy.port)
            try await slow.send("GET /?delay=30000 HTTP/1.1\r\nHost: h\r\n\r\n")
            try await eventually(timeout: .seconds(20), "the request is in flight") { proxy.backends[0].requestsServed == 1 }
            let clock = ContinuousClock()
            let started = clock.now
            await proxy.traefik.stop(grace: .milliseconds(500))
            #expect(clock.now - started < .seconds(25))  // not the 30 s the backend would take
            #expect(try await slow.waitForClose())
            await slow.close()
        }
    }
}

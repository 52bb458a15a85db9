import LoadGen
import NIOCore
import NIOPosix
import Testing

/// Real runs against an in-process server: counts only, never timings as assertions.
@Suite struct LoadRunnerEndToEndTests {
    private func withServer(_ body: (LoadGenTestServer) async throws -> Void) async throws {
        let server = LoadGenTestServer()
        try await server.start()
        do {
            try await body(server)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test(arguments: [false, true])
    func completesEveryRequestAndTheServerSeesThemAll(keepAlive: Bool) async throws {
        try await withServer { server in
            let report = try await LoadGenTestServer.runLoad(
                ["-n", "500", "-c", "10"] + (keepAlive ? ["-k"] : []) + [server.url()]
            )
            #expect(report.completed == 500)
            #expect(report.failures.total == 0)
            #expect(report.non2xx == 0)
            #expect(server.requestsServed == 500)
            #expect(report.latencyMicroseconds.totalCount == 500)
            #expect(report.keepAliveResponses == (keepAlive ? 500 : 0))
            #expect(report.serverSoftware == "loadgen-test")
            #expect(report.documentLength == 18)
            #expect(report.bodyBytes == 500 * 18)
            #expect(report.bytesReceived > report.bodyBytes)
            #expect(report.elapsedSeconds > 0)
        }
    }

    @Test func countsNon2xxResponsesSeparatelyFromFailures() async throws {
        try await withServer { server in
            let report = try await LoadGenTestServer.runLoad(["-n", "200", "-c", "4", "-k", server.url("/?status=500")])
            #expect(report.completed == 200)
            #expect(report.non2xx == 200)
            #expect(report.failures.total == 0)
        }
    }

    @Test func http10WithKeepAliveReusesConnections() async throws {
        try await withServer { server in
            let report = try await LoadGenTestServer.runLoad(["-n", "100", "-c", "2", "-k", "--http1.0", server.url()])
            #expect(report.completed == 100)
            #expect(report.keepAliveResponses == 100)
            #expect(server.requestsServed == 100)
        }
    }

    @Test func readsChunkedBodies() async throws {
        try await withServer { server in
            let report = try await LoadGenTestServer.runLoad(["-n", "50", "-c", "5", "-k", server.url("/?chunked=1")])
            #expect(report.completed == 50)
            #expect(report.bodyBytes == 50 * 18)
            #expect(report.keepAliveResponses == 50)
        }
    }

    @Test func postsTheBodyFile() async throws {
        try await withServer { server in
            let report = try await LoadGenTestServer.runLoad(
                ["-n", "20", "-c", "2", "-k", "-p", "body.json", "-T", "application/json", server.url()],
                body: Array(#"{"hello":"world"}"#.utf8)
            )
            #expect(report.completed == 20)
            #expect(server.requestsServed == 20)
        }
    }

    @Test func connectionsToAClosedPortCountAsConnectFailures() async throws {
        let port = try await LoadGenTestServer.closedPort()
        let report = try await LoadGenTestServer.runLoad(["-n", "40", "-c", "4", "http://127.0.0.1:\(port)/"])
        #expect(report.completed == 0)
        #expect(report.failures.connect == 40)
        #expect(report.failures.total == 40)
    }

    @Test func responsesCutShortCountAsReadFailures() async throws {
        try await withServer { server in
            let report = try await LoadGenTestServer.runLoad(["-n", "30", "-c", "3", "-k", server.url("/?truncate=1")])
            #expect(report.completed == 0)
            #expect(report.failures.read == 30)
            #expect(server.requestsServed == 30)
        }
    }

    @Test func slowResponsesCountAsTimeouts() async throws {
        try await withServer { server in
            let report = try await LoadGenTestServer.runLoad(
                ["-n", "4", "-c", "2", "-k", "-s", "0.1", server.url("/?delay=3000")]
            )
            #expect(report.completed == 0)
            #expect(report.failures.timeout == 4)
        }
    }

    @Test func aTimeLimitEndsAnOtherwiseUnboundedRun() async throws {
        try await withServer { server in
            let report = try await LoadGenTestServer.runLoad(["-t", "0.3", "-c", "2", "-k", server.url()])
            #expect(report.completed > 0)
            #expect(report.failures.total == 0)
            #expect(report.elapsedSeconds >= 0.3)
        }
    }

    @Test func openLoopSendsEveryScheduledRequest() async throws {
        try await withServer { server in
            let report = try await LoadGenTestServer.runLoad(["--rate", "400", "-n", "40", "-c", "4", "-k", server.url()])
            #expect(report.completed == 40)
            #expect(server.requestsServed == 40)
            // Request 39 is not due before 39/400 s, so no schedule-respecting run can end sooner.
            #expect(report.elapsedSeconds >= 39.0 / 400)
        }
    }

    @Test func openLoopLatencyIncludesTimeQueuedBehindASlowServer() async throws {
        try await withServer { server in
            // One connection, requests due every 10 ms, each answered after 50 ms: later requests wait
            // their turn, and that wait is part of their latency: the last is due at 50 ms and done at 300 ms or later.
            let report = try await LoadGenTestServer.runLoad(
                ["--rate", "100", "-n", "6", "-c", "1", "-k", server.url("/?delay=50")]
            )
            #expect(report.completed == 6)
            #expect(report.latencyMicroseconds.max >= 240_000)
        }
    }

    @Test func interruptReturnsThePartialReport() async throws {
        try await withServer { server in
            let plan = try LoadPlan(options: try LoadGenOptions.parse(["-t", "30", "-c", "2", "-k", server.url("/?delay=20")]), body: [])
            let runner = LoadRunner(plan: plan, group: MultiThreadedEventLoopGroup.singleton)
            async let report = runner.run()
            try await pollUntil { server.requestsServed >= 4 }
            runner.interrupt()
            let partial = try await report
            #expect(partial.interrupted)
            #expect(partial.completed >= 2)
            #expect(partial.elapsedSeconds < 30)
        }
    }

    @Test func anUnresolvableHostIsAnError() async throws {
        await #expect(throws: TargetResolutionError.self) {
            _ = try await LoadGenTestServer.runLoad(["-n", "1", "http://no-such-host.invalid/"])
        }
    }

    private func pollUntil(_ condition: @Sendable () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            try #require(ContinuousClock.now < deadline, "condition not met within 10 s")
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

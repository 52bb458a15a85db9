import FakeFarm
import Foundation
import Synchronization
import Testing

/// Reloads while traffic flows (issue 7; spec §13, design.md "Data flow"): nothing is dropped, streams and
/// WebSockets survive, removed servers drain, balancer state of unchanged backends carries on.
@Suite struct HotReloadTests {
    /// Inline routes: `main` takes everything on backend `one` (B1, and B2 when `twoServers`), `extra` has a path
    /// that changes with `generation` so that every reload is a real change; `/slow` goes to `slowServer`.
    static func config(generation: Int, twoServers: Bool = false, slowServer: String = "{{B2}}") -> String {
        testEntryPoint + """
            [backends]
              [backends.one.servers.s1]
              url = "http://127.0.0.1:{{B1}}"
            \(twoServers ? "  [backends.one.servers.s2]\n  url = \"http://127.0.0.1:{{B2}}\"" : "")
              [backends.slow.servers.s]
              url = "http://127.0.0.1:\(slowServer)"
            [frontends]
              [frontends.main]
              backend = "one"
              [frontends.extra]
              backend = "one"
                [frontends.extra.routes.r]
                rule = "Path"
                value = "/extra-\(generation)"
              [frontends.slowpath]
              backend = "slow"
              priority = 10
                [frontends.slowpath.routes.r]
                rule = "PathPrefix"
                value = "/slow"
            """
    }

    /// Rewrites the harness's traefik.toml (it holds the routes) and reloads as SIGHUP does. `{{PORT}}` stays
    /// port 0 as at the start, so the entry point is unchanged.
    static func reload(_ proxy: ProxyHarness, _ text: String) async throws {
        var resolved = text.replacingOccurrences(of: "{{PORT}}", with: "0")
        for (index, server) in proxy.backends.enumerated() {
            resolved = resolved.replacingOccurrences(of: "{{B\(index + 1)}}", with: String(server.port))
        }
        try resolved.write(to: proxy.directory.appendingPathComponent("traefik.toml"), atomically: true, encoding: .utf8)
        await proxy.traefik.reload()
    }

    /// 100 reloads while 4 keep-alive clients and 2 clients opening a connection per request keep sending:
    /// every request gets its 200.
    @Test func hundredReloadsUnderLoadLoseNothing() async throws {
        try await ProxyHarness.with(backends: 2, toml: Self.config(generation: 0)) { proxy in
            let tally = LoadTally()
            let port = proxy.port
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<6 {
                    group.addTask {
                        let keepAlive = client < 4
                        var connection = keepAlive ? try await HTTPTestClient.connect(port: port) : nil
                        while tally.running.withLock({ $0 }) {
                            do {
                                let response: TestResponse
                                if let connection {
                                    try await connection.send("GET /load HTTP/1.1\r\nHost: h\r\n\r\n")
                                    response = try await connection.readResponse()
                                } else {
                                    response = try await HTTPTestClient.request(port: port, target: "/load")
                                }
                                if response.status == 200 {
                                    tally.served.withLock { $0 += 1 }
                                } else {
                                    tally.failures.withLock { $0.append("status \(response.status)") }
                                }
                            } catch {
                                tally.failures.withLock { $0.append("\(error)") }
                                if keepAlive {
                                    await connection?.close()
                                    connection = try await HTTPTestClient.connect(port: port)
                                }
                            }
                        }
                        await connection?.close()
                    }
                }
                let appliedBefore = proxy.traefik.configurationsApplied
                for generation in 1...100 {
                    try await Self.reload(proxy, Self.config(generation: generation))
                }
                #expect(proxy.traefik.configurationsApplied - appliedBefore == 100)
                tally.running.withLock { $0 = false }
                try await group.waitForAll()
            }
            #expect(tally.failures.withLock { $0 } == [])
            #expect(tally.served.withLock { $0 } > 100)
            #expect(try await proxy.get("/extra-100", host: "h").status == 200)
        }
    }

    @Test func webSocketKeepsEchoingAcrossTwentyReloads() async throws {
        try await ProxyHarness.with(backends: 2, toml: Self.config(generation: 0)) { proxy in
            let client = try await HTTPTestClient.connect(port: proxy.port)
            try await client.send(WebSocketTestFrame.upgradeRequest(host: "h"))
            #expect(try await client.readResponseHead().status == 101)
            for generation in 1...20 {
                try await Self.reload(proxy, Self.config(generation: generation))
                try await client.send(WebSocketTestFrame.clientText("after reload \(generation)"))
                #expect(try await client.readWebSocketFrame().text == "after reload \(generation)")
            }
            await client.close()
        }
    }

    /// A download in flight from a server that a reload removes completes; new requests go to the new server;
    /// the removed server's connections from the proxy go.
    @Test func removedServerFinishesItsStreamAndDrains() async throws {
        try await ProxyHarness.with(backends: 2, toml: Self.config(generation: 0)) { proxy in
            let removed = proxy.backends[1]
            let client = try await HTTPTestClient.connect(port: proxy.port)
            let size = 3_000_000
            try await client.send("GET /slow?size=\(size)&slow=40 HTTP/1.1\r\nHost: h\r\n\r\n")
            let head = try await client.readResponseHead()
            #expect(head.status == 200)
            try await Self.reload(proxy, Self.config(generation: 1, slowServer: "{{B1}}"))
            #expect(try await proxy.get("/slow", host: "h").whoami().name == "whoami1")
            let body = try await client.readRaw(atLeast: size, timeout: .seconds(30))
            #expect(body.count == size)
            await client.close()
            try await eventually(timeout: .seconds(10), "the removed server's connections are closed") {
                removed.openConnectionCount == 0
            }
        }
    }

    /// wrr over two servers goes on where it was after a reload that does not touch its backend.
    @Test func unchangedBackendKeepsItsBalancerState() async throws {
        try await ProxyHarness.with(backends: 2, toml: Self.config(generation: 0, twoServers: true)) { proxy in
            var names: [String] = []
            for generation in 1...4 {
                names.append(try await proxy.get("/", host: "h").whoami().name)
                try await Self.reload(proxy, Self.config(generation: generation, twoServers: true))
            }
            #expect(names == ["whoami1", "whoami2", "whoami1", "whoami2"])
        }
    }

    /// A reload that adds an entry point opens it, one that removes it closes it; the http entry point and its
    /// keep-alive connection are not touched.
    @Test func entryPointsOpenAndCloseOnReload() async throws {
        try await ProxyHarness.with(backends: 2, toml: Self.config(generation: 0)) { proxy in
            let client = try await HTTPTestClient.connect(port: proxy.port)
            try await client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
            let extraPort = try PortAllocator.freePort()
            let withExtra = Self.config(generation: 0).replacingOccurrences(
                of: "[file]",
                with: "  [entryPoints.extra]\n  address = \"127.0.0.1:\(extraPort)\"\n[file]")
                .replacingOccurrences(of: "defaultEntryPoints = [\"http\"]", with: "defaultEntryPoints = [\"http\", \"extra\"]")
            try await Self.reload(proxy, withExtra)
            #expect(try await HTTPTestClient.request(port: extraPort, target: "/", headers: [("Host", "h")]).status == 200)
            try await client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
            try await Self.reload(proxy, Self.config(generation: 0))
            await #expect(throws: (any Error).self) { _ = try await HTTPTestClient.connect(port: extraPort) }
            try await client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
            await client.close()
        }
    }

    /// The same configuration again is no reload at all.
    @Test func identicalConfigurationIsNotRepublished() async throws {
        try await ProxyHarness.with(backends: 2, toml: Self.config(generation: 0)) { proxy in
            let before = proxy.traefik.configurationsApplied
            try await Self.reload(proxy, Self.config(generation: 0) + "\n# a comment changes nothing\n")
            try await Self.reload(proxy, Self.config(generation: 0))
            #expect(proxy.traefik.configurationsApplied == before)
            try await Self.reload(proxy, Self.config(generation: 1))
            #expect(proxy.traefik.configurationsApplied == before + 1)
        }
    }
}

/// What the load clients of a reload test share.
private final class LoadTally: Sendable {
    let running = Mutex(true)
    let served = Mutex(0)
    let failures = Mutex<[String]>([])
}

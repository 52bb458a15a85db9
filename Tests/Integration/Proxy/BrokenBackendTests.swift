import FakeFarm
import Foundation
import Testing

/// Issue 10 §1 and §4: a backend that answers garbage, a cut-off head or ambiguous framing gets the client a 502,
/// one that answers nothing a 504 at the response-head timeout; the connection to it is dropped, never pooled,
/// and the proxy keeps serving the healthy backend beside it.
@Suite struct BrokenBackendTests {
    static let replies: [(name: String, reply: String)] = [
        ("garbage", "HELLO THERE\r\n\r\n"),
        ("cut off in the head", "HTTP/1.1 200 OK\r\nContent-Le"),
        ("Content-Length and Transfer-Encoding", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ("two differing Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
        ("Content-Length not a number", "HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\nhello"),
        ("bare LF", "HTTP/1.1 200 OK\nContent-Length: 5\n\nhello"),
        ("status not a number", "HTTP/1.1 2OO OK\r\nContent-Length: 5\r\n\r\nhello"),
    ]

    static func config(brokenPort: Int, extraLimits: String = "") -> String {
        """
        defaultEntryPoints = ["http"]
        [entryPoints]
          [entryPoints.http]
          address = "127.0.0.1:{{PORT}}"
          \(extraLimits)
        [file]
        [backends]
          [backends.good.servers.s]
          url = "http://127.0.0.1:{{B1}}"
          [backends.broken.servers.s]
          url = "http://127.0.0.1:\(brokenPort)"
        [frontends]
          [frontends.good]
          backend = "good"
            [frontends.good.routes.r]
            rule = "Host"
            value = "good"
          [frontends.broken]
          backend = "broken"
            [frontends.broken.routes.r]
            rule = "Host"
            value = "broken"
        """
    }

    @Test(arguments: replies.map(\.name))
    func aBadAnswerIs502AndThatConnectionIsDropped(_ name: String) async throws {
        let reply = try #require(Self.replies.first { $0.name == name }?.reply)
        // The backend leaves its side open: only the proxy can close that connection.
        let broken = RawReplyBackend(reply: reply, closeAfterReply: name == "cut off in the head")
        try await broken.start()
        try await ProxyHarness.with(backends: 1, toml: Self.config(brokenPort: broken.port)) { proxy in
            let client = try await HTTPTestClient.connect(port: proxy.port)
            try await client.send("GET / HTTP/1.1\r\nHost: broken\r\n\r\n")
            #expect(try await client.readResponse().status == 502, "\(name)")
            // The client's own connection stays usable.
            try await client.send("GET / HTTP/1.1\r\nHost: good\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
            await client.close()
            try await eventually("the proxy dropped its connection to the broken backend") { broken.openConnections == 0 }
            #expect(try await proxy.get("/", host: "broken").status == 502)
            #expect(broken.requestsReceived == 2, "the second request reused a pooled bad connection")
        }
        try await broken.stop()
    }

    @Test func aBackendThatNeverAnswersIs504AtTheResponseHeadTimeout() async throws {
        let silent = RawReplyBackend(reply: nil)
        try await silent.start()
        let toml = Self.config(brokenPort: silent.port, extraLimits: "responseHeaderTimeout = \"1s\"")
        try await ProxyHarness.with(backends: 1, toml: toml) { proxy in
            let started = ContinuousClock.now
            let response = try await proxy.get("/", host: "broken")
            #expect(response.status == 504)
            #expect(ContinuousClock.now - started >= .seconds(1))
            try await eventually("the proxy dropped the silent connection") { silent.openConnections == 0 }
            #expect(try await proxy.get("/", host: "good").status == 200)
        }
        try await silent.stop()
    }

    /// A slow backend inside the limit is not cut: the limit counts from the request sent to the head received.
    @Test func aSlowAnswerWithinTheResponseHeadTimeoutPasses() async throws {
        let unused = RawReplyBackend(reply: nil)
        try await unused.start()
        let toml = Self.config(brokenPort: unused.port, extraLimits: "responseHeaderTimeout = \"2s\"")
        try await ProxyHarness.with(backends: 1, toml: toml) { proxy in
            #expect(try await proxy.get("/?delay=1000", host: "good").status == 200)
            // A body that streams for longer than the limit (four 64 KiB pieces, a second apart) is fine once
            // the head has arrived.
            let slowBody = try await proxy.get("/?size=262144&slow=1000", host: "good")
            #expect(slowBody.status == 200)
            #expect(slowBody.body.count == 262_144)
        }
        try await unused.stop()
    }
}

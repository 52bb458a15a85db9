import FakeFarm
import Testing

@Suite("Forwarding")
struct ForwardingTests {
    static func config(passHostHeader: Bool, serverPath: String = "") -> String {
        testEntryPoint + """
            [backends]
              [backends.one.servers.s]
              url = "http://127.0.0.1:{{B1}}\(serverPath)"
            [frontends]
              [frontends.all]
              backend = "one"
              passHostHeader = \(passHostHeader)
            """
    }

    @Test func backendSeesForwardedHeadersAndTheServerAuthorityAsHost() async throws {
        try await ProxyHarness.with(toml: Self.config(passHostHeader: false, serverPath: "/ignored")) { proxy in
            let echo = try await proxy.get("/a%2Fb?x=%20y", host: "client.example:8000").whoami()
            #expect(echo.uri == "/a%2Fb?x=%20y")  // verbatim, and the server URL path is dropped
            #expect(echo.host == "127.0.0.1:\(proxy.backends[0].port)")
            #expect(echo.header("X-Forwarded-For") == ["127.0.0.1"])
            #expect(echo.header("X-Forwarded-Proto") == ["http"])
            #expect(echo.header("X-Forwarded-Host") == ["client.example:8000"])  // D12
            #expect(echo.header("X-Forwarded-Server").count == 1)
            #expect(echo.proto == "HTTP/1.1")
        }
    }

    @Test func passHostHeaderKeepsTheClientHost() async throws {
        try await ProxyHarness.with(toml: Self.config(passHostHeader: true)) { proxy in
            let echo = try await proxy.get("/", host: "client.example").whoami()
            #expect(echo.host == "client.example")
        }
    }

    @Test func existingForwardingHeadersAreAppendedOrTrusted() async throws {
        try await ProxyHarness.with(toml: Self.config(passHostHeader: false)) { proxy in
            let echo = try await proxy.get(
                "/", host: "h",
                headers: [("X-Forwarded-For", "1.2.3.4"), ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "orig")]
            ).whoami()
            #expect(echo.header("X-Forwarded-For") == ["1.2.3.4, 127.0.0.1"])
            #expect(echo.header("X-Forwarded-Proto") == ["https"])
            #expect(echo.header("X-Forwarded-Host") == ["orig"])
        }
    }

    @Test func hopByHopHeadersAndThoseNamedInConnectionAreRemoved() async throws {
        try await ProxyHarness.with(toml: Self.config(passHostHeader: false)) { proxy in
            let echo = try await proxy.get(
                "/", host: "h",
                headers: [
                    ("Connection", "keep-alive, X-Foo"), ("Keep-Alive", "timeout=5"), ("TE", "trailers"),
                    ("Trailer", "X-T"), ("Upgrade", "foo"), ("Proxy-Authorization", "Basic x"), ("X-Foo", "secret"),
                    ("X-Kept", "yes"),
                ]
            ).whoami()
            for name in ["Connection", "Keep-Alive", "TE", "Trailer", "Upgrade", "Proxy-Authorization", "X-Foo"] {
                #expect(echo.header(name).isEmpty, "\(name) reached the backend")
            }
            #expect(echo.header("X-Kept") == ["yes"])
        }
    }

    @Test func responseStatusHeadersAndBodyComeBackUnchanged() async throws {
        try await ProxyHarness.with(toml: Self.config(passHostHeader: false)) { proxy in
            let response = try await proxy.get(
                "/?status=418&header=Set-Cookie:a%3D1&header=Set-Cookie:b%3D2&header=X-Custom:v", host: "h")
            #expect(response.status == 418)
            #expect(response.headerValues("Set-Cookie") == ["a=1", "b=2"])
            #expect(response.header("X-Custom") == "v")
            #expect(try response.whoami().name == "whoami1")
        }
    }
}

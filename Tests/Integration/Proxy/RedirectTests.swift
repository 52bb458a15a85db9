import FakeFarm
import Foundation
import Testing

/// Entry-point redirects through the proxy (spec §3.3, §3.4; testable B7–B13 as decisions D2 and D3 adjust them).
@Suite struct RedirectTests {
    /// `http` on {{PORT}} redirects to `target` on a fixed free port (the Location names the configured port).
    static func config(targetPort: Int, targetTLS: Bool, rule: String = "") -> String {
        let tls = targetTLS ? """
              [entryPoints.secure.tls]
                [[entryPoints.secure.tls.certificates]]
                CertFile = "\(TLSTests.fixture("snitest.com.cert"))"
                KeyFile = "\(TLSTests.fixture("snitest.com.key"))"
            """ : ""
        return """
            defaultEntryPoints = ["http", "secure"]
            [entryPoints]
              [entryPoints.http]
              address = "127.0.0.1:{{PORT}}"
                [entryPoints.http.redirect]
                entryPoint = "secure"
              [entryPoints.secure]
              address = "127.0.0.1:\(targetPort)"
            \(tls)
            [file]
            [backends]
              [backends.one.servers.s]
              url = "http://127.0.0.1:{{B1}}"
            [frontends]
              [frontends.all]
              backend = "one"
              \(rule)
            """
    }

    @Test func redirectsToTheTLSEntryPointKeepingPathAndQuery() async throws {
        let securePort = try PortAllocator.freePort()
        try await ProxyHarness.with(backends: 1, toml: Self.config(targetPort: securePort, targetTLS: true)) { proxy in
            for host in ["test.localhost", "test.localhost:\(proxy.port)", "TEST.localhost"] {  // B7, B8
                let response = try await proxy.get("/path?query=1", host: host)
                #expect(response.status == 302)
                #expect(response.header("Location") == "https://test.localhost:\(securePort)/path?query=1")
                #expect(response.bodyText == "Found")
            }
            #expect(proxy.backends[0].requestsServed == 0)
            // The target really serves: follow the redirect with curl.
            let curl = try await ProcessRunner.run(try TLSTests.tool("curl", package: "curl"), [
                "-sS", "-L", "--cacert", TLSTests.fixture("snitest.com.cert"),
                "--resolve", "snitest.com:\(proxy.port):127.0.0.1", "--resolve", "snitest.com:\(securePort):127.0.0.1",
                "-w", "\n%{http_code} %{num_redirects}", "http://snitest.com:\(proxy.port)/followed",
            ])
            let (echo, trailer) = try TLSTests.whoamiAndTrailer(curl.stdout)
            #expect(trailer == "200 1", "\(curl.stderr)")
            #expect(echo.uri == "/followed")
        }
    }

    /// D3: a redirecting entry point redirects every request, whether a frontend matches or not.
    @Test func requestsMatchingNoFrontendAreRedirectedToo() async throws {
        let securePort = try PortAllocator.freePort()
        let toml = Self.config(
            targetPort: securePort, targetTLS: true,
            rule: "[frontends.all.routes.r]\n  rule = \"Host\"\n  value = \"only.this.host\"")
        try await ProxyHarness.with(backends: 1, toml: toml) { proxy in
            let response = try await proxy.get("/x", host: "other.host")
            #expect(response.status == 302)
            #expect(response.header("Location") == "https://other.host:\(securePort)/x")
        }
    }

    /// B10: a target without TLS gets the http scheme.
    @Test func plainTargetGetsHTTPScheme() async throws {
        let plainPort = try PortAllocator.freePort()
        try await ProxyHarness.with(backends: 1, toml: Self.config(targetPort: plainPort, targetTLS: false)) { proxy in
            let response = try await proxy.get("/a", host: "test.localhost")
            #expect(response.status == 302)
            #expect(response.header("Location") == "http://test.localhost:\(plainPort)/a")
        }
    }

    /// A Host that is not a plain host[:port] cannot steer the Location elsewhere: 400.
    @Test func craftedHostsAreRefused() async throws {
        let securePort = try PortAllocator.freePort()
        try await ProxyHarness.with(backends: 1, toml: Self.config(targetPort: securePort, targetTLS: true)) { proxy in
            for host in ["evil.com/x", "a@evil.com", "evil.com\\@good.com", "good.com:80:81", "good.com:99999"] {
                let response = try await proxy.get("/", host: host)
                #expect(response.status == 400, "Host \(host)")
                #expect(response.header("Location") == nil)
            }
            // A path that looks like an authority stays a path on the requested host.
            let response = try await proxy.get("//evil.com/x", host: "good.com")
            #expect(response.header("Location") == "https://good.com:\(securePort)//evil.com/x")
        }
    }

    /// B11, and our B12 decision: a regex that does not match serves the request normally.
    @Test func regexRedirect() async throws {
        let toml = """
            [entryPoints]
              [entryPoints.http]
              address = "127.0.0.1:{{PORT}}"
                [entryPoints.http.redirect]
                regex = "^http://localhost/(.*)"
                replacement = "http://mydomain/$1"
            [file]
            [backends]
              [backends.one.servers.s]
              url = "http://127.0.0.1:{{B1}}"
            [frontends]
              [frontends.all]
              backend = "one"
            """
        try await ProxyHarness.with(backends: 1, toml: toml) { proxy in
            let redirected = try await proxy.get("/a/b?c=d", host: "localhost")
            #expect(redirected.status == 302)
            #expect(redirected.header("Location") == "http://mydomain/a/b?c=d")
            let served = try await proxy.get("/a/b", host: "example.com")
            #expect(served.status == 200)
            #expect(try served.whoami().uri == "/a/b")
        }
    }

    /// B13: a redirect to an entry point that does not exist stops the start with a clear error.
    @Test func unknownTargetEntryPointIsAStartupError() async throws {
        let toml = testEntryPoint.replacingOccurrences(
            of: "[file]", with: "  [entryPoints.http.redirect]\n  entryPoint = \"nowhere\"\n[file]")
        let error = await #expect(throws: (any Error).self) {
            let harness = try await ProxyHarness.start(backends: 0, toml: toml)
            await harness.stop()
        }
        #expect("\(error!)".contains("entry point http: redirect.entryPoint: unknown entry point \"nowhere\""), "\(error!)")
    }
}

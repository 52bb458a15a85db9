import FakeFarm
import Foundation
import Testing
import TraefikApp

/// TLS entry points with real clients (openssl s_client, curl, h2load): SNI, ALPN h2, X-Forwarded-Proto,
/// certificate errors and reload, and https:// backends (issue 5; spec §3.2, decisions D20).
@Suite struct TLSTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("integration/fixtures/https")

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    /// `http` (plain) and `https` with the seed's two certificates, snitest.com first.
    static func config(certificates: [(String, String)]? = nil, extra: String = "") -> String {
        let pairs = certificates ?? [
            (fixture("snitest.com.cert"), fixture("snitest.com.key")),
            (fixture("snitest.org.cert"), fixture("snitest.org.key")),
        ]
        let certificateTables = pairs.map { cert, key in
            """
                [[entryPoints.https.tls.certificates]]
                CertFile = "\(cert)"
                KeyFile = "\(key)"
            """
        }.joined(separator: "\n")
        return """
            defaultEntryPoints = ["http", "https"]
            \(extra)
            [entryPoints]
              [entryPoints.http]
              address = "127.0.0.1:{{PORT}}"
              [entryPoints.https]
              address = "127.0.0.1:{{PORT}}"
              [entryPoints.https.tls]
            \(certificateTables)
            [file]
            [backends]
              [backends.one.servers.s]
              url = "http://127.0.0.1:{{B1}}"
            [frontends]
              [frontends.all]
              backend = "one"
            """
    }

    static func tool(_ name: String, package: String) throws -> URL {
        guard let path = ["/usr/bin/\(name)", "/usr/local/bin/\(name)"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) else { throw TestFailure("\(name) (\(package)) is not installed; `make test` installs it") }
        return URL(fileURLWithPath: path)
    }

    /// The subject of the certificate the proxy presents for `serverName` (nil: no SNI).
    static func presentedSubject(port: Int, serverName: String?) async throws -> String {
        var arguments = ["s_client", "-connect", "127.0.0.1:\(port)"]
        arguments += serverName.map { ["-servername", $0] } ?? ["-noservername"]
        let outcome = try await ProcessRunner.run(try tool("openssl", package: "openssl"), arguments)
        guard let line = outcome.stdout.split(separator: "\n").first(where: { $0.hasPrefix("subject=") }) else {
            throw TestFailure("no certificate from s_client: \(outcome.stdout) \(outcome.stderr)")
        }
        return String(line)
    }

    @Test func sniPicksTheCertificateAndTheFirstIsTheDefault() async throws {
        try await ProxyHarness.with(backends: 1, toml: Self.config()) { proxy in
            let port = try #require(proxy.traefik.proxy.boundPort(of: "https"))
            #expect(try await Self.presentedSubject(port: port, serverName: "snitest.com") == "subject=CN = snitest.com")
            #expect(try await Self.presentedSubject(port: port, serverName: "snitest.org") == "subject=CN = snitest.org")
            #expect(try await Self.presentedSubject(port: port, serverName: "www.snitest.com") == "subject=CN = snitest.com")
            #expect(try await Self.presentedSubject(port: port, serverName: nil) == "subject=CN = snitest.com")
            #expect(try await Self.presentedSubject(port: port, serverName: "foo.bar") == "subject=CN = snitest.com")
        }
    }

    @Test func certificateOrderDecidesTheDefault() async throws {
        let orgFirst = Self.config(certificates: [
            (Self.fixture("snitest.org.cert"), Self.fixture("snitest.org.key")),
            (Self.fixture("snitest.com.cert"), Self.fixture("snitest.com.key")),
        ])
        try await ProxyHarness.with(backends: 1, toml: orgFirst) { proxy in
            let port = try #require(proxy.traefik.proxy.boundPort(of: "https"))
            #expect(try await Self.presentedSubject(port: port, serverName: nil) == "subject=CN = snitest.org")
            #expect(try await Self.presentedSubject(port: port, serverName: "snitest.com") == "subject=CN = snitest.com")
        }
    }

    /// curl over HTTP/2 (ALPN h2) and over HTTP/1.1: 200, the whoami body, X-Forwarded-Proto https at the backend.
    @Test func curlOverHTTP2AndHTTP11() async throws {
        try await ProxyHarness.with(backends: 1, toml: Self.config()) { proxy in
            let port = try #require(proxy.traefik.proxy.boundPort(of: "https"))
            for version in ["--http2", "--http1.1"] {
                let outcome = try await ProcessRunner.run(try Self.tool("curl", package: "curl"), [
                    "-sS", version, "--cacert", Self.fixture("snitest.org.cert"),
                    "--resolve", "snitest.org:\(port):127.0.0.1", "-H", "Cookie: a=1", "-H", "Cookie: b=2",
                    "-w", "\n%{http_code} %{http_version}", "https://snitest.org:\(port)/tls/path?q=1",
                ])
                #expect(outcome.status == 0, "\(outcome.stderr)")
                let (echo, trailer) = try Self.whoamiAndTrailer(outcome.stdout)
                #expect(trailer == (version == "--http2" ? "200 2" : "200 1.1"), "\(version)")
                #expect(echo.header("X-Forwarded-Proto") == ["https"])
                #expect(echo.header("X-Forwarded-Host") == ["snitest.org:\(port)"])
                #expect(echo.uri == "/tls/path?q=1")
                #expect(echo.proto == "HTTP/1.1")
                // HTTP/2 carries cookies as separate fields: joined into one line for HTTP/1.1 (RFC 9113 §8.2.3).
                #expect(echo.header("Cookie") == (version == "--http2" ? ["a=1; b=2"] : ["a=1", "b=2"]))
            }
            // Plain HTTP still says http.
            #expect(try await proxy.get("/").whoami().header("X-Forwarded-Proto") == ["http"])
        }
    }

    /// curl's output with `-w "\n…"`: the whoami JSON, then the write-out line.
    static func whoamiAndTrailer(_ stdout: String) throws -> (WhoamiEcho, String) {
        guard let split = stdout.lastIndex(of: "\n") else { throw TestFailure("unexpected curl output: \(stdout)") }
        let echo = try JSONDecoder().decode(WhoamiEcho.self, from: Data(stdout[..<split].utf8))
        return (echo, String(stdout[stdout.index(after: split)...]))
    }

    /// A POST body of 1 MiB over h2 arrives intact (the bridge frames it as chunked for the backend).
    @Test func http2RequestAndResponseBodiesAreIntact() async throws {
        try await ProxyHarness.with(backends: 1, toml: Self.config()) { proxy in
            let port = try #require(proxy.traefik.proxy.boundPort(of: "https"))
            let directory = proxy.directory
            let body = directory.appendingPathComponent("body.bin")
            let bytes = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            try Data(bytes).write(to: body)
            let outcome = try await ProcessRunner.run(try Self.tool("curl", package: "curl"), [
                "-sS", "--http2", "-k", "--data-binary", "@\(body.path)", "-H", "Content-Type: application/octet-stream",
                "-w", "\n%{http_code} %{http_version}", "https://127.0.0.1:\(port)/upload",
            ])
            let (echo, trailer) = try Self.whoamiAndTrailer(outcome.stdout)
            #expect(trailer == "200 2", "\(outcome.stderr)")
            #expect(echo.bodyLength == bytes.count)
            #expect(echo.bodyChecksum == FNV1a64.hex(of: bytes))
            let download = try await ProcessRunner.run(try Self.tool("curl", package: "curl"), [
                "-sS", "--http2", "-k", "-o", "/dev/null", "-w", "%{http_code} %{size_download}",
                "https://127.0.0.1:\(port)/?size=2000000&chunked=1",
            ])
            #expect(download.stdout == "200 2000000", "\(download.stdout) \(download.stderr)")
        }
    }

    /// 100 concurrent streams on one h2 connection, 1 000 requests, every one answered 2xx.
    @Test func hundredConcurrentStreamsOnOneConnection() async throws {
        try await ProxyHarness.with(backends: 1, toml: Self.config()) { proxy in
            let port = try #require(proxy.traefik.proxy.boundPort(of: "https"))
            let outcome = try await ProcessRunner.run(try Self.tool("h2load", package: "nghttp2-client"), [
                "-n", "1000", "-c", "1", "-m", "100", "https://127.0.0.1:\(port)/",
            ])
            #expect(outcome.stdout.contains("1000 succeeded"), "\(outcome.stdout) \(outcome.stderr)")
            #expect(outcome.stdout.contains("status codes: 1000 2xx"), "\(outcome.stdout)")
            #expect(outcome.stdout.contains("Application protocol: h2"), "\(outcome.stdout)")
        }
    }

    @Test func unreadableCertificateFileIsAStartupErrorNamingIt() async throws {
        let missing = Self.config(certificates: [("/nonexistent/dir/site.cert", Self.fixture("snitest.com.key"))])
        let error = await #expect(throws: (any Error).self) {
            let harness = try await ProxyHarness.start(backends: 1, toml: missing)
            await harness.stop()
        }
        #expect("\(error!)".contains("entry point https: CertFile /nonexistent/dir/site.cert: cannot read it"), "\(error!)")
    }

    @Test func keyOfAnotherCertificateIsAStartupError() async throws {
        let mismatched = Self.config(certificates: [(Self.fixture("snitest.com.cert"), Self.fixture("snitest.org.key"))])
        let error = await #expect(throws: (any Error).self) {
            let harness = try await ProxyHarness.start(backends: 1, toml: mismatched)
            await harness.stop()
        }
        #expect("\(error!)".contains("snitest.org.key does not match CertFile"), "\(error!)")
    }

    /// Inline PEM in CertFile/KeyFile, as the original accepts.
    @Test func inlinePEMCertificates() async throws {
        let cert = try String(contentsOfFile: Self.fixture("snitest.org.cert"), encoding: .utf8)
        let key = try String(contentsOfFile: Self.fixture("snitest.org.key"), encoding: .utf8)
        let toml = Self.config(certificates: [("\n" + cert, "\n" + key)])
            .replacingOccurrences(of: "CertFile = \"\n", with: "CertFile = \"\"\"\n")
            .replacingOccurrences(of: "KeyFile = \"\n", with: "KeyFile = \"\"\"\n")
            .replacingOccurrences(of: "-----\n\"", with: "-----\n\"\"\"")
        try await ProxyHarness.with(backends: 1, toml: toml) { proxy in
            let port = try #require(proxy.traefik.proxy.boundPort(of: "https"))
            #expect(try await Self.presentedSubject(port: port, serverName: "snitest.org") == "subject=CN = snitest.org")
        }
    }

    /// Replacing the certificate files swaps the certificate for new connections; the listener stays open.
    @Test func certificatesSwapWhenTheirFilesChange() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cert = directory.appendingPathComponent("site.cert").path
        let key = directory.appendingPathComponent("site.key").path
        try FileManager.default.copyItem(atPath: Self.fixture("snitest.com.cert"), toPath: cert)
        try FileManager.default.copyItem(atPath: Self.fixture("snitest.com.key"), toPath: key)
        try await ProxyHarness.with(backends: 1, toml: Self.config(certificates: [(cert, key)])) { proxy in
            let port = try #require(proxy.traefik.proxy.boundPort(of: "https"))
            #expect(try await Self.presentedSubject(port: port, serverName: nil) == "subject=CN = snitest.com")
            // A broken file is refused and the current certificate keeps serving.
            try "not a certificate".write(toFile: cert, atomically: true, encoding: .utf8)
            try await Task.sleep(for: Traefik.certificatePollInterval * 2)  // give a wrong swap the chance to happen
            #expect(try await Self.presentedSubject(port: port, serverName: nil) == "subject=CN = snitest.com")
            try FileManager.default.removeItem(atPath: cert)
            try FileManager.default.removeItem(atPath: key)
            try FileManager.default.copyItem(atPath: Self.fixture("snitest.org.key"), toPath: key)
            try FileManager.default.copyItem(atPath: Self.fixture("snitest.org.cert"), toPath: cert)
            try await eventually(timeout: .seconds(20), "the new certificate is served") {
                try await Self.presentedSubject(port: port, serverName: nil) == "subject=CN = snitest.org"
            }
        }
    }

    /// A client that connects and never says hello is disconnected after the 10 s handshake timeout.
    @Test func silentClientIsDisconnectedAfterTheHandshakeTimeout() async throws {
        try await ProxyHarness.with(backends: 1, toml: Self.config()) { proxy in
            let port = try #require(proxy.traefik.proxy.boundPort(of: "https"))
            let started = ContinuousClock.now
            let silent = try await HTTPTestClient.connect(port: port)
            #expect(try await silent.waitForClose(timeout: .seconds(30)))
            #expect(ContinuousClock.now - started >= .seconds(9))
            await silent.close()
        }
    }

    @Test func tls11IsRefused() async throws {
        try await ProxyHarness.with(backends: 1, toml: Self.config()) { proxy in
            let port = try #require(proxy.traefik.proxy.boundPort(of: "https"))
            let openssl = try Self.tool("openssl", package: "openssl")
            let modern = try await ProcessRunner.run(openssl, ["s_client", "-connect", "127.0.0.1:\(port)", "-tls1_2"])
            #expect(modern.stdout.contains("Protocol  : TLSv1.2") || modern.stdout.contains("TLSv1.2"), "\(modern.stdout)")
            let old = try await ProcessRunner.run(openssl, [
                "s_client", "-connect", "127.0.0.1:\(port)", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0",
            ])
            #expect(old.status != 0)
            #expect(!old.stdout.contains("subject=CN"), "\(old.stdout)")
        }
    }
}

/// `https://` backend servers: reached over TLS with the backend host as SNI, verified against `rootCAs`.
@Suite struct HTTPSBackendTests {
    static func config(rootCAs: Bool) -> String {
        let trust = rootCAs ? "rootCAs = [\"\(TLSTests.fixture("backend.test.cert"))\"]\n" : ""
        return trust + testEntryPoint + """
            [backends]
              [backends.secure.servers.s]
              url = "https://localhost:{{TLSB}}"
            [frontends]
              [frontends.all]
              backend = "secure"
            """
    }

    static func withSecureBackend(_ body: (WhoamiServer) async throws -> Void) async throws {
        let backend = try WhoamiServer(
            name: "secure", certificateFile: TLSTests.fixture("backend.test.cert"),
            keyFile: TLSTests.fixture("backend.test.key"))
        try await backend.start()
        do {
            try await body(backend)
            try await backend.stop()
        } catch {
            try await backend.stop()
            throw error
        }
    }

    @Test func trustedBackendIsReachedOverTLSWithSNI() async throws {
        try await Self.withSecureBackend { backend in
            let toml = Self.config(rootCAs: true).replacingOccurrences(of: "{{TLSB}}", with: String(backend.port))
            // One event loop: every client connection uses the same upstream pool.
            try await ProxyHarness.with(backends: 0, toml: toml, threads: 1) { proxy in
                for _ in 0..<3 {
                    let response = try await proxy.get("/secure?q=1", host: "example.test")
                    #expect(response.status == 200)
                    #expect(try response.whoami().uri == "/secure?q=1")
                }
                #expect(backend.tlsServerNames.first == "localhost")
                // Keep-alive to the backend: the three requests shared one TLS connection.
                #expect(backend.connectionsAccepted == 1)
            }
        }
    }

    @Test func untrustedBackendCertificateGives502() async throws {
        try await Self.withSecureBackend { backend in
            let toml = Self.config(rootCAs: false).replacingOccurrences(of: "{{TLSB}}", with: String(backend.port))
            try await ProxyHarness.with(backends: 0, toml: toml) { proxy in
                let response = try await proxy.get("/")
                #expect(response.status == 502)
            }
        }
    }
}

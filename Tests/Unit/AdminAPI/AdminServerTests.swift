@testable import AdminAPI
import Foundation
import Logging
import Testing
import TraefikCore

/// The admin listener over real loopback sockets: framing, keep-alive, body limit, HTTPS, errors.
@Suite struct AdminServerTests {
    static let logger = Logger(label: "admin-test")

    /// Runs `body` against a started server on a free port, and stops it afterwards.
    func withServer(
        _ configuration: WebProviderConfig = WebProviderConfig(address: "127.0.0.1:0"),
        source: FakeAdminSource = FakeAdminSource(),
        _ body: (Int) async throws -> Void
    ) async throws {
        let server = try AdminServer(configuration: configuration, source: source, logger: Self.logger)
        try await server.start()
        do {
            let port = try #require(server.boundPort)
            try await body(port)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        #expect(server.boundPort == nil)
    }

    @Test func getAndPutOverHTTP() async throws {
        let source = FakeAdminSource(configurations: [.file: AdminSeedConfiguration.file])
        try await withServer(source: source) { port in
            let api = try await adminExchange(port: port, "GET /api HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(api.status == 200)
            #expect(api.header("Content-Type") == "application/json; charset=UTF-8")
            #expect(api.header("Content-Length") == String(api.body.utf8.count))
            #expect(api.header("Date")?.hasSuffix(" GMT") == true)
            #expect(api.body == #"{"file":"# + AdminSeedConfiguration.fileJSON + "}")

            let body = Array(#"{"frontends":{"f":{"backend":"b"}}}"#.utf8)
            let put = try await adminExchange(
                port: port,
                "PUT /api/providers/web HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n",
                body: body)
            #expect(put.status == 200)
            #expect(source.replacements == [DynamicConfiguration(frontends: ["f": Frontend(backend: "b")])])
        }
    }

    @Test func keepAliveServesSeveralRequestsAndHeadHasNoBody() async throws {
        try await withServer { port in
            let requests = "GET /api HTTP/1.1\r\nHost: x\r\n\r\n"
                + "HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            let first = try await adminExchange(port: port, requests)
            #expect(first.status == 200)
            // The rest of the stream: `{}`, then a 404 head without body, then the last 404 with its body.
            #expect(first.body.hasPrefix("{}HTTP/1.1 404 Not Found\r\n"))
            #expect(first.body.hasSuffix("\r\n\r\n404 page not found\n"))
            #expect(first.body.components(separatedBy: "404 page not found\n").count == 2)
        }
    }

    @Test func stopClosesIdleKeepAliveConnections() async throws {
        let source = FakeAdminSource()
        let server = try AdminServer(
            configuration: WebProviderConfig(address: "127.0.0.1:0"), source: source, logger: Self.logger)
        try await server.start()
        let port = try #require(server.boundPort)
        // Keep-alive: the client reads until the server closes, which only `stop` does.
        let (answered, signal) = AsyncStream<Void>.makeStream()
        let client = Task {
            defer { signal.finish() }
            return try await adminExchange(port: port, "GET /api HTTP/1.1\r\nHost: x\r\n\r\n") { signal.yield() }
        }
        for await _ in answered { break }
        await server.stop()
        let response = try await client.value
        #expect(response.status == 200)
        #expect(response.body == "{}")
    }

    @Test func bodiesPastTheLimitAre413() async throws {
        try await withServer { port in
            let response = try await adminExchange(
                port: port,
                "PUT /api/providers/web HTTP/1.1\r\nHost: x\r\nContent-Length: \(AdminServer.maximumBodyBytes + 1)\r\n\r\n")
            #expect(response.status == 413)
            #expect(response.header("Connection") == "close")
        }
    }

    @Test func expectContinueGetsAnInterimResponse() async throws {
        try await withServer { port in
            let body = Array("{}".utf8)
            let response = try await adminExchange(
                port: port,
                "PUT /api/providers/web HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\n",
                body: body)
            #expect(response.status == 100)
            #expect(response.body.hasPrefix("HTTP/1.1 200 OK\r\n"))
        }
    }

    @Test func httpsWhenCertificateAndKeyAreSet() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("admin-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certFile = directory.appendingPathComponent("admin.cert").path
        let keyFile = directory.appendingPathComponent("admin.key").path
        try AdminTestCertificate.certificate.write(toFile: certFile, atomically: true, encoding: .utf8)
        try AdminTestCertificate.key.write(toFile: keyFile, atomically: true, encoding: .utf8)

        let configuration = WebProviderConfig(address: "127.0.0.1:0", certFile: certFile, keyFile: keyFile)
        try await withServer(configuration) { port in
            let response = try await adminExchange(port: port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", tls: true)
            #expect(response.status == 302)
            #expect(response.header("Location") == "/dashboard/")
            // Plain HTTP on the HTTPS listener gets no HTTP answer.
            await #expect(throws: (any Error).self) {
                try await adminExchange(port: port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            }
        }

        #expect {
            try AdminServer(
                configuration: WebProviderConfig(address: ":0", certFile: directory.path + "/missing.cert", keyFile: keyFile),
                source: FakeAdminSource(), logger: Self.logger)
        } throws: { "\($0)".contains("web CertFile \(directory.path)/missing.cert") }
    }

    @Test func configurationAndBindErrorsNameTheirCause() async throws {
        #expect {
            try AdminServer(configuration: WebProviderConfig(address: "8080"), source: FakeAdminSource(), logger: Self.logger)
        } throws: { "\($0)".hasPrefix("web address \"8080\": missing port") }

        try await withServer { port in
            let second = try AdminServer(
                configuration: WebProviderConfig(address: "127.0.0.1:\(port)"), source: FakeAdminSource(), logger: Self.logger)
            await #expect {
                try await second.start()
            } throws: { "\($0)".hasPrefix("web: cannot listen on 127.0.0.1:\(port)") }
        }
    }
}

/// A self-signed P-256 certificate for `admin.test`, valid until 2126.
enum AdminTestCertificate {
    static let certificate = """
        -----BEGIN CERTIFICATE-----
        MIIBgDCCASegAwIBAgIUUTL86LvWUV1AbsrdG9tB+sXNkiUwCgYIKoZIzj0EAwIw
        FTETMBEGA1UEAwwKYWRtaW4udGVzdDAgFw0yNjExMjcwNjM3MzdaGA8yMTI2MTEw
        MzA2MzczN1owFTETMBEGA1UEAwwKYWRtaW4udGVzdDBZMBMGByqGSM49AgEGCCqG
        SM49AwEHA0IABO1CSgis2jgGDefq9bjcJQlZzP1S1U6AYVSVyOg3FuLS8SS9vJIf
        CRQp/cyaFxul4LN5673TXUQcgspBJYLpADejUzBRMB0GA1UdDgQWBBR+gwUDyRUM
        Rx4zq6xYdZ6IDnvFozAfBgNVHSMEGDAWgBR+gwUDyRUMRx4zq6xYdZ6IDnvFozAP
        BgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCICgz0y2Y1TysrR7aD8tf
        gZija5KKRsQiVBT7+vf8WbawAiATRemY13oBOUOXMM1MboVahzlV4AZ+ORBrxVEq
        eo5bMg==
        -----END CERTIFICATE-----

        """

    static let key = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg0RzTA5arSSvpZAcs
        IHAlvcvsOg7efS6IQQcnFnBa1t2hRANCAATtQkoIrNo4Bg3n6vW43CUJWcz9UtVO
        gGFUlcjoNxbi0vEkvbySHwkUKf3MmhcbpeCzeeu9011EHILKQSWC6QA3
        -----END PRIVATE KEY-----

        """
}

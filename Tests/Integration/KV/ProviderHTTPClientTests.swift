import FakeFarm
import Foundation
import NIOSSL
import ProviderHTTP
import Testing

/// ProviderHTTPClient against raw servers: framing, limits, timeouts, unix sockets, TLS with client certificates,
/// and connections released on cancellation.
@Suite struct ProviderHTTPClientTests {
    static let fixtures = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("integration/fixtures/https")

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    static func client(_ port: Int?, _ configuration: ProviderHTTPClient.Configuration = .init(), scheme: String = "http")
        throws -> ProviderHTTPClient
    {
        try ProviderHTTPClient(endpoint: HTTPEndpoint(parsing: "\(scheme)://127.0.0.1:\(port ?? 0)"), configuration: configuration)
    }

    static func expectKind(
        _ kinds: [ProviderHTTPError.Kind],
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> Void
    ) async {
        do {
            try await body()
            Issue.record("expected a ProviderHTTPError in \(kinds)", sourceLocation: sourceLocation)
        } catch let error as ProviderHTTPError {
            #expect(kinds.contains(error.kind), "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func sendsTheRequestAndReadsALengthDelimitedResponse() async throws {
        let server = try await ProviderHTTPTestServer.start { _ in
            .bytesThenClose(Array("HTTP/1.1 201 Created\r\nX-Consul-Index: 7\r\nContent-Length: 5\r\n\r\nhello".utf8))
        }
        defer { Task { await server.stop() } }
        let client = try Self.client(server.port)
        let response = try await client.send(
            ProviderHTTPRequest(method: "PUT", target: "/v1/kv/a?x=1", headers: [("X-Test", "yes")], body: Array("body".utf8)))
        #expect(response.status == 201)
        #expect(response.header("x-consul-index") == "7")
        #expect(response.body == Array("hello".utf8))
        let request = try #require(server.requests.first)
        #expect(request.hasPrefix("PUT /v1/kv/a?x=1 HTTP/1.1\r\n"))
        #expect(request.contains("Host: 127.0.0.1:\(server.port ?? 0)\r\n"))
        #expect(request.contains("X-Test: yes\r\n"))
        #expect(request.contains("Content-Length: 4\r\n"))
        #expect(request.contains("Connection: close\r\n"))
        #expect(request.hasSuffix("\r\n\r\nbody"))
        try await eventually("the connection to be released") { client.openConnectionCount == 0 }
    }

    @Test func unixSocketWithChunkedAndCloseDelimitedBodies() async throws {
        let path = "/tmp/phttp-\(UUID().uuidString.prefix(8)).sock"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let server = try await ProviderHTTPTestServer.start(unixSocket: path) { request in
            request.hasPrefix("GET /chunked")
                ? .bytesThenClose(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n".utf8))
                : .bytesThenClose(Array("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end".utf8))
        }
        defer { Task { await server.stop() } }
        let endpoint = try HTTPEndpoint(parsing: "unix://\(path)")
        let client = try ProviderHTTPClient(endpoint: endpoint)
        #expect(try await client.send(ProviderHTTPRequest(target: "/chunked")).body == Array("abcde".utf8))
        #expect(try await client.send(ProviderHTTPRequest(target: "/close")).body == Array("until the end".utf8))
        #expect(server.requests.first?.contains("Host: localhost\r\n") == true)
    }

    @Test func missingUnixSocketAndRefusedPortFailToConnect() async throws {
        let socketClient = try ProviderHTTPClient(endpoint: HTTPEndpoint(parsing: "unix:///tmp/no-such-\(UUID().uuidString).sock"))
        await Self.expectKind([.connectFailed]) { _ = try await socketClient.send(ProviderHTTPRequest(target: "/")) }
        let tcpClient = try Self.client(try PortAllocator.closedPort())
        await Self.expectKind([.connectFailed]) { _ = try await tcpClient.send(ProviderHTTPRequest(target: "/")) }
    }

    @Test func bodiesOverTheCapAreRefused() async throws {
        let server = try await ProviderHTTPTestServer.start { _ in
            .bytesThenClose(Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".utf8) + Array(repeating: 0x61, count: 100))
        }
        defer { Task { await server.stop() } }
        let client = try Self.client(server.port, .init(maxResponseBodySize: 99))
        await Self.expectKind([.responseTooLarge]) { _ = try await client.send(ProviderHTTPRequest(target: "/")) }
        try await eventually("the connection to be released") { client.openConnectionCount == 0 }
    }

    @Test func aSilentServerTimesOutAndTheConnectionIsClosed() async throws {
        let server = try await ProviderHTTPTestServer.start { _ in .bytesHoldingOpen([]) }
        defer { Task { await server.stop() } }
        let client = try Self.client(server.port)
        await Self.expectKind([.timedOut]) {
            _ = try await client.send(ProviderHTTPRequest(target: "/"), timeout: .milliseconds(300))
        }
        try await eventually("the server to see the close") { server.openConnectionCount == 0 }
    }

    @Test func aBrokenResponseIsInvalid() async throws {
        let server = try await ProviderHTTPTestServer.start { _ in .bytesThenClose(Array("SSH-2.0-OpenSSH\r\n\r\n".utf8)) }
        defer { Task { await server.stop() } }
        let client = try Self.client(server.port)
        await Self.expectKind([.invalidResponse]) { _ = try await client.send(ProviderHTTPRequest(target: "/")) }
    }

    @Test func streamingDeliversChunksAsTheyComeAndDroppingTheStreamClosesTheConnection() async throws {
        let server = try await ProviderHTTPTestServer.start { _ in
            .bytesHoldingOpen(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nevent1\r\n".utf8))
        }
        defer { Task { await server.stop() } }
        let client = try Self.client(server.port)
        do {
            let (head, body) = try await client.stream(ProviderHTTPRequest(target: "/watch"), timeout: nil)
            #expect(head.status == 200)
            var iterator = body.makeAsyncIterator()
            #expect(try await iterator.next() == Array("event1".utf8))
            #expect(server.openConnectionCount == 1)
        }
        try await eventually("the server to see the close") { server.openConnectionCount == 0 }
        #expect(client.openConnectionCount == 0)
    }

    @Test func cancellingASendClosesItsConnection() async throws {
        let server = try await ProviderHTTPTestServer.start { _ in .bytesHoldingOpen([]) }
        defer { Task { await server.stop() } }
        let client = try Self.client(server.port)
        let task = Task { try await client.send(ProviderHTTPRequest(target: "/"), timeout: .seconds(60)) }
        try await eventually("the request to arrive") { server.requests.count == 1 }
        task.cancel()
        await #expect(throws: (any Error).self) { try await task.value }
        try await eventually("the server to see the close") { server.openConnectionCount == 0 }
    }

    @Test func closeEndsOpenStreamsAndRefusesNewRequests() async throws {
        let server = try await ProviderHTTPTestServer.start { _ in
            .bytesHoldingOpen(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
        }
        defer { Task { await server.stop() } }
        let client = try Self.client(server.port)
        let (_, body) = try await client.stream(ProviderHTTPRequest(target: "/"), timeout: nil)
        await client.close()
        await Self.expectKind([.connectionClosed]) { for try await _ in body {} }
        await Self.expectKind([.clientClosed]) { _ = try await client.send(ProviderHTTPRequest(target: "/")) }
        try await eventually("the server to see the close") { server.openConnectionCount == 0 }
    }

    // MARK: TLS

    /// backend.test (IP SAN 127.0.0.1) or snitest.com (DNS name only) as the server; clients must present a
    /// certificate signed by (here: equal to) snitest.com's when `requireClientCertificate`.
    static func tlsServer(certificate: String = "backend.test", requireClientCertificate: Bool) async throws
        -> ProviderHTTPTestServer
    {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(fixture("\(certificate).cert")).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: fixture("\(certificate).key"), format: .pem)))
        if requireClientCertificate {
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(fixture("snitest.com.cert")))
        }
        return try await ProviderHTTPTestServer.start(tls: try NIOSSLContext(configuration: configuration)) { _ in
            .bytesThenClose(Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8))
        }
    }

    @Test func tlsWithAClientCertificate() async throws {
        let server = try await Self.tlsServer(requireClientCertificate: true)
        defer { Task { await server.stop() } }
        let withCertificate = ProviderTLSConfiguration(
            caFile: Self.fixture("backend.test.cert"), certificateFile: Self.fixture("snitest.com.cert"),
            keyFile: Self.fixture("snitest.com.key"))
        let client = try Self.client(server.port, .init(tls: withCertificate), scheme: "https")
        #expect(try await client.send(ProviderHTTPRequest(target: "/")).body == Array("ok".utf8))

        let withoutCertificate = try Self.client(
            server.port, .init(tls: ProviderTLSConfiguration(caFile: Self.fixture("backend.test.cert"))))
        await Self.expectKind([.tlsHandshakeFailed, .connectionClosed]) {
            _ = try await withoutCertificate.send(ProviderHTTPRequest(target: "/"))
        }
    }

    @Test func tlsVerifiesTheServerUnlessToldNotTo() async throws {
        let server = try await Self.tlsServer(requireClientCertificate: false)
        defer { Task { await server.stop() } }
        let wrongCA = try Self.client(server.port, .init(tls: ProviderTLSConfiguration(caFile: Self.fixture("snitest.org.cert"))))
        await Self.expectKind([.tlsHandshakeFailed]) { _ = try await wrongCA.send(ProviderHTTPRequest(target: "/")) }

        let insecure = try Self.client(server.port, .init(tls: ProviderTLSConfiguration(insecureSkipVerify: true)))
        #expect(try await insecure.send(ProviderHTTPRequest(target: "/")).status == 200)
    }

    @Test func serverNameIsWhatTheCertificateMustNameWhenTheEndpointIsAnIP() async throws {
        let server = try await Self.tlsServer(certificate: "snitest.com", requireClientCertificate: false)
        defer { Task { await server.stop() } }
        func client(serverName: String?) throws -> ProviderHTTPClient {
            try Self.client(
                server.port,
                .init(tls: ProviderTLSConfiguration(caFile: Self.fixture("snitest.com.cert"), serverName: serverName)))
        }
        #expect(try await client(serverName: "snitest.com").send(ProviderHTTPRequest(target: "/")).status == 200)
        await Self.expectKind([.tlsHandshakeFailed]) {
            _ = try await client(serverName: "other.test").send(ProviderHTTPRequest(target: "/"))
        }
        await Self.expectKind([.tlsHandshakeFailed]) {
            _ = try await client(serverName: nil).send(ProviderHTTPRequest(target: "/"))
        }
    }
}

import ProviderHTTP
import Testing

@Suite struct ProviderHTTPEndpointTests {
    @Test(arguments: [
        ("http://127.0.0.1:2379", HTTPEndpoint.Address.tcp(host: "127.0.0.1", port: 2379), false),
        ("https://etcd.example:2379/", .tcp(host: "etcd.example", port: 2379), true),
        ("127.0.0.1:8500", .tcp(host: "127.0.0.1", port: 8500), false),
        ("tcp://10.0.0.1:2375", .tcp(host: "10.0.0.1", port: 2375), false),
        ("http://consul", .tcp(host: "consul", port: 80), false),
        ("https://consul", .tcp(host: "consul", port: 443), true),
        ("http://[::1]:2379", .tcp(host: "::1", port: 2379), false),
        ("unix:///var/run/docker.sock", .unixSocket(path: "/var/run/docker.sock"), false),
        ("  HTTP://Host:1  ", .tcp(host: "Host", port: 1), false),
    ])
    func parsesTheConfiguredSpellings(text: String, address: HTTPEndpoint.Address, tls: Bool) throws {
        let endpoint = try HTTPEndpoint(parsing: text)
        #expect(endpoint.address == address)
        #expect(endpoint.requiresTLS == tls)
    }

    @Test(arguments: ["", "host", "tcp://host", "http://:80", "host:0", "host:70000", "host:abc", "unix://relative", "http://[::1"])
    func rejectsEndpointsWithoutAUsableAddress(text: String) {
        #expect(throws: ProviderHTTPError.self) { try HTTPEndpoint(parsing: text) }
    }

    @Test func hostHeaderAndDescription() throws {
        #expect(try HTTPEndpoint(parsing: "127.0.0.1:2379").hostHeader == "127.0.0.1:2379")
        #expect(try HTTPEndpoint(parsing: "http://[::1]:2379").hostHeader == "[::1]:2379")
        #expect(try HTTPEndpoint(parsing: "unix:///tmp/s.sock").hostHeader == "localhost")
        #expect(try HTTPEndpoint(parsing: "https://h:1").description == "https://h:1")
        #expect(try HTTPEndpoint(parsing: "unix:///tmp/s.sock").description == "unix:///tmp/s.sock")
    }

    @Test func unreachableKindsAreTheOnesWhereNoServerAnswered() {
        #expect(ProviderHTTPError(.connectFailed, "").isUnreachable)
        #expect(ProviderHTTPError(.timedOut, "").isUnreachable)
        #expect(ProviderHTTPError(.connectionClosed, "").isUnreachable)
        #expect(!ProviderHTTPError(.invalidResponse, "").isUnreachable)
        #expect(!ProviderHTTPError(.responseTooLarge, "").isUnreachable)
    }

    @Test func headerLookupIsCaseInsensitive() {
        let head = ProviderHTTPResponseHead(status: 200, headers: [("X-Etcd-Index", "7"), ("x-etcd-index", "8")])
        #expect(head.header("x-etcd-index") == "7")
        #expect(head.header("missing") == nil)
    }

    @Test func missingTLSFilesAreAConfigurationError() {
        let configuration = ProviderHTTPClient.Configuration(tls: ProviderTLSConfiguration(caFile: "/nonexistent/ca.pem"))
        #expect(throws: ProviderHTTPError.self) {
            try ProviderHTTPClient(endpoint: HTTPEndpoint(parsing: "https://127.0.0.1:1"), configuration: configuration)
        }
        let halfPair = ProviderHTTPClient.Configuration(tls: ProviderTLSConfiguration(certificateFile: "/x.cert"))
        #expect(throws: ProviderHTTPError(.tlsConfiguration, "TLS: a client certificate needs both a cert and a key file")) {
            try ProviderHTTPClient(endpoint: HTTPEndpoint(parsing: "https://127.0.0.1:1"), configuration: halfPair)
        }
    }
}

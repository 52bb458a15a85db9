import FakeFarm
import Foundation
import Testing

/// Hostile framing (issue 10, RFC 9112): every ambiguous or malformed request gets 400 (501 for a transfer coding
/// we do not implement, as RFC 9112 §6.1 says), the connection is closed, and nothing reaches the backend.
@Suite struct SmugglingTests {
    static let attacks: [(String, String)] = [
        ("CL + TE", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ("two differing CL", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde"),
        ("CL list", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4, 5\r\n\r\nabcde"),
        ("CL +5", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\nabcde"),
        ("CL hex", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x5\r\n\r\nabcde"),
        ("CL negative", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n"),
        ("CL overflow", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n"),
        ("TE chunked, identity", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
        ("TE xchunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
        ("space before colon", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
        ("invalid chunk size", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n"),
        ("bare LF in head", "GET / HTTP/1.1\nHost: h\n\n"),
        ("obs-fold", "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n  folded\r\n\r\n"),
        ("NUL in value", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{0}b\r\n\r\n"),
        ("CR in value", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\rb\r\n\r\n"),
        ("two Host", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
        ("no Host in 1.1", "GET / HTTP/1.1\r\nX-A: 1\r\n\r\n"),
    ]

    @Test(arguments: attacks.map(\.0))
    func refusedWithNothingForwarded(_ name: String) async throws {
        let request = try #require(Self.attacks.first { $0.0 == name }?.1)
        try await ProxyHarness.with(backends: 1, toml: catchAllConfig()) { proxy in
            let client = try await HTTPTestClient.connect(port: proxy.port)
            try await client.send(request)
            let response = try await client.readResponse()
            let expected = name.hasPrefix("TE ") ? 501 : 400
            #expect(response.status == expected, "\(name)")
            #expect(try await client.waitForClose(), "\(name): the connection stayed open")
            await client.close()
            #expect(proxy.backends[0].requestsServed == 0, "\(name) reached the backend")
        }
    }
}

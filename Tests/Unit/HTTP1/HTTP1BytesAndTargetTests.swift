import Testing

@testable import ProxyServer

@Suite("HTTP/1 byte helpers, header names and request targets")
struct HTTP1BytesAndTargetTests {
    typealias Support = WireTestSupport

    static let knownNames: [(String, KnownHeader)] = [
        ("host", .host), ("content-length", .contentLength), ("transfer-encoding", .transferEncoding),
        ("connection", .connection), ("keep-alive", .keepAlive), ("proxy-connection", .proxyConnection),
        ("te", .te), ("trailer", .trailer), ("upgrade", .upgrade), ("proxy-authenticate", .proxyAuthenticate),
        ("proxy-authorization", .proxyAuthorization), ("expect", .expect), ("x-forwarded-for", .xForwardedFor),
        ("x-forwarded-proto", .xForwardedProto), ("x-forwarded-host", .xForwardedHost),
        ("x-forwarded-server", .xForwardedServer),
    ]

    static func recognise(_ name: String) -> KnownHeader {
        let bytes = Array(name.utf8)
        return bytes.withUnsafeBytes { KnownHeader(name: 0..<bytes.count, in: $0) }
    }

    @Test func knownHeadersAreRecognisedInAnyCase() {
        for (name, known) in Self.knownNames {
            let mixed = String(name.enumerated().map { $0.offset.isMultiple(of: 2) ? Character($0.element.uppercased()) : $0.element })
            for spelling in [name, name.uppercased(), mixed] {
                #expect(Self.recognise(spelling) == known, "\(spelling)")
            }
        }
    }

    @Test(arguments: ["hosts", "hos", "content-lengtx", "contentlength", "x-forwarded-fo~", "t~", "", "Cookie", "tE_"])
    func otherNamesAreOther(_ name: String) {
        #expect(Self.recognise(name) == .other)
    }

    @Test func knownHeaderIsSetOnScannedLines() throws {
        let text = "GET / HTTP/1.1\r\nHOST: a\r\nX-Forwarded-For: 1.2.3.4\r\nproxy-authorization: x\r\n\r\n"
        let head = try #require(Support.requestHead(text))
        #expect(head.headers.map(\.known) == [.host, .xForwardedFor, .proxyAuthorization])
    }

    @Test func tokenCharactersMatchRFC9110() {
        let tchar = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        for byte in UInt8.min...UInt8.max {
            #expect(HTTP1Bytes.isToken(byte) == tchar.contains(byte), "byte \(byte)")
        }
    }

    @Test func hostCharactersMatchRFC3986() {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:[]%".utf8)
        for byte in UInt8.min...UInt8.max {
            #expect(HTTP1Bytes.isHostByte(byte) == allowed.contains(byte), "byte \(byte)")
        }
    }

    @Test func targetEndSearchAgreesWithALinearSearch() {
        var generator = SystemRandomNumberGenerator()
        let candidates: [UInt8] = [0x00, 0x09, 0x20, 0x21, 0x41, 0x7E, 0x7F, 0x80, 0xA0, 0xFF]
        for _ in 0..<300 {
            let length = Int.random(in: 0...24, using: &generator)
            let bytes = (0..<length).map { _ in
                Int.random(in: 0...5, using: &generator) == 0 ? candidates.randomElement(using: &generator)! : 0x2F
            }
            let start = Int.random(in: 0...length, using: &generator)
            let expected = bytes[start...].firstIndex { $0 <= 0x20 || $0 == 0x7F }
            let found = bytes.withUnsafeBytes { HTTP1Bytes.firstSpaceOrControl(in: $0, from: start, to: length) }
            #expect(found == expected, "\(bytes) from \(start)")
        }
    }

    @Test func byteSearchAgreesWithALinearSearch() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let length = Int.random(in: 0...40, using: &generator)
            let bytes = (0..<length).map { _ in [UInt8(0x0A), 0x0D, 0x41, 0x8A][Int.random(in: 0...3, using: &generator)] }
            let start = Int.random(in: 0...length, using: &generator)
            let end = Int.random(in: start...length, using: &generator)
            let expected = bytes[start..<end].firstIndex(of: 0x0A)
            let found = bytes.withUnsafeBytes { HTTP1Bytes.firstIndex(of: 0x0A, in: $0, from: start, to: end) }
            #expect(found == expected, "\(bytes) \(start)..<\(end)")
        }
    }

    @Test func controlCheckAgreesWithAByteByByteCheck() {
        var generator = SystemRandomNumberGenerator()
        let candidates: [UInt8] = [0x00, 0x09, 0x0A, 0x1F, 0x20, 0x41, 0x7E, 0x7F, 0x80, 0xFF]
        for _ in 0..<300 {
            let length = Int.random(in: 0...24, using: &generator)
            // Mostly harmless bytes, so both the word path and the byte path are exercised.
            let bytes = (0..<length).map { _ in
                Int.random(in: 0...5, using: &generator) == 0 ? candidates.randomElement(using: &generator)! : 0x61
            }
            let expected = bytes.contains { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }
            let found = bytes.withUnsafeBytes { HTTP1Bytes.containsForbiddenControl($0, 0..<length) }
            #expect(found == expected, "\(bytes)")
        }
    }

    static func split(_ target: String) -> (path: String?, query: String?, host: String?) {
        let bytes = Array(target.utf8)
        let parts = bytes.withUnsafeBytes { RequestTarget.split($0, target: 0..<bytes.count) }
        return (Support.slice(target, parts.pathBytes), Support.slice(target, parts.query), Support.slice(target, parts.absoluteHost))
    }

    @Test func splitsTargets() {
        #expect(Self.split("/a/b") == ("/a/b", nil, nil))
        #expect(Self.split("/a?b=c?d") == ("/a", "b=c?d", nil))
        #expect(Self.split("/?") == ("/", "", nil))
        #expect(Self.split("http://h:8/x?q") == ("/x", "q", "h:8"))
        #expect(Self.split("HTTPS://h") == ("", nil, "h"))
        #expect(Self.split("http://h?q") == ("", "q", "h"))
        #expect(Self.split("*") == ("*", nil, nil))
    }

    static func decode(_ path: String) -> String? {
        let bytes = Array(path.utf8)
        return bytes.withUnsafeBytes { RequestTarget.decodePath($0, path: 0..<bytes.count) }
    }

    @Test func decodesPathsForRouting() {
        #expect(Self.decode("/plain/path") == "/plain/path")
        #expect(Self.decode("/%41%62c") == "/Abc")
        // %2F is decoded like any other escape: routing sees "/", forwarding keeps the raw bytes.
        #expect(Self.decode("/a%2Fb%2fc") == "/a/b/c")
        #expect(Self.decode("/a+b%20c") == "/a+b c")
        #expect(Self.decode("/caf%C3%A9") == "/caf\u{E9}")
        #expect(Self.decode("/bad%FF") == "/bad\u{FFFD}")
        #expect(Self.decode("") == "/")
    }

    @Test(arguments: ["/%", "/%4", "/%G1", "/%1G", "/a%2"])
    func rejectsInvalidPercentEncoding(_ path: String) {
        #expect(Self.decode(path) == nil)
    }
}

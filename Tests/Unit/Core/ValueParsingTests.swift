import Testing
import TraefikCore

@Suite("ServerURL")
struct ServerURLTests {
    @Test(
        "Scheme, host, port and authority as written",
        arguments: [
            ("http://172.17.0.4:80", "http", "172.17.0.4", 80, "172.17.0.4:80"),
            ("http://a.b", "http", "a.b", 80, "a.b"),
            ("https://a.b", "https", "a.b", 443, "a.b"),
            ("HTTP://Backend:8080/ignored/path?q=1", "http", "Backend", 8080, "Backend:8080"),
            ("http://[::1]:8081", "http", "::1", 8081, "[::1]:8081"),
            ("http://[::1]", "http", "::1", 80, "[::1]"),
            ("http://user:pw@host:81", "http", "host", 81, "host:81"),
            ("http://h?x", "http", "h", 80, "h"),
        ]
    )
    func parses(url: String, scheme: String, host: String, port: Int, authority: String) throws {
        let parsed = try ServerURL.parse(url)
        #expect(parsed == ServerURL(scheme: scheme, host: host, port: port, authority: authority))
    }

    @Test(
        "Rejected URLs",
        arguments: ["ftp://a.b", "172.17.0.4:80", "http://", "http:///path", "http://a:", "http://a:x", "http://a:70000",
                    "http://a:0", "http://[::1", "http://[::1]x", ""]
    )
    func rejects(url: String) {
        #expect(throws: ValueParseError.self) { try ServerURL.parse(url) }
    }

    @Test("The error names the input and the reason")
    func errorMessage() {
        #expect(throws: ValueParseError(input: "ftp://a", reason: "unsupported scheme \"ftp\" (expected http or https)")) {
            try ServerURL.parse("ftp://a")
        }
    }
}

@Suite("ListenAddress")
struct ListenAddressTests {
    @Test(
        "Host and port",
        arguments: [
            (":80", nil, 80),
            ("127.0.0.1:8000", "127.0.0.1", 8000),
            ("[::1]:80", "::1", 80),
            ("localhost:80", "localhost", 80),
            (":0", nil, 0),
            (":http", nil, 80),
            ("[::]:443", "::", 443),
        ] as [(String, String?, Int)]
    )
    func parses(text: String, host: String?, port: Int) throws {
        #expect(try ListenAddress.parse(text) == ListenAddress(host: host, port: port))
    }

    @Test("Rejected addresses", arguments: ["", "80", "localhost", "127.0.0.1", ":", ":x", ":65536", "::1:80", "[::1]", "[::1]80", "[::1:80"])
    func rejects(text: String) {
        #expect(throws: ValueParseError.self) { try ListenAddress.parse(text) }
    }

    @Test("A missing port says so")
    func missingPortMessage() {
        do {
            _ = try ListenAddress.parse("localhost")
            Issue.record("expected an error")
        } catch {
            #expect(error.reason.contains("missing port"))
        }
    }

    @Test("Description round-trips")
    func description() throws {
        for text in [":80", "127.0.0.1:8000", "[::1]:80"] {
            #expect(try ListenAddress.parse(text).description == text)
        }
    }
}

@Suite("GoDuration")
struct GoDurationTests {
    @Test(
        "Go duration syntax",
        arguments: [
            ("300ms", Duration.milliseconds(300)),
            ("1.5h", .seconds(5400)),
            ("2h45m", .seconds(9900)),
            ("10s", .seconds(10)),
            ("0", .zero),
            ("-1.5s", .milliseconds(-1500)),
            ("+5m", .seconds(300)),
            ("1ns", .nanoseconds(1)),
            ("2us", .microseconds(2)),
            ("2µs", .microseconds(2)),
            ("2μs", .microseconds(2)),
            (".5s", .milliseconds(500)),
            ("1.s", .seconds(1)),
            ("1h2m3s4ms", .milliseconds(3_723_004)),
            ("0s", .zero),
        ]
    )
    func parses(text: String, expected: Duration) throws {
        #expect(try GoDuration.parse(text) == expected)
    }

    @Test("Rejected durations", arguments: ["", "10", "s", "1x", ".s", "1.5", "-", "1h-5m", "10 s", "9999999999h"])
    func rejects(text: String) {
        #expect(throws: ValueParseError.self) { try GoDuration.parse(text) }
    }

    @Test(
        "Formatting like Go's Duration.String",
        arguments: [
            (Duration.zero, "0s"),
            (.nanoseconds(1), "1ns"),
            (.nanoseconds(1500), "1.5µs"),
            (.milliseconds(300), "300ms"),
            (.seconds(10), "10s"),
            (.milliseconds(1500), "1.5s"),
            (.seconds(90), "1m30s"),
            (.seconds(7200), "2h0m0s"),
            (.milliseconds(-1500), "-1.5s"),
        ]
    )
    func formats(duration: Duration, expected: String) throws {
        #expect(GoDuration.format(duration) == expected)
        #expect(try GoDuration.parse(expected) == duration)
    }
}

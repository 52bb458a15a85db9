import Testing
import TraefikCore

/// Entry-point redirects (spec §3.3, §3.4; decisions D2, D3; testable B7–B13).
@Suite struct EntryPointRedirectTests {
    private static let certificate = CertificateConfig(certFile: "cert.pem", keyFile: "key.pem")

    private static let entryPoints: [String: EntryPointConfig] = [
        "http": EntryPointConfig(address: ":8080", redirect: RedirectConfig(entryPoint: "https")),
        "https": EntryPointConfig(address: ":8443", tls: TLSConfig(certificates: [certificate])),
        "plain": EntryPointConfig(address: "127.0.0.1:9090"),
        "emptyTLS": EntryPointConfig(address: ":9091", tls: TLSConfig(certificates: [])),
        "standardTLS": EntryPointConfig(address: ":443", tls: TLSConfig(certificates: [certificate])),
        "standardPlain": EntryPointConfig(address: ":http"),
        "noPort": EntryPointConfig(address: "0.0.0.0"),
        "portZero": EntryPointConfig(address: ":0"),
    ]

    private static func toEntryPoint(_ name: String) throws -> EntryPointRedirect {
        try EntryPointRedirect.compile(RedirectConfig(entryPoint: name), entryPoints: entryPoints)
    }

    private static func pattern(_ regex: String, _ replacement: String) throws -> EntryPointRedirect {
        try EntryPointRedirect.compile(RedirectConfig(regex: regex, replacement: replacement), entryPoints: entryPoints)
    }

    private static func compileError(_ redirect: RedirectConfig) -> String? {
        do {
            _ = try EntryPointRedirect.compile(redirect, entryPoints: entryPoints)
            return nil
        } catch {
            return error.description
        }
    }

    // MARK: To another entry point

    @Test func hostWithoutPortRedirectsToTLSEntryPoint() throws {  // B7
        let redirect = try Self.toEntryPoint("https")
        #expect(
            redirect.location(scheme: "http", host: "test.localhost", requestURI: "/path?query")
                == .redirect(location: "https://test.localhost:8443/path?query")
        )
    }

    @Test func hostPortIsReplacedByTargetPort() throws {  // B8
        let redirect = try Self.toEntryPoint("https")
        #expect(
            redirect.location(scheme: "http", host: "test.localhost:8080", requestURI: "/path?q")
                == .redirect(location: "https://test.localhost:8443/path?q")
        )
    }

    @Test func targetWithoutTLSGetsHTTP() throws {  // B10
        #expect(
            try Self.toEntryPoint("plain").location(scheme: "https", host: "example.com", requestURI: "/a?b=1&c")
                == .redirect(location: "http://example.com:9090/a?b=1&c")
        )
        #expect(
            try Self.toEntryPoint("emptyTLS").location(scheme: "http", host: "example.com", requestURI: "/")
                == .redirect(location: "http://example.com:9091/")
        )
    }

    @Test func defaultPortsAreOmitted() throws {
        #expect(
            try Self.toEntryPoint("standardTLS").location(scheme: "http", host: "example.com:8080", requestURI: "/x")
                == .redirect(location: "https://example.com/x")
        )
        #expect(
            try Self.toEntryPoint("standardPlain").location(scheme: "https", host: "example.com", requestURI: "/x")
                == .redirect(location: "http://example.com/x")
        )
    }

    @Test func ipv6HostKeepsItsBrackets() throws {
        let redirect = try Self.toEntryPoint("https")
        #expect(
            redirect.location(scheme: "http", host: "[::1]:8080", requestURI: "/a")
                == .redirect(location: "https://[::1]:8443/a")
        )
        #expect(
            redirect.location(scheme: "http", host: "[2001:DB8::10.0.0.1]", requestURI: "/")
                == .redirect(location: "https://[2001:db8::10.0.0.1]:8443/")
        )
    }

    @Test func hostIsLowercased() throws {
        #expect(
            try Self.toEntryPoint("https").location(scheme: "http", host: "Test.LocalHost:8080", requestURI: "/Path")
                == .redirect(location: "https://test.localhost:8443/Path")
        )
    }

    @Test func requestTargetNeverChangesTheHost() throws {
        let redirect = try Self.toEntryPoint("https")
        #expect(
            redirect.location(scheme: "http", host: "example.com", requestURI: "//evil.com/x")
                == .redirect(location: "https://example.com:8443//evil.com/x")
        )
        #expect(redirect.location(scheme: "http", host: "example.com", requestURI: "*")
            == .redirect(location: "https://example.com:8443/"))
        for target in ["evil.com/x", "example.com:443", "", "ftp://evil.com/x", "/a b", "/a\r\nSet-Cookie: x=1"] {
            #expect(redirect.location(scheme: "http", host: "example.com", requestURI: target) == .badHost)
        }
    }

    @Test func absoluteFormAuthorityReplacesHost() throws {
        let redirect = try Self.toEntryPoint("https")
        #expect(
            redirect.location(scheme: "http", host: "ignored.example", requestURI: "HTTP://Other.example:81/a?b=1")
                == .redirect(location: "https://other.example:8443/a?b=1")
        )
        #expect(
            redirect.location(scheme: "http", host: "ignored.example", requestURI: "http://other.example?b=1")
                == .redirect(location: "https://other.example:8443/?b=1")
        )
        for target in ["http://evil.com@good.example/", "http:///x", "http://good.example\\@evil/x"] {
            #expect(redirect.location(scheme: "http", host: "good.example", requestURI: target) == .badHost)
        }
    }

    @Test func redirectToTheSameEntryPointIsNotARedirect() throws {
        let redirect = try Self.toEntryPoint("standardPlain")
        #expect(redirect.location(scheme: "http", host: "example.com", requestURI: "/a") == .noRedirect)
        #expect(redirect.location(scheme: "http", host: "example.com:80", requestURI: "/a") == .noRedirect)
        #expect(
            redirect.location(scheme: "http", host: "example.com:8080", requestURI: "/a")
                == .redirect(location: "http://example.com/a")
        )
    }

    @Test(arguments: [
        "", "evil.com/x", "a@b", "a:b:c", "::1", "a b", "a\\b", "a%2eb", "host\r\nX-Injected: 1", "tab\there",
        "host:", "host:99999", "host:123456", "host:8o", "[::1", "[::1]x", "[::1]:", "[zz::1]", "[1:2:3:4:5:6:7:8:9]",
        "[1::2::3]", "[::1%25eth0]", "exämple.com", ":80",
    ])
    func unsafeHostsAreRejected(host: String) throws {
        #expect(try Self.toEntryPoint("https").location(scheme: "http", host: host, requestURI: "/") == .badHost)
        #expect(try Self.pattern("(.*)", "$1/x").location(scheme: "http", host: host, requestURI: "/") == .badHost)
    }

    @Test(arguments: ["localhost", "127.0.0.1:65535", "my_host.example.", "[::]", "[fe80::1:2]:1", "[1:2:3:4:5:6:7:8]"])
    func plainHostsAreAccepted(host: String) throws {
        let decision = try Self.toEntryPoint("https").location(scheme: "http", host: host, requestURI: "/")
        #expect(decision != .badHost)
    }

    // MARK: Regex and replacement

    @Test func regexRedirect() throws {  // B11
        let redirect = try Self.pattern("^http://localhost/(.*)", "http://mydomain/$1")
        #expect(
            redirect.location(scheme: "http", host: "localhost", requestURI: "/a/b")
                == .redirect(location: "http://mydomain/a/b")
        )
    }

    @Test func regexSeesSchemeHostWithPortAndQuery() throws {
        let redirect = try Self.pattern("^(https?)://([^/:]+):(\\d+)(/.*)$", "$1|$2|$3|$4")
        #expect(
            redirect.location(scheme: "https", host: "Example.com:8443", requestURI: "/a?b=1")
                == .redirect(location: "https|example.com|8443|/a?b=1")
        )
    }

    @Test func regexThatDoesNotMatchIsNotARedirect() throws {  // B12, decided: serve normally
        let redirect = try Self.pattern("^https://", "http://elsewhere/")
        #expect(redirect.location(scheme: "http", host: "localhost", requestURI: "/") == .noRedirect)
    }

    @Test func identicalResultIsNotARedirect() throws {
        let redirect = try Self.pattern("^http://localhost/(.*)", "http://localhost/$1")
        #expect(redirect.location(scheme: "http", host: "localhost", requestURI: "/a") == .noRedirect)
    }

    @Test func unanchoredRegexReplacesEveryMatchLikeGo() throws {
        #expect(
            try Self.pattern("o", "0").location(scheme: "http", host: "foo.local", requestURI: "/boo")
                == .redirect(location: "http://f00.l0cal/b00")
        )
        // Go: an empty match right after a match is not replaced ("baaac" → "XbXcX").
        #expect(
            try Self.pattern("a*", "-").location(scheme: "http", host: "h", requestURI: "/baaac")
                == .redirect(location: "-h-t-t-p-:-/-/-h-/-b-c-")
        )
    }

    @Test(arguments: [
        ("$1", "localhost"),
        ("${1}x", "localhostx"),
        ("$1x", ""),  // Go reads the group name "1x", which does not exist
        ("$$1", "$1"),
        ("a$", "a$"),
        ("${1", "${1"),
        ("${}", "${}"),
        ("$-", "$-"),
        ("$host.$path", "localhost.a/b"),
        ("${host}_${path}", "localhost_a/b"),
        ("$host_", ""),
        ("$0", "http://localhost/a/b"),
        ("$01", ""),  // a leading zero makes it a name, not a number
        ("$3", ""),  // group 3 exists but did not take part in the match
        ("$9", ""),  // no group 9
        ("${unknown}!", "!"),
    ])
    func replacementExpandsLikeGo(replacement: String, expected: String) throws {
        let redirect = try Self.pattern("^http://(?P<host>[a-z]+)/(?P<path>.*?)(#)?$", "<\(replacement);")
        #expect(
            redirect.location(scheme: "http", host: "localhost", requestURI: "/a/b")
                == .redirect(location: "<\(expected);")
        )
    }

    // MARK: Configuration errors (B13)

    @Test func configurationErrorsNameTheProblem() {
        #expect(Self.compileError(RedirectConfig(entryPoint: "x")) == "redirect.entryPoint: unknown entry point \"x\"")
        #expect(
            Self.compileError(RedirectConfig(entryPoint: "noPort"))
                == "redirect.entryPoint: entry point \"noPort\" has address \"0.0.0.0\" without a usable port: "
                + "missing port (expected host:port or :port)"
        )
        #expect(Self.compileError(RedirectConfig(entryPoint: "portZero"))?.contains("port 0 is chosen by the system") == true)
        #expect(
            Self.compileError(RedirectConfig(entryPoint: "https", regex: "a", replacement: "b"))
                == "redirect: give either entryPoint or regex and replacement, not both"
        )
        #expect(
            Self.compileError(RedirectConfig(entryPoint: "https", replacement: "b"))
                == "redirect: give either entryPoint or regex and replacement, not both"
        )
        #expect(Self.compileError(RedirectConfig(regex: "a")) == "redirect.regex needs redirect.replacement")
        #expect(Self.compileError(RedirectConfig(regex: "a", replacement: "")) == "redirect.regex needs redirect.replacement")
        #expect(Self.compileError(RedirectConfig(replacement: "b")) == "redirect.replacement needs redirect.regex")
        #expect(Self.compileError(RedirectConfig()) == "redirect: needs entryPoint, or regex and replacement")
        #expect(Self.compileError(RedirectConfig(entryPoint: "")) == "redirect: needs entryPoint, or regex and replacement")
        let regexError = Self.compileError(RedirectConfig(regex: "(", replacement: "b")) ?? ""
        #expect(regexError.hasPrefix("redirect.regex: invalid regular expression \"(\": "))
        #expect(regexError.contains("expected ')'"))
        #expect(
            Self.compileError(RedirectConfig(regex: "a", replacement: "http://{{.Request.Host}}/"))
                == "redirect.replacement \"http://{{.Request.Host}}/\": Go template syntax \"{{\" is not supported; "
                + "use $1, ${1} or ${name} to insert regex groups"
        )
        #expect(
            Self.compileError(RedirectConfig(regex: "a", replacement: "b\r\nX: y"))
                == "redirect.replacement \"b\\r\\nX: y\": control characters are not allowed in a Location"
        )
    }

    @Test func descriptionsForLogs() throws {
        #expect(try Self.toEntryPoint("https").description == "redirect to entry point \"https\" (https, port 8443)")
        #expect(try Self.pattern("^a", "b").description == "redirect matching \"^a\" to \"b\"")
    }
}

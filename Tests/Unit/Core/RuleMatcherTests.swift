import Testing
import TraefikCore

@Suite("Rule matching (spec §4.1, testable C1–C10)")
struct RuleMatcherTests {
    @Test("C1/C2: literal Host is exact and case-sensitive")
    func literalHost() throws {
        let matcher = try coreRule("Host", "test.localhost")
        #expect(matcher.matches(CoreTestRequest(host: "test.localhost")))
        #expect(!matcher.matches(CoreTestRequest(host: "other")))
        #expect(!matcher.matches(CoreTestRequest(host: "Test.localhost")))
        #expect(!matcher.matches(CoreTestRequest(host: "x.test.localhost")))
        #expect(!matcher.matches(CoreTestRequest(host: "test.localhostx")))
    }

    @Test("C3: Host template with a pattern")
    func hostTemplateWithPattern() throws {
        let matcher = try coreRule("Host", "{subdomain:[a-z]+}.localhost")
        #expect(matcher.matches(CoreTestRequest(host: "abc.localhost")))
        #expect(!matcher.matches(CoreTestRequest(host: "ab1.localhost")))
        #expect(!matcher.matches(CoreTestRequest(host: "a.b.localhost")))
        #expect(!matcher.matches(CoreTestRequest(host: "abc.localhost.evil")))
        #expect(!matcher.matches(CoreTestRequest(host: "abcXlocalhost")), "the literal dot is escaped")
    }

    @Test("C4: {name} in a host matches exactly one label")
    func hostTemplateDefaultPattern() throws {
        let matcher = try coreRule("Host", "{sub}.localhost")
        #expect(matcher.matches(CoreTestRequest(host: "x.localhost")))
        #expect(!matcher.matches(CoreTestRequest(host: "x.y.localhost")))
        #expect(!matcher.matches(CoreTestRequest(host: ".localhost")))
    }

    @Test("C5: literal Path is anchored and the trailing slash matters")
    func literalPath() throws {
        let matcher = try coreRule("Path", "/test")
        #expect(matcher.matches(CoreTestRequest(path: "/test")))
        #expect(!matcher.matches(CoreTestRequest(path: "/test/")))
        #expect(!matcher.matches(CoreTestRequest(path: "/testx")))
        #expect(!matcher.matches(CoreTestRequest(path: "/")))
    }

    @Test("C6: Path template with variables")
    func pathTemplate() throws {
        let matcher = try coreRule("Path", "/articles/{category}/{id:[0-9]+}")
        #expect(matcher.matches(CoreTestRequest(path: "/articles/a/12")))
        #expect(!matcher.matches(CoreTestRequest(path: "/articles/a/x")))
        #expect(!matcher.matches(CoreTestRequest(path: "/articles/a/b/12")))
        #expect(!matcher.matches(CoreTestRequest(path: "/articles/a/12/")))
    }

    @Test("Go's (?P<name>…) group syntax and nested braces work in a variable pattern")
    func goRegexSyntax() throws {
        let named = try coreRule("Path", "/v/{version:(?P<major>[0-9]+)}")
        #expect(named.matches(CoreTestRequest(path: "/v/12")))
        #expect(!named.matches(CoreTestRequest(path: "/v/x")))
        let counted = try coreRule("Path", "/id/{id:[0-9]{3}}")
        #expect(counted.matches(CoreTestRequest(path: "/id/123")))
        #expect(!counted.matches(CoreTestRequest(path: "/id/1234")))
    }

    @Test("Template literal text matches itself even with regex metacharacters")
    func templateLiteralsAreQuoted() throws {
        let matcher = try coreRule("Path", "/a.b+(c)/{id}")
        #expect(matcher.matches(CoreTestRequest(path: "/a.b+(c)/1")))
        #expect(!matcher.matches(CoreTestRequest(path: "/aXbb(c)/1")))
    }

    @Test("C7: PathPrefix has no segment boundary")
    func literalPathPrefix() throws {
        let matcher = try coreRule("PathPrefix", "/api")
        for path in ["/api", "/api/x", "/apix"] {
            #expect(matcher.matches(CoreTestRequest(path: path)), "\(path)")
        }
        #expect(!matcher.matches(CoreTestRequest(path: "/ap")))
        #expect(!matcher.matches(CoreTestRequest(path: "/x/api")))
    }

    @Test("PathPrefix template is anchored only at the start")
    func pathPrefixTemplate() throws {
        let matcher = try coreRule("PathPrefix", "/users/{id:[0-9]+}")
        #expect(matcher.matches(CoreTestRequest(path: "/users/42")))
        #expect(matcher.matches(CoreTestRequest(path: "/users/42/posts")))
        #expect(!matcher.matches(CoreTestRequest(path: "/users/x")))
        #expect(!matcher.matches(CoreTestRequest(path: "/v1/users/42")))
    }

    @Test("C8: Methods is case-insensitive; HEAD is not GET")
    func singleMethod() throws {
        let matcher = try coreRule("Methods", "get")
        #expect(matcher.matches(CoreTestRequest(method: "GET")))
        #expect(matcher.matches(CoreTestRequest(method: "get")))
        #expect(!matcher.matches(CoreTestRequest(method: "POST")))
        #expect(!matcher.matches(CoreTestRequest(method: "HEAD")))
        #expect(!matcher.matches(CoreTestRequest(method: "GETX")))
    }

    @Test("C9/D6: Methods accepts a comma-separated list")
    func methodList() throws {
        let matcher = try coreRule("Methods", "GET, head")
        #expect(matcher.matches(CoreTestRequest(method: "GET")))
        #expect(matcher.matches(CoreTestRequest(method: "HEAD")))
        #expect(!matcher.matches(CoreTestRequest(method: "POST")))
    }

    @Test("C10/D1: Headers matches a value exactly, header name case-insensitive")
    func headersExact() throws {
        let matcher = try coreRule("Headers", "X-Version,2")
        #expect(matcher.matches(CoreTestRequest(headers: [("x-version", "2")])))
        #expect(matcher.matches(CoreTestRequest(headers: [("X-VERSION", " 2 ")])))
        #expect(matcher.matches(CoreTestRequest(headers: [("X-Version", "1"), ("X-Version", "2")])), "any value")
        #expect(!matcher.matches(CoreTestRequest(headers: [("X-Version", "20")])))
        #expect(!matcher.matches(CoreTestRequest(headers: [("X-Other", "2")])))
        #expect(!matcher.matches(CoreTestRequest()))
    }

    @Test("Headers pairs are ANDed; an empty value means present")
    func headersPairs() throws {
        let matcher = try coreRule("Headers", "X-A, 1, X-B,")
        #expect(matcher.matches(CoreTestRequest(headers: [("X-A", "1"), ("X-B", "anything")])))
        #expect(matcher.matches(CoreTestRequest(headers: [("X-A", "1"), ("X-B", "")])))
        #expect(!matcher.matches(CoreTestRequest(headers: [("X-A", "1")])))
        #expect(!matcher.matches(CoreTestRequest(headers: [("X-A", "2"), ("X-B", "x")])))
    }

    @Test("C10/D1: HeadersRegexp is an unanchored regex on any value")
    func headersRegexp() throws {
        let matcher = try coreRule("HeadersRegexp", "Content-Type,json")
        #expect(matcher.matches(CoreTestRequest(headers: [("content-type", "application/json; charset=utf-8")])))
        #expect(!matcher.matches(CoreTestRequest(headers: [("content-type", "text/html")])))
        let anchored = try coreRule("HeadersRegexp", "X-Id,^[0-9]+$")
        #expect(anchored.matches(CoreTestRequest(headers: [("X-Id", "123")])))
        #expect(!anchored.matches(CoreTestRequest(headers: [("X-Id", "12a")])))
    }

    @Test("C15: rule names are exact and case-sensitive", arguments: ["host", "path", "Pathprefix", "Schemes", "Queries", ""])
    func unknownRule(name: String) {
        #expect(throws: RuleError.unknownRule(name)) { try RuleMatcher.compile(rule: name, value: "/x") }
    }

    @Test("The unknown-rule error lists the valid rules")
    func unknownRuleMessage() {
        let description = RuleError.unknownRule("host").description
        #expect(description.contains("\"host\""))
        for kind in RuleKind.allCases {
            #expect(description.contains(kind.rawValue))
        }
    }

    @Test(
        "C16: invalid values are rejected",
        arguments: [
            ("Path", "test"),
            ("Path", ""),
            ("PathPrefix", "api"),
            ("Path", "/{id"),
            ("Path", "/id}"),
            ("Path", "/}{"),
            ("Path", "/{id:[0-9}"),
            ("Path", "/{:[0-9]+}"),
            ("Path", "/{id:}"),
            ("Host", ""),
            ("Host", "{sub.localhost"),
            ("Methods", ""),
            ("Methods", "GET,"),
            ("Methods", "GET POST"),
            ("Headers", "X-Version"),
            ("Headers", "X-A,1,X-B"),
            ("Headers", ",1"),
            ("HeadersRegexp", "X-A,[a-"),
        ]
    )
    func invalidValue(rule: String, value: String) {
        #expect(throws: RuleError.self) { try RuleMatcher.compile(rule: rule, value: value) }
        do {
            _ = try RuleMatcher.compile(rule: rule, value: value)
        } catch {
            guard case .invalidValue(let errorRule, let errorValue, let reason) = error else {
                Issue.record("expected invalidValue, got \(error)")
                return
            }
            #expect(errorRule == rule)
            #expect(errorValue == value)
            #expect(!reason.isEmpty)
        }
    }

    @Test("Matchers compiled from the same rule and value are equal")
    func equality() throws {
        #expect(try coreRule("Path", "/{id}") == coreRule("Path", "/{id}"))
        #expect(try coreRule("Path", "/a") != coreRule("PathPrefix", "/a"))
    }
}

@Suite("Frontend matching: AND of routes (D4, testable C11–C13)")
struct FrontendMatcherTests {
    @Test("C11: Host and Path must both match")
    func hostAndPath() throws {
        let matcher = FrontendMatcher(rules: [try coreRule("Host", "test.localhost"), try coreRule("Path", "/test")])
        #expect(matcher.matches(CoreTestRequest(host: "test.localhost", path: "/test")))
        #expect(!matcher.matches(CoreTestRequest(host: "test.localhost", path: "/other")))
        #expect(!matcher.matches(CoreTestRequest(host: "other", path: "/test")))
    }

    @Test("C12: two different Host routes match nothing")
    func twoHosts() throws {
        let matcher = FrontendMatcher(rules: [try coreRule("Host", "a.localhost"), try coreRule("Host", "b.localhost")])
        #expect(!matcher.matches(CoreTestRequest(host: "a.localhost")))
        #expect(!matcher.matches(CoreTestRequest(host: "b.localhost")))
    }

    @Test("C13: a frontend with no routes matches everything")
    func noRoutes() {
        let matcher = FrontendMatcher(rules: [])
        #expect(matcher.matches(CoreTestRequest(method: "DELETE", host: "anything", path: "/x/y")))
    }

    @Test("Cheap rules are evaluated before regexes")
    func evaluationOrder() throws {
        let matcher = FrontendMatcher(rules: [
            try coreRule("Path", "/{id:[0-9]+}"),
            try coreRule("Headers", "X-A,1"),
            try coreRule("Host", "a"),
        ])
        #expect(matcher.rules.map(\.kind) == [.host, .headers, .path])
    }
}

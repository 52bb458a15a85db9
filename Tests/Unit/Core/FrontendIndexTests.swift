import Testing
import TraefikCore

/// The Host and PathPrefix index keeps the match order of a full scan (decision D5) while skipping frontends that
/// cannot match.
@Suite struct FrontendIndexTests {
    func candidates(_ index: FrontendIndex, host: String, path: String = "/") -> [Int] {
        var seen: [Int] = []
        _ = index.firstCandidate(host: host, path: path) { seen.append($0); return false }
        return seen
    }

    @Test func candidatesComeInMatchOrder() {
        let index = FrontendIndex(requirements: [.host("a.test"), .nothingIndexed, .host("b.test"), .host("a.test"), .nothingIndexed])
        #expect(candidates(index, host: "a.test") == [0, 1, 3, 4])
        #expect(candidates(index, host: "b.test") == [1, 2, 4])
        #expect(candidates(index, host: "other") == [1, 4])
    }

    @Test func stopsAtTheFirstMatch() {
        let index = FrontendIndex(requirements: [.host("a.test"), .nothingIndexed, .host("a.test")])
        var tried: [Int] = []
        let found = index.firstCandidate(host: "a.test", path: "/") { tried.append($0); return $0 == 1 }
        #expect(found == 1)
        #expect(tried == [0, 1])
    }

    @Test func aThousandHostsTryOnlyTheirOwn() {
        let index = FrontendIndex(requirements: (0..<1000).map { .host("host\($0).example") })
        #expect(candidates(index, host: "host999.example") == [999])
        #expect(candidates(index, host: "nobody.example") == [])
    }

    @Test func pathPrefixCandidatesAreEveryIndexedPrefixOfThePath() {
        let index = FrontendIndex(requirements: [
            .pathPrefix("/api/"), .host("a.test"), .pathPrefix("/"), .pathPrefix("/api"), .nothingIndexed,
            .pathPrefix("/apix"), .pathPrefix("/api/"),
        ])
        #expect(candidates(index, host: "a.test", path: "/api/users") == [0, 1, 2, 3, 4, 6])
        #expect(candidates(index, host: "b.test", path: "/apix") == [2, 3, 4, 5])
        #expect(candidates(index, host: "b.test", path: "/ap") == [2, 4])
        #expect(candidates(index, host: "b.test", path: "") == [4])
    }

    @Test func aThousandPathPrefixesTryOnlyThoseThatFit() {
        let index = FrontendIndex(requirements: (0..<1000).map { .pathPrefix("/service\($0)/") })
        #expect(candidates(index, host: "any", path: "/service999/items") == [999])
        #expect(candidates(index, host: "any", path: "/service99") == [])
    }

    @Test func literalRulesAreWhatTheIndexUses() throws {
        let host = try RuleMatcher.compile(rule: "Host", value: "a.test")
        let path = try RuleMatcher.compile(rule: "Path", value: "/x")
        let prefix = try RuleMatcher.compile(rule: "PathPrefix", value: "/api")
        let hostPattern = try RuleMatcher.compile(rule: "Host", value: "{sub:[a-z]+}.test")
        let prefixPattern = try RuleMatcher.compile(rule: "PathPrefix", value: "/{version}/")
        #expect(FrontendMatcher(rules: [path, host]).requiredHost == "a.test")
        #expect(FrontendMatcher(rules: [path, hostPattern]).requiredHost == nil)
        #expect(FrontendMatcher(rules: []).requiredHost == nil)
        #expect(FrontendMatcher(rules: [prefix, host]).indexRequirement == .host("a.test"))
        #expect(FrontendMatcher(rules: [hostPattern, prefix]).indexRequirement == .pathPrefix("/api"))
        #expect(FrontendMatcher(rules: [prefixPattern, path]).indexRequirement == .nothingIndexed)
    }

    struct Request: RoutableRequest {
        let method = "GET"
        let host: String
        let path: String
        func headerValues(named lowercasedName: String) -> [String] { [] }
    }

    /// Random frontends over a few hosts and overlapping prefixes: the index finds the same first match as trying
    /// every frontend in order, for every request.
    @Test func findsWhatAFullScanFinds() throws {
        var random = SeededGenerator(state: 9)
        let hosts = ["a.test", "b.test", "c.test"]
        let prefixes = ["/", "/a", "/a/", "/ab", "/b/c", "/é", "/a/b/c/d"]
        let paths = ["/", "/a", "/a/", "/ab", "/abc", "/a/b/c/d/e", "/b/c", "/b", "/é/x", "/e\u{301}", ""]
        for _ in 0..<300 {
            var frontends: [FrontendMatcher] = []
            for _ in 0..<Int.random(in: 1...12, using: &random) {
                var rules: [RuleMatcher] = []
                if Bool.random(using: &random) {
                    rules.append(try RuleMatcher.compile(rule: "Host", value: hosts.randomElement(using: &random)!))
                }
                if Bool.random(using: &random) {
                    let value = prefixes.randomElement(using: &random)!
                    rules.append(try RuleMatcher.compile(rule: "PathPrefix", value: value))
                }
                if Int.random(in: 0..<4, using: &random) == 0 {
                    let value = ["/", "/a", "/ab"].randomElement(using: &random)!
                    rules.append(try RuleMatcher.compile(rule: "Path", value: value))
                }
                frontends.append(FrontendMatcher(rules: rules))
            }
            let index = FrontendIndex(requirements: frontends.map(\.indexRequirement))
            for host in hosts + ["other"] {
                for path in paths {
                    let request = Request(host: host, path: path)
                    let scanned = frontends.firstIndex { $0.matches(request) }
                    let indexed = index.firstCandidate(host: host, path: path) { frontends[$0].matches(request) }
                    #expect(indexed == scanned, "host \(host) path \(path)")
                }
            }
        }
    }
}


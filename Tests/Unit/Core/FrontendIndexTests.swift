import Testing
import TraefikCore

/// The Host index keeps the match order of a full scan (decision D5) while skipping other hosts' frontends.
@Suite struct FrontendIndexTests {
    func candidates(_ index: FrontendIndex, host: String) -> [Int] {
        var seen: [Int] = []
        _ = index.firstCandidate(forHost: host) { seen.append($0); return false }
        return seen
    }

    @Test func candidatesComeInMatchOrder() {
        let index = FrontendIndex(requiredHosts: ["a.test", nil, "b.test", "a.test", nil])
        #expect(candidates(index, host: "a.test") == [0, 1, 3, 4])
        #expect(candidates(index, host: "b.test") == [1, 2, 4])
        #expect(candidates(index, host: "other") == [1, 4])
    }

    @Test func stopsAtTheFirstMatch() {
        let index = FrontendIndex(requiredHosts: ["a.test", nil, "a.test"])
        var tried: [Int] = []
        let found = index.firstCandidate(forHost: "a.test") { tried.append($0); return $0 == 1 }
        #expect(found == 1)
        #expect(tried == [0, 1])
    }

    @Test func aThousandHostsTryOnlyTheirOwn() {
        let index = FrontendIndex(requiredHosts: (0..<1000).map { "host\($0).example" })
        #expect(candidates(index, host: "host999.example") == [999])
        #expect(candidates(index, host: "nobody.example") == [])
    }

    @Test func literalHostRuleIsTheRequiredHost() throws {
        let host = try RuleMatcher.compile(rule: "Host", value: "a.test")
        let path = try RuleMatcher.compile(rule: "Path", value: "/x")
        let pattern = try RuleMatcher.compile(rule: "Host", value: "{sub:[a-z]+}.test")
        #expect(FrontendMatcher(rules: [path, host]).requiredHost == "a.test")
        #expect(FrontendMatcher(rules: [path, pattern]).requiredHost == nil)
        #expect(FrontendMatcher(rules: []).requiredHost == nil)
    }
}

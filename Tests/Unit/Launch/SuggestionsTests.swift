import Testing
@testable import ConfigFormats

@Suite struct SuggestionsTests {
    @Test func nearMissesAreSuggested() {
        #expect(Suggestions.nearest(to: "adress", among: ["address", "tls", "redirect"]) == "address")
        #expect(Suggestions.nearest(to: "entrypoint", among: ["entryPoints", "logLevel"]) == "entryPoints")
        #expect(Suggestions.nearest(to: "dockr", among: ["docker", "marathon"]) == "docker")
        #expect(Suggestions.nearest(to: "LOGLEVL", among: ["logLevel"]) == "logLevel")
    }

    @Test func farWordsAndExactMatchesGiveNothing() {
        #expect(Suggestions.nearest(to: "banana", among: ["address", "tls", "redirect"]) == nil)
        #expect(Suggestions.nearest(to: "tls", among: ["tls", "tld"]) == nil)
        #expect(Suggestions.nearest(to: "x", among: []) == nil)
    }

    @Test func shortWordsAllowOneEditOnly() {
        #expect(Suggestions.nearest(to: "tsl", among: ["tls"]) == nil)  // two substitutions
        #expect(Suggestions.nearest(to: "tl", among: ["tls"]) == "tls")
    }

    @Test func closestCandidateWinsAndTiesGoToTheFirst() {
        #expect(Suggestions.nearest(to: "wach", among: ["watch", "wash"]) == "watch")
        #expect(Suggestions.nearest(to: "ab", among: ["abc", "abd"]) == "abc")
        #expect(Suggestions.nearest(to: "certfil", among: ["keyFile", "certFile"]) == "certFile")
    }

    @Test func editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        func distance(_ lhs: String, _ rhs: String) -> Int {
            Suggestions.editDistance(Array(lhs.unicodeScalars), Array(rhs.unicodeScalars))
        }
        #expect(distance("kitten", "sitting") == 3)
        #expect(distance("", "abc") == 3)
        #expect(distance("abc", "") == 3)
        #expect(distance("flaw", "lawn") == 2)
        #expect(distance("same", "same") == 0)
    }
}

import Testing
import TraefikCore

/// Templates with only `{name}` variables are matched without a regex (WildcardTemplate); they must accept exactly
/// what gorilla/mux's regex accepts, and in time linear-ish in the request, not exponential in the variables.
@Suite("Wildcard templates (Host, Path, PathPrefix with {name} variables)")
struct WildcardTemplateTests {
    /// Every template of up to 3 pieces over literal text, the separator and `{v}`, against every text of up to
    /// 5 characters, for Path, PathPrefix and Host: the same answer as the regex the template stands for.
    @Test(arguments: ["Path", "PathPrefix", "Host"])
    func agreesWithTheRegexTheTemplateStandsFor(rule: String) throws {
        let separator = rule == "Host" ? "." : "/"
        let pieces = ["a", "b", separator, "{v}"]
        let templates = Self.sequences(of: pieces, upTo: 3).map { rule == "Host" ? $0 : "/" + $0 }.filter { !$0.isEmpty }
        let texts = Self.sequences(of: ["a", "b", separator], upTo: 5).map { rule == "Host" ? $0 : "/" + $0 }
        var disagreements: [String] = []
        for template in templates {
            let matcher = try RuleMatcher.compile(rule: rule, value: template)
            let regex = try Regex(Self.regex(for: template, separator: separator)).matchingSemantics(.unicodeScalar)
            for text in texts {
                let request = rule == "Host" ? CoreTestRequest(host: text) : CoreTestRequest(path: text)
                let expected = rule == "PathPrefix" ? text.prefixMatch(of: regex) != nil : text.wholeMatch(of: regex) != nil
                if matcher.matches(request) != expected {
                    disagreements.append("\(rule) \(template) on \(text): regex says \(expected)")
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
    }

    @Test func longerTemplatesAndUnicode() throws {
        #expect(try coreRule("Path", "/api/{version}/users/{id}").matches(CoreTestRequest(path: "/api/v1/users/42")))
        #expect(try !coreRule("Path", "/api/{version}/users/{id}").matches(CoreTestRequest(path: "/api/v1/users/")))
        #expect(try !coreRule("Path", "/api/{version}/users/{id}").matches(CoreTestRequest(path: "/api/v1/x/users/42")))
        #expect(try coreRule("PathPrefix", "/static/{v}.").matches(CoreTestRequest(path: "/static/app.js")))
        #expect(try coreRule("Host", "{sub}.example.{tld}").matches(CoreTestRequest(host: "é.example.org")))
        #expect(try !coreRule("Host", "{sub}.example.{tld}").matches(CoreTestRequest(host: "a.b.example.org")))
        #expect(try coreRule("Path", "/{a}{b}").matches(CoreTestRequest(path: "/xy")))
        #expect(try !coreRule("Path", "/{a}{b}").matches(CoreTestRequest(path: "/x")))
        #expect(try coreRule("Path", "/é{a}").matches(CoreTestRequest(path: "/éé")))
    }

    /// The fuzzer's input (FuzzRule, 10 s per request with the regex): eight variables, a long segment that
    /// does not match. With the wildcard matcher, many such requests take milliseconds.
    @Test(.timeLimit(.minutes(1)))
    func manyVariablesAgainstALongSegmentStayFast() throws {
        let matcher = try coreRule("Path", "/{gy}{gy}{crs}{y}{y}a{gcry}{y}{y}" + String(repeating: "]", count: 140) + "z")
        let hostile = "/" + String(repeating: "a", count: 4000) + "]"
        for _ in 0..<100 { #expect(!matcher.matches(CoreTestRequest(path: hostile))) }
        let prefix = try coreRule("PathPrefix", "/{a}a{b}a{c}a{d}b")
        #expect(!prefix.matches(CoreTestRequest(path: "/" + String(repeating: "a", count: 8000))))
    }

    // MARK: helpers

    static func sequences(of pieces: [String], upTo length: Int) -> [String] {
        var all = [""]
        var current = [""]
        for _ in 0..<length {
            current = current.flatMap { prefix in pieces.map { prefix + $0 } }
            all += current
        }
        return all
    }

    /// gorilla/mux's regex for a template: `{v}` is `[^<separator>]+`, the rest literal.
    static func regex(for template: String, separator: String) -> String {
        template.replacingOccurrences(of: "{v}", with: "\u{0}")
            .replacingOccurrences(of: ".", with: "\\.")
            .replacingOccurrences(of: "\u{0}", with: "[^\(separator)]+")
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One compiled route (`rule` + `value`, spec §4.1 with decisions D1 and D6).
///
/// Each rule compiles to the cheapest test that implements it: a template without variables is
/// a single string comparison (`Host`, `Path`) or `hasPrefix` (`PathPrefix`); a regex is built,
/// once, only when the template has variables or the rule is `HeadersRegexp`.
public struct RuleMatcher: Sendable, Equatable {
    public let kind: RuleKind
    /// The value as configured; together with `kind` it identifies the matcher.
    public let value: String
    let condition: Condition

    enum Condition {
        case hostEquals(String)
        case hostFits(WildcardTemplate)
        case hostMatches(SendableRegex)
        case pathEquals(String)
        case pathFits(WildcardTemplate)
        case pathMatches(SendableRegex)
        case pathHasPrefix(String)
        case pathPrefixFits(WildcardTemplate)
        case pathPrefixMatches(SendableRegex)
        /// Uppercased method names.
        case methodIsOneOf([String])
        /// All must hold.
        case headers([HeaderCondition])
    }

    struct HeaderCondition {
        /// Lowercased.
        let name: String
        let test: Test

        enum Test {
            case present
            case equals(String)
            case contains(SendableRegex)
        }
    }

    /// Compiles `rule` (a case-sensitive `RuleKind` name) with its `value`.
    ///
    /// - `Host`, `Path`, `PathPrefix`: a gorilla/mux template; `{name}` matches `[^.]+` in a host
    ///   and `[^/]+` in a path, `{name:regex}` uses the regex. Host and Path match the whole
    ///   string (case-sensitive, trailing slash significant); PathPrefix only the start, with no
    ///   segment boundary (`/api` matches `/apix`). Path values must start with `/`.
    /// - `Methods`: one method or a comma-separated list, compared case-insensitively.
    /// - `Headers`: `"Name,Value"` pairs (repeatable, all must hold); a header line whose trimmed
    ///   value equals `Value` satisfies a pair; an empty `Value` only asks for the header.
    /// - `HeadersRegexp`: the same, `Value` being an unanchored regex.
    public static func compile(rule: String, value: String) throws(RuleError) -> RuleMatcher {
        guard let kind = RuleKind(rawValue: rule) else { throw .unknownRule(rule) }
        func invalid(_ reason: String) -> RuleError {
            .invalidValue(rule: rule, value: value, reason: reason)
        }

        let condition: Condition
        switch kind {
        case .host:
            guard !value.isEmpty else { throw invalid("empty host") }
            switch try template(value, separator: ".", kind: kind) {
            case .literal(let host): condition = .hostEquals(host)
            case .wildcards(let wildcards): condition = .hostFits(wildcards)
            case .pattern(let regex): condition = .hostMatches(regex)
            }
        case .path, .pathPrefix:
            guard value.hasPrefix("/") else { throw invalid("a path must start with \"/\"") }
            switch (kind, try template(value, separator: "/", kind: kind)) {
            case (.path, .literal(let path)): condition = .pathEquals(path)
            case (.path, .wildcards(let wildcards)): condition = .pathFits(wildcards)
            case (.path, .pattern(let regex)): condition = .pathMatches(regex)
            case (_, .literal(let prefix)): condition = .pathHasPrefix(prefix)
            case (_, .wildcards(let wildcards)): condition = .pathPrefixFits(wildcards)
            case (_, .pattern(let regex)): condition = .pathPrefixMatches(regex)
            }
        case .methods:
            let methods = value.split(separator: ",", omittingEmptySubsequences: false).map(trimmedSpaces)
            guard methods.allSatisfy(isToken) else {
                throw invalid("expected a method or a comma-separated list such as \"GET,HEAD\"")
            }
            condition = .methodIsOneOf(methods.map { $0.uppercased() })
        case .headers, .headersRegexp:
            condition = .headers(try headerConditions(value, regex: kind == .headersRegexp, invalid: invalid))
        }
        return RuleMatcher(kind: kind, value: value, condition: condition)
    }

    /// The one Host this rule accepts, when it is a literal `Host` rule.
    public var literalHost: String? {
        if case .hostEquals(let host) = condition { return host }
        return nil
    }

    /// The prefix every path it accepts starts with, when it is a literal `PathPrefix` rule.
    public var literalPathPrefix: String? {
        if case .pathHasPrefix(let prefix) = condition { return prefix }
        return nil
    }

    public func matches<Request: RoutableRequest>(_ request: Request) -> Bool {
        switch condition {
        case .hostEquals(let host):
            return request.host == host
        case .hostFits(let wildcards):
            return wildcards.matchesWhole(request.host)
        case .hostMatches(let regex):
            return request.host.wholeMatch(of: regex.regex) != nil
        case .pathEquals(let path):
            return request.path == path
        case .pathFits(let wildcards):
            return wildcards.matchesWhole(request.path)
        case .pathMatches(let regex):
            return request.path.wholeMatch(of: regex.regex) != nil
        case .pathHasPrefix(let prefix):
            return hasBytePrefix(request.path, prefix)
        case .pathPrefixFits(let wildcards):
            return wildcards.matchesPrefix(request.path)
        case .pathPrefixMatches(let regex):
            return request.path.prefixMatch(of: regex.regex) != nil
        case .methodIsOneOf(let methods):
            let method = request.method
            return methods.contains { equalsIgnoringASCIICase(method, uppercased: $0) }
        case .headers(let conditions):
            return conditions.allSatisfy { $0.isSatisfied(by: request) }
        }
    }

    /// Bytes compared as Go's strings.HasPrefix does. `String.hasPrefix` compares by Unicode canonical equivalence
    /// and `utf8.starts(with:)` byte by byte through an iterator: both cost tens of ns per rule, which 1 000
    /// PathPrefix frontends multiply.
    private func hasBytePrefix(_ text: String, _ prefix: String) -> Bool {
        var text = text
        var prefix = prefix
        return text.withUTF8 { textBytes in
            prefix.withUTF8 { prefixBytes in
                prefixBytes.count <= textBytes.count
                    && (prefixBytes.isEmpty
                        || memcmp(textBytes.baseAddress!, prefixBytes.baseAddress!, prefixBytes.count) == 0)
            }
        }
    }

    /// Compiled matchers are equal when they were compiled from the same rule and value.
    public static func == (lhs: RuleMatcher, rhs: RuleMatcher) -> Bool {
        lhs.kind == rhs.kind && lhs.value == rhs.value
    }

    /// Relative cost of `matches`, so a frontend can test its cheapest routes first.
    var cost: Int {
        switch condition {
        case .hostEquals, .pathEquals, .pathHasPrefix, .methodIsOneOf: 0
        case .headers, .hostFits, .pathFits, .pathPrefixFits: 1
        case .hostMatches, .pathMatches, .pathPrefixMatches: 2
        }
    }

    private static func template(
        _ value: String,
        separator: Character,
        kind: RuleKind
    ) throws(RuleError) -> RouteTemplate {
        do {
            return try RouteTemplate.parse(value, separator: separator)
        } catch {
            throw .invalidValue(rule: kind.rawValue, value: value, reason: error.reason)
        }
    }

    private static func headerConditions(
        _ value: String,
        regex: Bool,
        invalid: (String) -> RuleError
    ) throws(RuleError) -> [HeaderCondition] {
        let items = value.split(separator: ",", omittingEmptySubsequences: false).map(trimmedSpaces)
        guard items.count.isMultiple(of: 2) else {
            throw invalid("expected \"Name,Value\" pairs (an even number of comma-separated items)")
        }
        var conditions: [HeaderCondition] = []
        for pairStart in stride(from: 0, to: items.count, by: 2) {
            let name = items[pairStart]
            let expected = items[pairStart + 1]
            guard isToken(name) else { throw invalid("\"\(name)\" is not a header name") }
            let test: HeaderCondition.Test
            if expected.isEmpty {
                test = .present
            } else if regex {
                do {
                    test = .contains(try SendableRegex(String(expected)))
                } catch {
                    throw invalid("bad regular expression \"\(expected)\": \(error)")
                }
            } else {
                test = .equals(String(expected))
            }
            conditions.append(HeaderCondition(name: name.lowercased(), test: test))
        }
        return conditions
    }

    /// RFC 9110 token characters: what a method or header name may consist of.
    private static func isToken(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            default:
                "!#$%&'*+-.^_`|~".utf8.contains(byte)
            }
        }
    }
}

extension RuleMatcher.HeaderCondition {
    func isSatisfied<Request: RoutableRequest>(by request: Request) -> Bool {
        let values = request.headerValues(named: name)
        switch test {
        case .present:
            return !values.isEmpty
        case .equals(let expected):
            return values.contains { trimmedSpaces($0[...]) == expected }
        case .contains(let regex):
            return values.contains { trimmedSpaces($0[...]).contains(regex.regex) }
        }
    }
}

/// Drops leading and trailing spaces and tabs without copying.
func trimmedSpaces(_ text: Substring) -> Substring {
    var trimmed = text
    while let first = trimmed.first, first == " " || first == "\t" { trimmed.removeFirst() }
    while let last = trimmed.last, last == " " || last == "\t" { trimmed.removeLast() }
    return trimmed
}

/// `text` equals `uppercased` ignoring ASCII case; `uppercased` must already be uppercase.
func equalsIgnoringASCIICase(_ text: String, uppercased: String) -> Bool {
    guard text.utf8.count == uppercased.utf8.count else { return false }
    return zip(text.utf8, uppercased.utf8).allSatisfy { byte, upper in
        let folded = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 32 : byte
        return folded == upper
    }
}

/// All routes of one frontend, ANDed (D4). A frontend without routes matches every request.
public struct FrontendMatcher: Sendable, Equatable {
    /// In evaluation order: literal comparisons before header lookups before regexes.
    public let rules: [RuleMatcher]

    public init(rules: [RuleMatcher]) {
        // Stable, so matchers built from the same ordered routes compare equal.
        self.rules = rules.enumerated()
            .sorted { ($0.element.cost, $0.offset) < ($1.element.cost, $1.offset) }
            .map(\.element)
    }

    /// A Host every match must have (routes are ANDed), when one route is a literal `Host` rule.
    public var requiredHost: String? { rules.lazy.compactMap(\.literalHost).first }

    /// What `FrontendIndex` lists this frontend under: its required Host, else a literal PathPrefix it requires.
    public var indexRequirement: FrontendIndex.Requirement {
        if let host = requiredHost { return .host(host) }
        if let prefix = rules.lazy.compactMap(\.literalPathPrefix).first { return .pathPrefix(prefix) }
        return .nothingIndexed
    }

    public func matches<Request: RoutableRequest>(_ request: Request) -> Bool {
        for rule in rules where !rule.matches(request) {
            return false
        }
        return true
    }
}

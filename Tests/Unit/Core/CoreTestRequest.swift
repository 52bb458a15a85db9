import TraefikCore

/// A request as rules see it, built field by field in tests.
struct CoreTestRequest: RoutableRequest {
    var method = "GET"
    var host = "test.localhost"
    var path = "/"
    /// Header lines in arrival order; names in any case.
    var headers: [(name: String, value: String)] = []

    func headerValues(named lowercasedName: String) -> [String] {
        headers.filter { $0.name.lowercased() == lowercasedName }.map(\.value)
    }
}

func coreRule(_ rule: String, _ value: String) throws -> RuleMatcher {
    try RuleMatcher.compile(rule: rule, value: value)
}

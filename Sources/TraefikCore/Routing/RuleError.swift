/// Why a route's `rule`/`value` pair could not be compiled (spec §4.1).
public enum RuleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The rule name is not one of `RuleKind`'s (names are case-sensitive).
    case unknownRule(String)
    /// The rule is known but its value is not usable.
    case invalidValue(rule: String, value: String, reason: String)

    public var description: String {
        switch self {
        case .unknownRule(let name):
            let valid = RuleKind.allCases.map(\.rawValue).joined(separator: ", ")
            return "unknown rule \"\(name)\"; valid rules (case-sensitive) are \(valid)"
        case .invalidValue(let rule, let value, let reason):
            return "invalid \(rule) value \"\(value)\": \(reason)"
        }
    }
}

/// The rule names a route may use.
public enum RuleKind: String, Sendable, CaseIterable {
    case host = "Host"
    case path = "Path"
    case pathPrefix = "PathPrefix"
    case methods = "Methods"
    case headers = "Headers"
    case headersRegexp = "HeadersRegexp"
}

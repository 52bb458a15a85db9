/// A value as a template sees it. Providers convert their structs (containers, applications, health entries) into
/// `.map` values whose keys are the Go field names, so `.Config.Labels` is a chain of map lookups.
public indirect enum TemplateValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([TemplateValue])
    case map([String: TemplateValue])
}

extension TemplateValue {
    /// Go's truth: false, zero numbers, nil and empty strings, lists and maps are false.
    public var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let value): value
        case .int(let value): value != 0
        case .double(let value): value != 0
        case .string(let value): !value.isEmpty
        case .list(let value): !value.isEmpty
        case .map(let value): !value.isEmpty
        }
    }

    /// The text Go's `fmt.Sprint` gives for this value (`[a b]`, `map[k:v]`, `<nil>`).
    public var printed: String {
        var output = ""
        ValueFormatter.appendDefault(self, to: &output)
        return output
    }

    public var asString: String? {
        if case .string(let value) = self { value } else { nil }
    }

    public var asInt: Int? {
        if case .int(let value) = self { value } else { nil }
    }

    public var asBool: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }

    public var asList: [TemplateValue]? {
        if case .list(let value) = self { value } else { nil }
    }

    public var asMap: [String: TemplateValue]? {
        if case .map(let value) = self { value } else { nil }
    }

    /// The Go type this value stands for, as Go's error messages and `%!verb(type=value)` name it.
    var goTypeName: String {
        switch self {
        case .null: "<nil>"
        case .bool: "bool"
        case .int: "int"
        case .double: "float64"
        case .string: "string"
        case .list: "[]interface {}"
        case .map: "map[string]interface {}"
        }
    }
}

extension TemplateValue: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .null }
}

extension TemplateValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension TemplateValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .int(value) }
}

extension TemplateValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension TemplateValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension TemplateValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
}

extension TemplateValue: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self = .map(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

/// Go orders strings (map keys, `lt`) by their bytes, not by Unicode collation.
@inline(__always)
func goStringLess(_ left: String, _ right: String) -> Bool {
    left.utf8.lexicographicallyPrecedes(right.utf8)
}

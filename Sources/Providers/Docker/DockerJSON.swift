import Foundation
import GoTemplate

/// A JSON document as the Docker Engine API sends it, kept whole: the builder reads a few fields, templates may read
/// any of them (`.Config.Labels`, `.NetworkSettings.Ports`, `.State.Running`, …).
public indirect enum DockerJSON: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([DockerJSON])
    case object([String: DockerJSON])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let int = try? container.decode(Int.self) {
            self = .int(int)
        } else if let double = try? container.decode(Double.self) {
            self = .double(double)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([DockerJSON].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: DockerJSON].self))
        }
    }

    public init(parsing bytes: [UInt8]) throws {
        self = try JSONDecoder().decode(DockerJSON.self, from: Data(bytes))
    }

    public subscript(key: String) -> DockerJSON {
        if case .object(let fields) = self { fields[key] ?? .null } else { .null }
    }

    public var string: String? {
        if case .string(let value) = self { value } else { nil }
    }

    public var bool: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }

    public var array: [DockerJSON]? {
        if case .array(let value) = self { value } else { nil }
    }

    public var object: [String: DockerJSON]? {
        if case .object(let value) = self { value } else { nil }
    }

    /// The same document as template data: objects become maps keyed by the JSON field names.
    var templateValue: TemplateValue {
        switch self {
        case .null: .null
        case .bool(let value): .bool(value)
        case .int(let value): .int(value)
        case .double(let value): .double(value)
        case .string(let value): .string(value)
        case .array(let values): .list(values.map(\.templateValue))
        case .object(let fields): .map(fields.mapValues(\.templateValue))
        }
    }
}

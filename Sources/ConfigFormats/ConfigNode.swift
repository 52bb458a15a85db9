import TraefikCore

/// One step from a node to a child: a table key (in its original case) or an array index.
public enum ConfigPathComponent: Hashable, Sendable {
    case key(String)
    case index(Int)
}

extension [ConfigPathComponent] {
    /// `backends.backend1.servers`, with array indices written as `[0]`.
    public var dottedKeyPath: String {
        var text = ""
        for component in self {
            switch component {
            case .key(let key):
                if !text.isEmpty { text += "." }
                text += key
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }
}

/// A format-neutral configuration tree: TOML, JSON and command-line flags all become this, and
/// `ConfigDecoder` turns it into Decodable types.
public struct ConfigNode: Equatable, Sendable {
    /// One key of a table. Tables are arrays of entries so that they keep the document's key order
    /// and the keys' original case.
    public struct Entry: Equatable, Sendable {
        public var key: String
        public var node: ConfigNode

        public init(key: String, node: ConfigNode) {
            self.key = key
            self.node = node
        }
    }

    public enum Value: Equatable, Sendable {
        case bool(Bool)
        case int(Int64)
        case double(Double)
        case string(String)
        case array([ConfigNode])
        case table([Entry])
    }

    public var value: Value
    public var position: SourcePosition?

    public init(_ value: Value, position: SourcePosition? = nil) {
        self.value = value
        self.position = position
    }

    /// An empty table, the neutral element of `merging(over:)`.
    public static let emptyTable = ConfigNode(.table([]))

    /// The child under `key`: the exact key if present, otherwise the first key equal to it
    /// ignoring case. Nil when this node is not a table.
    public subscript(key: String) -> ConfigNode? {
        guard case .table(let entries) = value,
              let index = Self.entryIndex(of: key, in: entries) else { return nil }
        return entries[index].node
    }

    /// The element at `index`, when this node is an array.
    public subscript(index: Int) -> ConfigNode? {
        guard case .array(let elements) = value, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// This node laid over `base`: scalars and arrays of `self` replace those of `base`; two tables
    /// merge key by key, keys matching case-insensitively, with `self`'s key spelling winning.
    public func merging(over base: ConfigNode) -> ConfigNode {
        guard case .table(let overlay) = value, case .table(var merged) = base.value else { return self }
        for entry in overlay {
            if let index = Self.entryIndex(of: entry.key, in: merged) {
                merged[index] = Entry(key: entry.key, node: entry.node.merging(over: merged[index].node))
            } else {
                merged.append(entry)
            }
        }
        return ConfigNode(.table(merged), position: position ?? base.position)
    }

    /// `value` nested in tables along a dotted path: `fromPath("a.b", value: v)` is `{a = {b = v}}`.
    /// The tables take the value's position. An empty path gives `value` itself.
    public static func fromPath(_ path: String, value: ConfigNode) -> ConfigNode {
        let keys = path.split(separator: ".", omittingEmptySubsequences: true)
        var node = value
        for key in keys.reversed() {
            node = ConfigNode(.table([Entry(key: String(key), node: node)]), position: value.position)
        }
        return node
    }

    static func entryIndex(of key: String, in entries: [Entry]) -> Int? {
        if let exact = entries.firstIndex(where: { $0.key == key }) { return exact }
        let folded = key.lowercased()
        return entries.firstIndex(where: { $0.key.lowercased() == folded })
    }
}

extension ConfigNode {
    /// How the value reads in an error message: `string "ten"`, `integer 10`, `table`.
    var summary: String {
        switch value {
        case .bool(let flag): "boolean \(flag)"
        case .int(let number): "integer \(number)"
        case .double(let number): "float \(number)"
        case .string(let text): "string \(text.debugDescription)"
        case .array(let elements): "array of \(elements.count) element\(elements.count == 1 ? "" : "s")"
        case .table: "table"
        }
    }
}

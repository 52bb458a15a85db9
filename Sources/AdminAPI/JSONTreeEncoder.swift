/// Turns an `Encodable` value into a `JSONValue`, so the configuration types keep their one
/// `encode(to:)` (with Go's `omitempty` rules) and the API still controls key order and escaping.
enum JSONTreeEncoder {
    static func encode(_ value: some Encodable) throws -> JSONValue {
        let root = TreeNode()
        try value.encode(to: TreeEncoder(node: root, codingPath: []))
        return root.value
    }
}

/// What one encoder has produced so far; a class because nested containers fill it in later.
private final class TreeNode {
    enum Content {
        case empty
        case leaf(JSONValue)
        case object([String: TreeNode])
        case array([TreeNode])
    }

    var content = Content.empty

    var value: JSONValue {
        switch content {
        case .empty: .object([:])
        case .leaf(let value): value
        case .object(let members): .object(members.mapValues(\.value))
        case .array(let elements): .array(elements.map(\.value))
        }
    }

    /// The member `key` as a fresh node, turning this node into an object if it is not one yet.
    func member(_ key: String) -> TreeNode {
        let child = TreeNode()
        var members: [String: TreeNode] = [:]
        if case .object(let existing) = content {
            members = existing
            content = .empty  // drop the enum's reference so the insert below does not copy
        }
        members[key] = child
        content = .object(members)
        return child
    }

    /// A new last element, turning this node into an array if it is not one yet.
    func appendElement() -> TreeNode {
        let child = TreeNode()
        var elements: [TreeNode] = []
        if case .array(let existing) = content {
            elements = existing
            content = .empty
        }
        elements.append(child)
        content = .array(elements)
        return child
    }

    func makeObjectIfEmpty() {
        if case .empty = content { content = .object([:]) }
    }

    func makeArrayIfEmpty() {
        if case .empty = content { content = .array([]) }
    }
}

private struct TreeEncoder: Encoder {
    let node: TreeNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObjectIfEmpty()
        return KeyedEncodingContainer(ObjectContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArrayIfEmpty()
        return ArrayContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        LeafContainer(node: node, codingPath: codingPath)
    }
}

/// A JSON leaf for the scalars the configuration uses; wider integers than `Int` become numbers.
private func leaf(_ value: some BinaryInteger) -> JSONValue {
    if let exact = Int(exactly: value) { return .integer(exact) }
    return .number(Double(value))
}

private struct LeafContainer: SingleValueEncodingContainer {
    let node: TreeNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() { node.content = .leaf(.null) }
    mutating func encode(_ value: Bool) { node.content = .leaf(.bool(value)) }
    mutating func encode(_ value: String) { node.content = .leaf(.string(value)) }
    mutating func encode(_ value: Double) { node.content = .leaf(.number(value)) }
    mutating func encode(_ value: Float) { node.content = .leaf(.number(Double(value))) }
    mutating func encode(_ value: Int) { node.content = .leaf(.integer(value)) }
    mutating func encode(_ value: Int8) { node.content = .leaf(leaf(value)) }
    mutating func encode(_ value: Int16) { node.content = .leaf(leaf(value)) }
    mutating func encode(_ value: Int32) { node.content = .leaf(leaf(value)) }
    mutating func encode(_ value: Int64) { node.content = .leaf(leaf(value)) }
    mutating func encode(_ value: UInt) { node.content = .leaf(leaf(value)) }
    mutating func encode(_ value: UInt8) { node.content = .leaf(leaf(value)) }
    mutating func encode(_ value: UInt16) { node.content = .leaf(leaf(value)) }
    mutating func encode(_ value: UInt32) { node.content = .leaf(leaf(value)) }
    mutating func encode(_ value: UInt64) { node.content = .leaf(leaf(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try value.encode(to: TreeEncoder(node: node, codingPath: codingPath))
    }
}

private struct ObjectContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: TreeNode
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) {
        node.member(key.stringValue).content = .leaf(.null)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try value.encode(to: TreeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        TreeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        TreeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        TreeEncoder(node: node.member("super"), codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        TreeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key])
    }
}

private struct ArrayContainer: UnkeyedEncodingContainer {
    let node: TreeNode
    let codingPath: [any CodingKey]

    var count: Int {
        guard case .array(let elements) = node.content else { return 0 }
        return elements.count
    }

    mutating func encodeNil() {
        node.appendElement().content = .leaf(.null)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try value.encode(to: TreeEncoder(node: node.appendElement(), codingPath: codingPath))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        TreeEncoder(node: node.appendElement(), codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        TreeEncoder(node: node.appendElement(), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        TreeEncoder(node: node.appendElement(), codingPath: codingPath)
    }
}

/// Decodes `Decodable` types from a `ConfigNode` tree the way Traefik v1 reads its configuration:
///
/// - keys match case-insensitively (the exact spelling first, then ignoring case), while `allKeys`
///   keeps the original case, so map keys such as backend names keep theirs;
/// - scalars are lenient: the strings `"true"`, `"10"`, `"1.5"` decode as Bool, Int, Double (flags,
///   labels and key/value stores only have strings), an integer decodes as Double, a string
///   `"a,b"` decodes as `["a", "b"]` and a single scalar or table as a one-element array;
/// - a bare `true` (a `--docker` flag) decodes as an empty table, so an all-optional struct;
/// - unknown keys are ignored, but recorded in `unusedKeyPaths` so typos can be reported.
///
/// Failures come out as `ConfigError`s with the file, line, column and dotted key path of the node.
public struct ConfigDecoder: Sendable {
    /// After `decode`: the paths of keys that exist in the tree but were never read, outermost only
    /// (an unknown table is reported once, not key by key), in document order.
    public private(set) var unusedKeyPaths: [String] = []

    public init() {}

    public mutating func decode<T: Decodable>(_ type: T.Type, from node: ConfigNode) throws(ConfigError) -> T {
        let state = DecodingState(root: node)
        do {
            let value = try T(from: NodeDecoder(node: node, path: [], codingPath: [], state: state))
            unusedKeyPaths = state.unusedKeyPaths()
            return value
        } catch let error as ConfigError {
            throw error
        } catch let error as DecodingError {
            throw state.configError(for: error)
        } catch {
            throw ConfigError(at: node.position, keyPath: "", message: "\(error)")
        }
    }
}

/// What one `decode` call has read so far, shared by all its containers.
final class DecodingState {
    let root: ConfigNode
    private var readPaths: Set<[ConfigPathComponent]> = []

    init(root: ConfigNode) {
        self.root = root
    }

    func markRead(_ path: [ConfigPathComponent]) {
        readPaths.insert(path)
    }

    func unusedKeyPaths() -> [String] {
        var unused: [String] = []
        collectUnused(in: root, at: [], into: &unused)
        return unused
    }

    /// Reports unread table keys under the nodes that were read. Unread array elements are not
    /// typos, so they are not reported.
    private func collectUnused(in node: ConfigNode, at path: [ConfigPathComponent], into unused: inout [String]) {
        switch node.value {
        case .table(let entries):
            for entry in entries {
                let childPath = path + [.key(entry.key)]
                if readPaths.contains(childPath) {
                    collectUnused(in: entry.node, at: childPath, into: &unused)
                } else {
                    unused.append(childPath.dottedKeyPath)
                }
            }
        case .array(let elements):
            for (index, element) in elements.enumerated() where readPaths.contains(path + [.index(index)]) {
                collectUnused(in: element, at: path + [.index(index)], into: &unused)
            }
        case .bool, .int, .double, .string:
            break
        }
    }

    /// Places a `DecodingError` thrown by a type's own `init(from:)` at the node its coding path
    /// leads to.
    func configError(for error: DecodingError) -> ConfigError {
        switch error {
        case .keyNotFound(let key, let context):
            let (node, path) = locate(context.codingPath)
            return ConfigError(at: node.position, keyPath: (path + [.key(key.stringValue)]).dottedKeyPath,
                               message: "missing required key \(key.stringValue.debugDescription)")
        case .typeMismatch(let type, let context):
            let (node, path) = locate(context.codingPath)
            return ConfigError(at: node.position, keyPath: path.dottedKeyPath,
                               message: "expected \(type), found \(node.summary): \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            let (node, path) = locate(context.codingPath)
            return ConfigError(at: node.position, keyPath: path.dottedKeyPath,
                               message: "missing value of type \(type): \(context.debugDescription)")
        case .dataCorrupted(let context):
            let (node, path) = locate(context.codingPath)
            return ConfigError(at: node.position, keyPath: path.dottedKeyPath, message: context.debugDescription)
        @unknown default:
            return ConfigError(at: root.position, keyPath: "", message: "\(error)")
        }
    }

    /// The deepest node a coding path reaches, matching keys as the decoder does, and the path
    /// spelled with the tree's own keys (the coding keys' spelling past the last node found).
    private func locate(_ codingPath: [any CodingKey]) -> (ConfigNode, [ConfigPathComponent]) {
        var node = root
        var path: [ConfigPathComponent] = []
        var reachedNode = true
        for key in codingPath {
            if reachedNode, case .table(let entries) = node.value,
               let index = ConfigNode.entryIndex(of: key.stringValue, in: entries) {
                node = entries[index].node
                path.append(.key(entries[index].key))
            } else if reachedNode, let index = key.intValue, let element = node[index] {
                node = element
                path.append(.index(index))
            } else {
                reachedNode = false
                path.append(key.intValue.map(ConfigPathComponent.index) ?? .key(key.stringValue))
            }
        }
        return (node, path)
    }
}

/// The coding key of an array element.
struct IndexCodingKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }

    init(index: Int) {
        intValue = index
    }

    init?(intValue: Int) {
        self.intValue = intValue
    }

    init?(stringValue: String) {
        guard let index = Int(stringValue) else { return nil }
        intValue = index
    }
}

/// The coding key `superDecoder()` uses, as Foundation's decoders do.
private struct SuperCodingKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }

    init() {}

    init?(stringValue: String) {
        guard stringValue == "super" else { return nil }
    }

    init?(intValue: Int) {
        nil
    }
}

/// A decoder positioned on one node of the tree.
struct NodeDecoder: Decoder {
    let node: ConfigNode
    /// The node's path spelled with the tree's keys, for error messages and unused-key tracking.
    let path: [ConfigPathComponent]
    let codingPath: [any CodingKey]
    let state: DecodingState

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        switch node.value {
        case .table(let entries):
            return KeyedDecodingContainer(TableContainer<Key>(decoder: self, entries: entries))
        case .bool(true):
            return KeyedDecodingContainer(TableContainer<Key>(decoder: self, entries: []))
        case .string(let text) where text.lowercased() == "true":
            return KeyedDecodingContainer(TableContainer<Key>(decoder: self, entries: []))
        default:
            throw mismatch(expected: "a table")
        }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch node.value {
        case .array(let elements):
            return ArrayContainer(decoder: self, elements: elements)
        case .string(let text):
            let items = text.split(separator: ",").map { $0.trimmingBlanks() }
            return ArrayContainer(decoder: self, elements: items.filter { !$0.isEmpty }.map {
                ConfigNode(.string($0), position: node.position)
            })
        case .bool, .int, .double, .table:
            // One value where a list is expected is a list of one (HCL writes a single `certificates { }` block).
            return ArrayContainer(decoder: self, elements: [node])
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        ValueContainer(decoder: self)
    }

    func child(_ node: ConfigNode, component: ConfigPathComponent, key: any CodingKey) -> NodeDecoder {
        let childPath = path + [component]
        state.markRead(childPath)
        return NodeDecoder(node: node, path: childPath, codingPath: codingPath + [key], state: state)
    }

    func mismatch(expected: String) -> ConfigError {
        error("expected \(expected), found \(node.summary)")
    }

    func error(_ message: String) -> ConfigError {
        ConfigError(at: node.position, keyPath: path.dottedKeyPath, message: message)
    }

    // MARK: Lenient scalars

    func decodeBool() throws(ConfigError) -> Bool {
        switch node.value {
        case .bool(let flag):
            return flag
        case .string(let text):
            // The spellings Go's strconv.ParseBool accepts.
            switch text.trimmingBlanks() {
            case "1", "t", "T", "true", "TRUE", "True": return true
            case "0", "f", "F", "false", "FALSE", "False": return false
            default: break
            }
        default:
            break
        }
        throw mismatch(expected: "a boolean")
    }

    func decodeString() throws(ConfigError) -> String {
        guard case .string(let text) = node.value else { throw mismatch(expected: "a string") }
        return text
    }

    func decodeInteger<T: FixedWidthInteger>(_ type: T.Type) throws(ConfigError) -> T {
        let parsed: T?
        switch node.value {
        case .int(let number):
            parsed = T(exactly: number)
            if parsed == nil { throw error("integer \(number) is out of range for \(T.self)") }
        case .double(let number) where number.rounded(.towardZero) == number:
            parsed = T(exactly: number)
            if parsed == nil { throw error("number \(number) is out of range for \(T.self)") }
        case .string(let text):
            let trimmed = text.trimmingBlanks()
            parsed = T(trimmed)
            if parsed == nil, Int64(trimmed) != nil { throw error("integer \(trimmed) is out of range for \(T.self)") }
        default:
            parsed = nil
        }
        guard let parsed else { throw mismatch(expected: "an integer") }
        return parsed
    }

    func decodeFloatingPoint<T: BinaryFloatingPoint & LosslessStringConvertible>(_ type: T.Type) throws(ConfigError) -> T {
        switch node.value {
        case .double(let number):
            return T(number)
        case .int(let number):
            return T(number)
        case .string(let text):
            if let number = T(text.trimmingBlanks()) { return number }
        default:
            break
        }
        throw mismatch(expected: "a number")
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs and line breaks.
    fileprivate func trimmingBlanks() -> String {
        let scalars = String(self).unicodeScalars
        let isBlank: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = scalars.firstIndex(where: { !isBlank($0) }),
              let last = scalars.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(Substring(scalars[first...last]))
    }
}

// MARK: - Keyed

private struct TableContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: NodeDecoder
    let entries: [ConfigNode.Entry]
    private let exactIndex: [String: Int]
    private let foldedIndex: [String: Int]

    init(decoder: NodeDecoder, entries: [ConfigNode.Entry]) {
        self.decoder = decoder
        self.entries = entries
        var exact: [String: Int] = [:]
        var folded: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            if exact[entry.key] == nil { exact[entry.key] = index }
            if folded[entry.key.lowercased()] == nil { folded[entry.key.lowercased()] = index }
        }
        exactIndex = exact
        foldedIndex = folded
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { entries.compactMap { Key(stringValue: $0.key) } }

    private func index(of key: Key) -> Int? {
        exactIndex[key.stringValue] ?? foldedIndex[key.stringValue.lowercased()]
    }

    func contains(_ key: Key) -> Bool {
        index(of: key) != nil
    }

    /// The decoder of the value under `key`, which counts as read from now on.
    private func childDecoder(_ key: Key) throws(ConfigError) -> NodeDecoder {
        guard let index = index(of: key) else {
            throw ConfigError(at: decoder.node.position, keyPath: (decoder.path + [.key(key.stringValue)]).dottedKeyPath,
                              message: "missing required key \(key.stringValue.debugDescription)")
        }
        return decoder.child(entries[index].node, component: .key(entries[index].key), key: key)
    }

    /// A missing key decodes as nil; present keys never hold null (the tree has no null).
    func decodeNil(forKey key: Key) throws -> Bool {
        !contains(key)
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try childDecoder(key).decodeBool() }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try childDecoder(key).decodeString() }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try childDecoder(key).decodeFloatingPoint(type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try childDecoder(key).decodeFloatingPoint(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try childDecoder(key).decodeInteger(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try childDecoder(key).decodeInteger(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try childDecoder(key).decodeInteger(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try childDecoder(key).decodeInteger(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try childDecoder(key).decodeInteger(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try childDecoder(key).decodeInteger(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try childDecoder(key).decodeInteger(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try childDecoder(key).decodeInteger(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try childDecoder(key).decodeInteger(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try childDecoder(key).decodeInteger(type) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try T(from: childDecoder(key))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey> {
        try childDecoder(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try childDecoder(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        superDecoder(named: SuperCodingKey())
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        superDecoder(named: key)
    }

    /// The decoder of the value under `key`, or of an empty table when the key is absent.
    private func superDecoder(named key: any CodingKey) -> NodeDecoder {
        if let index = exactIndex[key.stringValue] ?? foldedIndex[key.stringValue.lowercased()] {
            return decoder.child(entries[index].node, component: .key(entries[index].key), key: key)
        }
        return NodeDecoder(node: ConfigNode(.table([]), position: decoder.node.position),
                           path: decoder.path + [.key(key.stringValue)],
                           codingPath: codingPath + [key], state: decoder.state)
    }
}

// MARK: - Unkeyed

private struct ArrayContainer: UnkeyedDecodingContainer {
    let decoder: NodeDecoder
    let elements: [ConfigNode]
    private(set) var currentIndex = 0

    init(decoder: NodeDecoder, elements: [ConfigNode]) {
        self.decoder = decoder
        self.elements = elements
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    /// The decoder of the next element, which counts as read from now on.
    private mutating func nextDecoder() throws(ConfigError) -> NodeDecoder {
        guard !isAtEnd else {
            throw decoder.error("expected more than \(elements.count) element\(elements.count == 1 ? "" : "s")")
        }
        let index = currentIndex
        currentIndex += 1
        return decoder.child(elements[index], component: .index(index), key: IndexCodingKey(index: index))
    }

    /// Elements are never null (the tree has no null).
    mutating func decodeNil() throws -> Bool {
        false
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try nextDecoder().decodeBool() }
    mutating func decode(_ type: String.Type) throws -> String { try nextDecoder().decodeString() }
    mutating func decode(_ type: Double.Type) throws -> Double { try nextDecoder().decodeFloatingPoint(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try nextDecoder().decodeFloatingPoint(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try nextDecoder().decodeInteger(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try nextDecoder().decodeInteger(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try nextDecoder().decodeInteger(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try nextDecoder().decodeInteger(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try nextDecoder().decodeInteger(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try nextDecoder().decodeInteger(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try nextDecoder().decodeInteger(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try nextDecoder().decodeInteger(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try nextDecoder().decodeInteger(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try nextDecoder().decodeInteger(type) }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: nextDecoder())
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey> {
        try nextDecoder().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try nextDecoder().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        try nextDecoder()
    }
}

// MARK: - Single value

private struct ValueContainer: SingleValueDecodingContainer {
    let decoder: NodeDecoder

    var codingPath: [any CodingKey] { decoder.codingPath }

    /// The tree has no null: a present node is never nil.
    func decodeNil() -> Bool {
        false
    }

    func decode(_ type: Bool.Type) throws -> Bool { try decoder.decodeBool() }
    func decode(_ type: String.Type) throws -> String { try decoder.decodeString() }
    func decode(_ type: Double.Type) throws -> Double { try decoder.decodeFloatingPoint(type) }
    func decode(_ type: Float.Type) throws -> Float { try decoder.decodeFloatingPoint(type) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.decodeInteger(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.decodeInteger(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.decodeInteger(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.decodeInteger(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.decodeInteger(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.decodeInteger(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: decoder)
    }
}

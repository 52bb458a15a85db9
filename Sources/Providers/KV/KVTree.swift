import KVStores

/// A listing of a key/value store, as the KV provider reads it: normalised keys (one leading `/`, no trailing `/`)
/// to values. The layout functions of spec §12.2 and the template helpers (`List`, `Get`, …) all read this.
public struct KVTree: Sendable, Equatable {
    public private(set) var values: [String: String]

    public init(_ entries: [KVEntry] = []) {
        values = [:]
        add(entries)
    }

    public mutating func add(_ entries: [KVEntry]) {
        for entry in entries { values[KVKeyPath.normalised(entry.key)] = entry.value }
    }

    public func value(at key: String) -> String? { values[KVKeyPath.normalised(key)] }

    public var isEmpty: Bool { values.isEmpty }

    /// The distinct first path segments below `directory`, sorted: `children(of: "/traefik/backends")` of
    /// `/traefik/backends/b1/servers/s1/url` is `["b1"]`.
    public func children(of directory: String) -> [String] {
        let base = KVKeyPath.normalised(directory)
        let prefix = base == "/" ? "/" : base + "/"
        var names = Set<String>()
        for key in values.keys where key.hasPrefix(prefix) {
            let rest = key.dropFirst(prefix.count)
            if let name = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first,
                !name.isEmpty
            {
                names.insert(String(name))
            }
        }
        return names.sorted()
    }

    /// Whether any key is `key` itself or below it.
    public func contains(below key: String) -> Bool {
        let base = KVKeyPath.normalised(key)
        return values.keys.contains { $0 == base || $0.hasPrefix(base + "/") }
    }

}

/// ZooKeeper paths in the contract's spelling: one leading `/`, no trailing `/`, the root is `/`.
enum ZooKeeperPath {
    static func normalize(_ key: String) -> String {
        let parts = key.split(separator: "/", omittingEmptySubsequences: true)
        return "/" + parts.joined(separator: "/")
    }

    static func child(_ name: String, of parent: String) -> String {
        parent == "/" ? "/" + name : parent + "/" + name
    }

    /// `path` is `prefix` itself or lies below it (a path boundary, not a string prefix: `/a/bc` is not under `/a/b`).
    static func isWithin(_ path: String, prefix: String) -> Bool {
        prefix == "/" || path == prefix || path.hasPrefix(prefix + "/")
    }

    /// Every proper ancestor of `path` below the root, outermost first: `/a/b/c` → `/a`, `/a/b`.
    static func ancestors(of path: String) -> [String] {
        let parts = path.split(separator: "/")
        return parts.indices.dropLast().map { index in "/" + parts[...index].joined(separator: "/") }
    }
}

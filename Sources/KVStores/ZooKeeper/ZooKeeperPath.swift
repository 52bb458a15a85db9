/// ZooKeeper paths in the contract's spelling: one leading `/`, no trailing `/`, the root is `/`.
enum ZooKeeperPath {
    static func child(_ name: String, of parent: String) -> String {
        parent == "/" ? "/" + name : parent + "/" + name
    }

    /// Every proper ancestor of `path` below the root, outermost first: `/a/b/c` → `/a`, `/a/b`.
    static func ancestors(of path: String) -> [String] {
        let parts = path.split(separator: "/")
        return parts.indices.dropLast().map { index in "/" + parts[...index].joined(separator: "/") }
    }
}

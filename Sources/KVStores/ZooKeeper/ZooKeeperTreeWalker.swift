import NIOCore

/// Reads a subtree breadth-first, one pipelined batch per level (at most `batchSize` requests in flight), and
/// optionally leaves a data watch and a child watch on every node it visits (decision D16: the whole subtree).
struct ZooKeeperTreeWalker {
    let connection: ZooKeeperConnection
    let setWatches: Bool
    var batchSize = 256

    private struct VisitedNode {
        let path: String
        let data: [UInt8]
        let numberOfChildren: Int32
    }

    /// The entries at or below `root`. An absent root gives `[]`; with watches on, an exists watch then waits for it.
    func entries(under root: String) async throws -> [KVEntry] {
        var entries: [KVEntry] = []
        var level = [root]
        var isRootLevel = true
        while !level.isEmpty {
            var nextLevel: [String] = []
            for start in stride(from: 0, to: level.count, by: batchSize) {
                let paths = Array(level[start..<min(start + batchSize, level.count)])
                let nodes = try await readData(of: paths)
                if isRootLevel, nodes.isEmpty {
                    return try await watchAbsentRoot(root)
                }
                let childLists = try await readChildren(of: nodes.filter { setWatches || $0.numberOfChildren > 0 }.map(\.path))
                for node in nodes {
                    let children = childLists[node.path] ?? []
                    // A node with a value is an entry even when it has children; an empty one with children is a folder.
                    if !node.data.isEmpty || children.isEmpty {
                        entries.append(KVEntry(key: node.path, value: String(decoding: node.data, as: UTF8.self)))
                    }
                    nextLevel.append(contentsOf: children.map { ZooKeeperPath.child($0, of: node.path) })
                }
            }
            level = nextLevel
            isRootLevel = false
        }
        return entries.sorted { $0.key < $1.key }
    }

    /// getData for each path; nodes deleted since their parent was listed (NONODE) are skipped.
    private func readData(of paths: [String]) async throws -> [VisitedNode] {
        let replies = try await connection.send(paths.map { ZooKeeperRequest(opCode: .getData, body: .pathAndWatch(path: $0, watch: setWatches)) })
        var nodes: [VisitedNode] = []
        for (path, reply) in zip(paths, replies) {
            switch reply {
            case .ok(var body):
                let data = try decoding(path) { try body.readJuteBuffer() }
                let stat = try decoding(path) { try ZooKeeperStat.decode(from: &body) }
                nodes.append(VisitedNode(path: path, data: data, numberOfChildren: stat.numberOfChildren))
            case .error(ZooKeeperErrorCode.noNode):
                continue
            case .error(let code):
                throw failure("getData", path, code)
            }
        }
        return nodes
    }

    private func readChildren(of paths: [String]) async throws -> [String: [String]] {
        let replies = try await connection.send(paths.map { ZooKeeperRequest(opCode: .getChildren, body: .pathAndWatch(path: $0, watch: setWatches)) })
        var children: [String: [String]] = [:]
        for (path, reply) in zip(paths, replies) {
            switch reply {
            case .ok(var body):
                children[path] = try decoding(path) { try body.readJuteStringVector() }
            case .error(ZooKeeperErrorCode.noNode):
                continue
            case .error(let code):
                throw failure("getChildren", path, code)
            }
        }
        return children
    }

    /// An exists watch fires when the root is created. If it appeared meanwhile, walk it after all.
    private func watchAbsentRoot(_ root: String) async throws -> [KVEntry] {
        guard setWatches else { return [] }
        let replies = try await connection.send([ZooKeeperRequest(opCode: .exists, body: .pathAndWatch(path: root, watch: true))])
        switch replies.first {
        case .error(ZooKeeperErrorCode.noNode), nil:
            return []
        case .ok:
            return try await entries(under: root)
        case .error(let code):
            throw failure("exists", root, code)
        }
    }

    private func decoding<Value>(_ path: String, _ decode: () throws -> Value) throws -> Value {
        do {
            return try decode()
        } catch {
            throw KVStoreError(.invalidResponse, "zookeeper \(connection.endpoint): bad reply for \(path): \(error)")
        }
    }

    private func failure(_ operation: String, _ path: String, _ code: Int32) -> KVStoreError {
        KVStoreError(.invalidResponse, "zookeeper \(connection.endpoint): \(operation) \(path) failed with error \(code)")
    }
}

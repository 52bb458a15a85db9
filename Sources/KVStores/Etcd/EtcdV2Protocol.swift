import Foundation

/// Requests and replies of etcd's v2 keys API (`/v2/keys`), as pure functions.
enum EtcdV2Protocol {
    struct Node: Decodable {
        var key: String?
        var value: String?
        var dir: Bool?
        var nodes: [Node]?
        var modifiedIndex: UInt64?
    }

    struct Reply: Decodable {
        var node: Node?
    }

    struct ErrorReply: Decodable {
        var errorCode: Int
        var message: String?
        var index: UInt64?
    }

    /// etcd error codes the stores act on.
    static let keyNotFound = 100
    static let eventIndexCleared = 401

    struct Listing: Equatable {
        var entries: [KVEntry]
        /// `X-Etcd-Index`: the store's index when the listing was taken; a watch continues after it.
        var etcdIndex: UInt64
    }

    enum WatchReply: Equatable {
        /// A change at this index.
        case changed(modifiedIndex: UInt64)
        /// The poll ended without an event (etcd closed it): poll again from the same index.
        case empty
        /// The index asked for is older than etcd's event history: list again for a fresh index.
        case historyCleared
    }

    static func listTarget(prefix: String) -> String {
        keysPath(prefix) + "?recursive=true&sorted=true"
    }

    static func watchTarget(prefix: String, waitIndex: UInt64) -> String {
        keysPath(prefix) + "?wait=true&recursive=true&waitIndex=\(waitIndex)"
    }

    /// A listing's leaves (directories are walked, not returned). An absent prefix is an empty listing.
    static func parseListing(status: Int, etcdIndexHeader: String?, body: [UInt8]) throws -> Listing {
        if status == 200 {
            guard let node = try decode(Reply.self, body).node else { throw invalid("a listing without a node") }
            var entries: [KVEntry] = []
            collectLeaves(node, into: &entries)
            return Listing(entries: entries, etcdIndex: try index(header: etcdIndexHeader, fallback: nil))
        }
        let error = try decodeError(status: status, body: body)
        guard error.errorCode == keyNotFound else { throw invalid("error \(error.errorCode) \(error.message ?? "")") }
        return Listing(entries: [], etcdIndex: try index(header: etcdIndexHeader, fallback: error.index))
    }

    static func parseWatchReply(status: Int, body: [UInt8]) throws -> WatchReply {
        if status == 200 {
            if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D }) { return .empty }
            guard let modifiedIndex = try decode(Reply.self, body).node?.modifiedIndex else {
                throw invalid("a watch event without node.modifiedIndex")
            }
            return .changed(modifiedIndex: modifiedIndex)
        }
        let error = try decodeError(status: status, body: body)
        guard error.errorCode == eventIndexCleared else { throw invalid("error \(error.errorCode) \(error.message ?? "")") }
        return .historyCleared
    }

    private static func keysPath(_ prefix: String) -> String {
        "/v2/keys" + HTTPKVPath.percentEncodedPath(KVKeyPath.normalised(prefix))
    }

    private static func collectLeaves(_ node: Node, into entries: inout [KVEntry]) {
        if node.dir == true {
            for child in node.nodes ?? [] { collectLeaves(child, into: &entries) }
        } else if let key = node.key {
            entries.append(KVEntry(key: HTTPKVPath.normalizedKey(key), value: node.value ?? ""))
        }
    }

    private static func index(header: String?, fallback: UInt64?) throws -> UInt64 {
        if let header, let index = UInt64(header.trimmingCharacters(in: .whitespaces)) { return index }
        if let fallback { return fallback }
        throw invalid("no X-Etcd-Index header")
    }

    private static func decodeError(status: Int, body: [UInt8]) throws -> ErrorReply {
        do {
            return try JSONDecoder().decode(ErrorReply.self, from: Data(body))
        } catch {
            throw invalid("HTTP \(status): \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
    }

    private static func decode<Value: Decodable>(_ type: Value.Type, _ body: [UInt8]) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch {
            throw invalid("undecodable JSON (\(error))")
        }
    }

    private static func invalid(_ what: String) -> UnusableReply {
        UnusableReply(what)
    }
}

import Foundation

/// Requests and replies of Consul's KV HTTP API (`/v1/kv`), as pure functions.
enum ConsulProtocol {
    /// One element of a `?recurse` reply. `Value` is base64, or null for an empty value or a folder.
    struct Pair: Decodable {
        var Key: String
        var Value: String?
        var ModifyIndex: UInt64?
    }

    struct Listing: Equatable {
        var entries: [KVEntry]
        /// `X-Consul-Index`, never below 1 (Consul's advice: a 0 would make the next blocking query return at once).
        var index: UInt64
    }

    /// Consul keys carry no leading slash; the root is the empty key.
    static func listTarget(prefix: String) -> String {
        keyPath(prefix) + "?recurse"
    }

    static func blockingListTarget(prefix: String, index: UInt64, wait: Duration) -> String {
        keyPath(prefix) + "?recurse&index=\(index)&wait=\(max(1, wait.components.seconds))s"
    }

    /// Leaves at or below the prefix. Consul's `recurse` is a plain string prefix, so `traefik` also returns
    /// `traefik_other/…`: those are dropped, as are folder keys (ending in `/`).
    static func parseListing(status: Int, indexHeader: String?, body: [UInt8], prefix: String) throws -> Listing {
        let index = max(1, indexHeader.flatMap { UInt64($0.trimmingCharacters(in: .whitespaces)) } ?? 0)
        if status == 404 { return Listing(entries: [], index: index) }
        guard status == 200 else {
            throw UnusableReply("HTTP \(status): \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
        guard indexHeader != nil else { throw UnusableReply("no X-Consul-Index header") }
        let pairs: [Pair]
        do {
            pairs = try JSONDecoder().decode([Pair].self, from: Data(body))
        } catch {
            throw UnusableReply("undecodable JSON (\(error))")
        }
        let normalizedPrefix = KVKeyPath.normalised(prefix)
        let entries = try pairs.compactMap { pair -> KVEntry? in
            guard !pair.Key.hasSuffix("/") else { return nil }
            let key = HTTPKVPath.normalizedKey(pair.Key)
            guard KVKeyPath.isAtOrBelow(key, prefix: normalizedPrefix) else { return nil }
            guard let encoded = pair.Value else { return KVEntry(key: key, value: "") }
            guard let value = Data(base64Encoded: encoded) else { throw UnusableReply("invalid base64 in \(pair.Key)") }
            return KVEntry(key: key, value: String(decoding: value, as: UTF8.self))
        }
        return Listing(entries: entries.sorted { $0.key < $1.key }, index: index)
    }

    private static func keyPath(_ prefix: String) -> String {
        "/v1/kv" + HTTPKVPath.percentEncodedPath(KVKeyPath.normalised(prefix))
    }
}

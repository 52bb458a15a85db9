/// One key of a key/value store and its value.
///
/// Keys are absolute paths with one leading `/` and no trailing `/` (`/traefik/backends/b1/servers/s1/url`),
/// whatever the store's own spelling: Consul's `traefik/x` and BoltDB's `traefik/x` both read as `/traefik/x`.
/// Values are the payload only (BoltDB's 8-byte index prefix removed), decoded as UTF-8.
public struct KVEntry: Sendable, Equatable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// Why a store call failed. `description` is what the provider logs, so it names the store and endpoint.
public struct KVStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Not reachable: refused, timed out, connection lost, file missing.
        case unreachable
        /// Reachable but answered something we cannot use (bad status, bad JSON, corrupt file).
        case invalidResponse
    }

    public var kind: Kind
    public var description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}

/// The small interface the KV provider needs from etcd, Consul, ZooKeeper and BoltDB (spec §12, issue 11).
///
/// The provider never caches: on every change it lists the whole tree again and rebuilds its configuration, so a
/// store only has to say *that* something changed, not what.
public protocol KVStore: Sendable {
    /// Every key at or below `prefix` (recursive, leaves only: directories/folders are not entries), with values.
    /// A prefix that does not exist gives `[]`, not an error. Throws `KVStoreError` when the store cannot answer.
    func listTree(prefix: String) async throws -> [KVEntry]

    /// Change notifications for everything at or below `prefix` (decision D16: the whole subtree, for every store).
    ///
    /// The stream yields `.armed` once the watch is in place — a change made after that element was yielded is never
    /// missed — and then `.changed` for every change (coalescing several into one is fine; a spurious `.changed` is
    /// harmless). It finishes by throwing `KVStoreError` when the store is lost; it never retries by itself (the
    /// provider owns backoff). Cancelling the consuming task (or dropping the stream) stops the watch and frees its
    /// connection.
    func watchTree(prefix: String) -> AsyncThrowingStream<KVWatchEvent, any Error>

    /// Closes connections and sessions the store holds. Calls after `close()` throw `.unreachable`.
    func close() async
}

public enum KVWatchEvent: Sendable, Equatable {
    case armed
    case changed
}

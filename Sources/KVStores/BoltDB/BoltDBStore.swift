/// A read-only BoltDB store over a bolt file written by libkv (Træfik v1's `boltdb` backend), spec §12.3.
///
/// - Keys are the raw keys of the top-level bucket `bucket`, normalised to one leading `/`: `traefik/x` and
///   `/traefik/x` both read as `/traefik/x` (this sidesteps v1's key-prefix trap). When both spellings exist, the one
///   without the leading slash, libkv's usual spelling, wins.
/// - Values lose libkv's 8-byte little-endian index prefix. A value shorter than 8 bytes was not written by libkv and
///   is skipped. Nested buckets inside `bucket` (libkv never makes them) are skipped too.
/// - Each `listTree` reads the whole file with plain reads, no lock. A file that fails to parse is read once more
///   (a writer may have been mid-commit) before the error is reported.
/// - `watchTree` polls the file (decision D17) every `pollInterval`: device, inode, size, mtime, ctime and both meta
///   page headers; any difference is a `.changed`, whatever the prefix (the file has no finer change signal, and a
///   spurious `.changed` is harmless). A file that disappears ends the watch with `.unreachable`.
public struct BoltDBStore: KVStore {
    public let path: String
    public let bucket: String
    public let pollInterval: Duration
    private let lifecycle = BoltStoreLifecycle()

    public init(path: String, bucket: String = "traefik", pollInterval: Duration = .seconds(2)) {
        self.path = path
        self.bucket = bucket
        self.pollInterval = pollInterval
    }

    public func listTree(prefix: String) async throws -> [KVEntry] {
        try await lifecycle.ensureOpen(path: path)
        let keyValues = try readBucket()
        return Self.entries(from: keyValues, under: BoltKeyPath.normalisedPrefix(prefix))
    }

    public func watchTree(prefix: String) -> AsyncThrowingStream<KVWatchEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: KVWatchEvent.self)
        let task = Task { [path, pollInterval, lifecycle] in
            do {
                try await lifecycle.ensureOpen(path: path)
                var last = try BoltFileAccess.fingerprint(of: path)
                continuation.yield(.armed)
                while true {
                    try await Task.sleep(for: pollInterval)
                    try await lifecycle.ensureOpen(path: path)
                    let current = try BoltFileAccess.fingerprint(of: path)
                    if current != last {
                        last = current
                        continuation.yield(.changed)
                    }
                }
            } catch is CancellationError {
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// There is no connection to close; later calls (and running watches, at their next poll) throw `.unreachable`.
    public func close() async {
        await lifecycle.close()
    }

    /// The bucket's keys and values; a missing bucket is empty.
    private func readBucket() throws -> [BoltKeyValue] {
        let name = Array(bucket.utf8)
        do {
            return try BoltDatabaseImage(bytes: BoltFileAccess.contents(of: path)).keyValues(inBucket: name) ?? []
        } catch is BoltFormatError {
            do {
                return try BoltDatabaseImage(bytes: BoltFileAccess.contents(of: path)).keyValues(inBucket: name) ?? []
            } catch let error as BoltFormatError {
                throw KVStoreError(.invalidResponse, "boltdb \(path): corrupt bolt file: \(error)")
            }
        }
    }

    static func entries(from keyValues: [BoltKeyValue], under prefix: String) -> [KVEntry] {
        var byKey: [String: (value: String, spelledWithLeadingSlash: Bool)] = [:]
        for keyValue in keyValues where !keyValue.isBucket && keyValue.value.count >= 8 {
            let rawKey = String(decoding: keyValue.key, as: UTF8.self)
            guard let key = BoltKeyPath.normalised(rawKey), KVKeyPath.isAtOrBelow(key, prefix: prefix) else { continue }
            let spelledWithLeadingSlash = rawKey.hasPrefix("/")
            if let existing = byKey[key], !existing.spelledWithLeadingSlash || spelledWithLeadingSlash { continue }
            byKey[key] = (String(decoding: keyValue.value.dropFirst(8), as: UTF8.self), spelledWithLeadingSlash)
        }
        return byKey.map { KVEntry(key: $0.key, value: $0.value.value) }.sorted { $0.key < $1.key }
    }
}

/// Key spelling rules of the `KVStore` contract for bolt keys, which are raw byte strings.
enum BoltKeyPath {
    /// One leading `/`, no trailing `/`; nil for a key made only of slashes (it names no leaf).
    static func normalised(_ raw: String) -> String? {
        let trimmed = raw.drop(while: { $0 == "/" })
        guard let lastNonSlash = trimmed.lastIndex(where: { $0 != "/" }) else { return nil }
        return "/" + trimmed[...lastNonSlash]
    }

    /// `""` and `"/"` mean the whole bucket (`"/"`).
    static func normalisedPrefix(_ prefix: String) -> String {
        normalised(prefix) ?? "/"
    }

}

/// Whether `close()` was called; shared by copies of the store and by its watch tasks.
private actor BoltStoreLifecycle {
    private var isClosed = false

    func close() {
        isClosed = true
    }

    func ensureOpen(path: String) throws(KVStoreError) {
        guard !isClosed else { throw KVStoreError(.unreachable, "boltdb \(path): store closed") }
    }
}

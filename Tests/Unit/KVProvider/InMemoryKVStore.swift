import KVStores
import NIOConcurrencyHelpers

/// A `KVStore` in memory for the provider's unit tests: writes notify every watch below them, and the store can be
/// taken down (every call throws, every watch fails) and brought back.
final class InMemoryKVStore: KVStore {
    private struct State {
        var values: [String: String] = [:]
        var reachable = true
        var watches: [Int: (prefix: String, continuation: AsyncThrowingStream<KVWatchEvent, any Error>.Continuation)] = [:]
        var nextWatch = 0
        /// Every list and watch call, reachable or not.
        var callCount = 0
    }

    private let state = NIOLockedValueBox(State())

    init(_ values: [String: String] = [:]) {
        state.withLockedValue { $0.values = values }
    }

    var callCount: Int { state.withLockedValue { $0.callCount } }
    var watchCount: Int { state.withLockedValue { $0.watches.count } }

    func put(_ key: String, _ value: String) { change(key: key) { $0.values[key] = value } }

    /// Several keys in one step (one notification), like a transaction.
    func put(_ values: [String: String]) {
        state.withLockedValue { state in
            for (key, value) in values { state.values[key] = value }
        }
        for key in values.keys { notify(key) }
    }

    func delete(_ key: String) { change(key: key) { $0.values[key] = nil } }

    func setReachable(_ reachable: Bool) {
        let lost = state.withLockedValue { state in
            state.reachable = reachable
            guard !reachable else { return [AsyncThrowingStream<KVWatchEvent, any Error>.Continuation]() }
            defer { state.watches = [:] }
            return state.watches.values.map(\.continuation)
        }
        for continuation in lost { continuation.finish(throwing: KVStoreError(.unreachable, "in-memory store down")) }
    }

    func listTree(prefix: String) async throws -> [KVEntry] {
        try state.withLockedValue { state in
            state.callCount += 1
            guard state.reachable else { throw KVStoreError(.unreachable, "in-memory store down") }
            return state.values.filter { $0.key == prefix || $0.key.hasPrefix(prefix + "/") }
                .map { KVEntry(key: $0.key, value: $0.value) }
        }
    }

    func watchTree(prefix: String) -> AsyncThrowingStream<KVWatchEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: KVWatchEvent.self, throwing: (any Error).self)
        let id: Int? = state.withLockedValue { state in
            state.callCount += 1
            guard state.reachable else { return nil }
            state.nextWatch += 1
            state.watches[state.nextWatch] = (prefix, continuation)
            return state.nextWatch
        }
        guard let id else {
            continuation.finish(throwing: KVStoreError(.unreachable, "in-memory store down"))
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLockedValue { _ = $0.watches.removeValue(forKey: id) }
        }
        continuation.yield(.armed)
        return stream
    }

    func close() async {}

    private func change(key: String, _ body: (inout State) -> Void) {
        state.withLockedValue { body(&$0) }
        notify(key)
    }

    private func notify(_ key: String) {
        let targets = state.withLockedValue { state in
            state.watches.values.filter { key == $0.prefix || key.hasPrefix($0.prefix + "/") }.map(\.continuation)
        }
        for continuation in targets { continuation.yield(.changed) }
    }
}

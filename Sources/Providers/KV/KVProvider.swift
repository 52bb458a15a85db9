import KVStores
import TraefikCore

/// The key/value provider (spec §12, issue 11) over any `KVStore`: etcd, Consul, ZooKeeper or BoltDB.
///
/// Every change re-reads the whole tree and emits a complete snapshot. `<prefix>/alias` redirects every read to
/// another prefix; the alias and its target are read one after the other and emitted as one snapshot, so a switch
/// is atomic for traffic. Both the prefix and the alias target are watched. A store that cannot be reached, or holds
/// nothing under the prefix, is reported `unavailable` (the watcher keeps the last good routes) and retried with
/// capped exponential backoff forever (decision D15); the same failure is reported once, not at every retry.
public struct KVProvider: RereadableProvider {
    public let name: ProviderName
    public let store: any KVStore
    /// Where the store lives, for messages (`etcd 127.0.0.1:2379`).
    public let endpoint: String
    public let prefix: String
    public let watch: Bool
    /// `filename`: a Go template replacing the built-in layout, re-read at every reload (spec §12B).
    public let templateFile: String?
    public let backoff: RetryBackoff

    public init(
        name: ProviderName,
        store: any KVStore,
        endpoint: String,
        prefix: String,
        watch: Bool,
        templateFile: String? = nil,
        backoff: RetryBackoff = RetryBackoff()
    ) {
        self.name = name
        self.store = store
        self.endpoint = endpoint
        self.prefix = KVKeyPath.normalised(prefix)
        self.watch = watch
        self.templateFile = templateFile
        self.backoff = backoff
    }

    public func events() -> AsyncStream<ProviderEvent> {
        let provider = self
        return ProviderRun.events(backoff: backoff, describe: describe) { output in
            if provider.watch {
                try await provider.watchLoop(&output)
            } else {
                let (tree, effectivePrefix) = try await provider.readTree()
                // Without a watch, an empty store is retried like an unreachable one (D15).
                guard tree.contains(below: effectivePrefix) else { throw NoKeys(prefix: effectivePrefix) }
                output.emit(provider.event(for: tree, prefix: effectivePrefix))
            }
        }
    }

    /// The routes the store holds now (one read, no watch): what SIGHUP and `watch = false` use.
    public func currentEvent() async -> ProviderEvent {
        do {
            let (tree, effectivePrefix) = try await readTree()
            return event(for: tree, prefix: effectivePrefix)
        } catch {
            return .unavailable(describe(error))
        }
    }

    /// The tree below `prefix`, or below the alias target when `<prefix>/alias` is set, and that effective prefix.
    func readTree() async throws -> (KVTree, String) {
        let tree = KVTree(try await store.listTree(prefix: prefix))
        guard let target = aliasTarget(in: tree) else { return (tree, prefix) }
        return (KVTree(try await store.listTree(prefix: target)), target)
    }

    /// `<prefix>/alias`'s value as a normalised prefix, when it is set and not empty.
    func aliasTarget(in tree: KVTree) -> String? {
        guard let value = tree.value(at: prefix + "/alias"), value.contains(where: { $0 != "/" && $0 != " " }) else {
            return nil
        }
        return KVKeyPath.normalised(value.trimming(" "))
    }

    func event(for tree: KVTree, prefix effectivePrefix: String) -> ProviderEvent {
        guard tree.contains(below: effectivePrefix) else { return .unavailable(describe(NoKeys(prefix: effectivePrefix))) }
        if let templateFile {
            return KVTemplateRendering.event(templateFile: templateFile, tree: tree, prefix: effectivePrefix)
        }
        return .snapshot(KVConfigurationBuilder(provider: name).snapshot(from: tree, prefix: effectivePrefix))
    }

    @Sendable func describe(_ error: any Error) -> String {
        "\(name.rawValue) \(endpoint): \(error)"
    }

    /// Arms a watch on the prefix, reads, emits, and reads again after every change, until the store fails.
    private func watchLoop(_ output: inout ProviderOutput) async throws {
        let watches = KVWatchSet(store: store)
        defer { watches.stopAll() }
        try await watches.arm(prefix)
        var currentTarget: String?
        while true {
            let tree = KVTree(try await store.listTree(prefix: prefix))
            let target = aliasTarget(in: tree)
            if target != currentTarget {
                if let currentTarget { watches.stop(currentTarget) }
                if let target { try await watches.arm(target) }
                currentTarget = target
            }
            if let target {
                output.emit(event(for: KVTree(try await store.listTree(prefix: target)), prefix: target))
            } else {
                output.emit(event(for: tree, prefix: prefix))
            }
            try await watches.nextChange()
        }
    }
}

/// Nothing under the prefix: as unusable as an unreachable store (an emptied store must not remove every route).
private struct NoKeys: Error, CustomStringConvertible {
    let prefix: String
    var description: String { "no keys under \(prefix)" }
}

/// The store watches of one attempt, merged into one signal stream.
private final class KVWatchSet {
    private enum Signal: Sendable {
        case armed(prefix: String, generation: Int)
        case changed(generation: Int)
        case failed(any Error, generation: Int)
    }

    private let store: any KVStore
    private let signals: AsyncStream<Signal>
    private let sink: AsyncStream<Signal>.Continuation
    private var iterator: AsyncStream<Signal>.Iterator
    /// prefix → (generation, forwarding task). A stopped watch's late signals carry an old generation.
    private var watches: [String: (generation: Int, task: Task<Void, Never>)] = [:]
    private var nextGeneration = 0

    init(store: any KVStore) {
        self.store = store
        (signals, sink) = AsyncStream.makeStream(of: Signal.self)
        iterator = signals.makeAsyncIterator()
    }

    /// Starts watching `prefix` and returns once the store says no later change can be missed.
    func arm(_ prefix: String) async throws {
        nextGeneration += 1
        let generation = nextGeneration
        let stream = store.watchTree(prefix: prefix)
        let sink = self.sink
        let task = Task {
            do {
                for try await event in stream {
                    switch event {
                    case .armed: sink.yield(.armed(prefix: prefix, generation: generation))
                    case .changed: sink.yield(.changed(generation: generation))
                    }
                }
                sink.yield(.failed(KVStoreError(.unreachable, "the watch on \(prefix) ended"), generation: generation))
            } catch {
                sink.yield(.failed(error, generation: generation))
            }
        }
        watches[prefix] = (generation, task)
        while true {
            switch try await nextSignal() {
            case .armed(_, let armed) where armed == generation: return
            default: continue  // a change before the new watch is armed: the read that follows sees it anyway
            }
        }
    }

    func stop(_ prefix: String) {
        watches.removeValue(forKey: prefix)?.task.cancel()
    }

    func stopAll() {
        for watch in watches.values { watch.task.cancel() }
        watches = [:]
        sink.finish()
    }

    /// Returns at the next change of any live watch; throws when one of them fails.
    func nextChange() async throws {
        while true {
            if case .changed = try await nextSignal() { return }
        }
    }

    /// The next signal from a live watch; a failure of a live watch is thrown.
    private func nextSignal() async throws -> Signal {
        let live = Set(watches.values.map(\.generation))
        while true {
            guard let signal = await iterator.next() else { throw CancellationError() }
            try Task.checkCancellation()
            switch signal {
            case .armed(_, let generation) where live.contains(generation): return signal
            case .changed(let generation) where live.contains(generation): return signal
            case .failed(let error, let generation) where live.contains(generation): throw error
            default: continue
            }
        }
    }
}

extension String {
    fileprivate func trimming(_ character: Character) -> String {
        var view = self[...]
        while view.first == character { view = view.dropFirst() }
        while view.last == character { view = view.dropLast() }
        return String(view)
    }
}

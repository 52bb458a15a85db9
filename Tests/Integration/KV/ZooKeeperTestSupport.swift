import KVStores

/// Consumes a watch stream in the background and keeps what it saw, so tests can poll it with `eventually`.
actor ZooKeeperWatchRecorder {
    private(set) var events: [KVWatchEvent] = []
    private(set) var failure: KVStoreError?
    private(set) var otherFailure: String?
    private(set) var finished = false
    private var consumer: Task<Void, Never>?

    static func recording(_ stream: AsyncThrowingStream<KVWatchEvent, any Error>) async -> ZooKeeperWatchRecorder {
        let recorder = ZooKeeperWatchRecorder()
        await recorder.consume(stream)
        return recorder
    }

    private func consume(_ stream: AsyncThrowingStream<KVWatchEvent, any Error>) {
        consumer = Task {
            do {
                for try await event in stream { self.record(event) }
                self.end(nil)
            } catch {
                self.end(error)
            }
        }
    }

    private func record(_ event: KVWatchEvent) {
        events.append(event)
    }

    private func end(_ error: (any Error)?) {
        finished = true
        if let error = error as? KVStoreError {
            failure = error
        } else if let error {
            otherFailure = "\(error)"
        }
    }

    var isArmed: Bool { events.first == .armed }
    var changeCount: Int { events.filter { $0 == .changed }.count }

    func stop() {
        consumer?.cancel()
    }
}

import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// An in-process Consul KV endpoint: `GET /v1/kv/<key>[?recurse][&index=N&wait=Xs]`, answering JSON arrays of
/// `{LockIndex, Key, Flags, Value (base64 or null), CreateIndex, ModifyIndex}` with `X-Consul-Index`, 404 when
/// nothing matches. `recurse` is a plain string prefix, as in Consul. A blocking query whose index is current
/// waits for the next change anywhere in the store, or for its wait (no jitter), then answers the listing.
public final class FakeConsulServer: Sendable {
    private let server: FakeHTTPServer
    private let state: NIOLockedValueBox<State>

    public var port: Int { server.port }
    public var endpoint: String { "http://127.0.0.1:\(server.port)" }

    private struct Stored {
        var value: [UInt8]?
        var createIndex: UInt64
        var modifyIndex: UInt64
    }

    private struct Waiter {
        var index: UInt64
        var key: String
        var recurse: Bool
        var responder: FakeHTTPResponder
        var timer: Scheduled<Void>
    }

    private struct State {
        var index: UInt64 = 1
        var pairs: [String: Stored] = [:]
        var nextID = 0
        var waiters: [Int: Waiter] = [:]
        var answeredBlockingQueries = 0
    }

    private init(server: FakeHTTPServer, state: NIOLockedValueBox<State>) {
        self.server = server
        self.state = state
    }

    public static func start() async throws -> FakeConsulServer {
        let state = NIOLockedValueBox(State())
        let server = try await FakeHTTPServer.start { request, responder in
            Self.handle(request, responder, state: state)
        }
        return FakeConsulServer(server: server, state: state)
    }

    // MARK: Test controls

    /// Sets `key` (leading `/` dropped, as Consul's clients do), waking blocking queries.
    public func put(_ key: String, _ value: String) {
        change { state in
            state.index += 1
            let key = Self.consulKey(key)
            let created = state.pairs[key]?.createIndex ?? state.index
            state.pairs[key] = Stored(value: Array(value.utf8), createIndex: created, modifyIndex: state.index)
        }
    }

    /// A folder as Consul's UI creates it: the key with a trailing `/` and a null value.
    public func putFolder(_ key: String) {
        change { state in
            state.index += 1
            let key = Self.consulKey(key) + "/"
            state.pairs[key] = Stored(value: nil, createIndex: state.index, modifyIndex: state.index)
        }
    }

    /// Deletes `key` and every key it prefixes as a string (Consul's `DELETE ?recurse`).
    public func deleteTree(_ key: String) {
        change { state in
            state.index += 1
            let prefix = Self.consulKey(key)
            state.pairs = state.pairs.filter { !$0.key.hasPrefix(prefix) }
        }
    }

    /// Moves the index back to `index` (Consul after a snapshot restore), answering blocking queries.
    public func resetIndex(to index: UInt64) {
        change { state in
            state.index = index
            state.pairs = state.pairs.mapValues { stored in
                var stored = stored
                stored.createIndex = min(stored.createIndex, index)
                stored.modifyIndex = min(stored.modifyIndex, index)
                return stored
            }
        }
    }

    public var index: UInt64 { state.withLockedValue { $0.index } }

    public var pendingBlockingQueryCount: Int { state.withLockedValue { $0.waiters.count } }

    /// The `index` each pending blocking query asked for, lowest first.
    public var pendingBlockingQueryIndexes: [UInt64] { state.withLockedValue { $0.waiters.values.map(\.index).sorted() } }

    /// Blocking queries answered so far, by a change or by their wait running out.
    public var answeredBlockingQueryCount: Int { state.withLockedValue { $0.answeredBlockingQueries } }

    public var openConnectionCount: Int { server.openConnectionCount }

    public func dropConnections() async { await server.dropConnections() }

    public func stop() async { await server.stop() }

    // MARK: Serving

    private func change(_ apply: (inout State) -> Void) {
        let (woken, index, pairs) = state.withLockedValue { state in
            apply(&state)
            state.answeredBlockingQueries += state.waiters.count
            defer { state.waiters = [:] }
            return (Array(state.waiters.values), state.index, state.pairs)
        }
        for waiter in woken {
            waiter.timer.cancel()
            Self.answer(key: waiter.key, recurse: waiter.recurse, index: index, pairs: pairs, waiter.responder)
        }
    }

    private static func handle(_ request: FakeHTTPRequest, _ responder: FakeHTTPResponder, state: NIOLockedValueBox<State>) {
        guard request.method == "GET", request.path.hasPrefix("/v1/kv/") else {
            responder.respond(status: 405, body: [])
            return
        }
        let key = String(request.path.dropFirst("/v1/kv/".count))
        let recurse = request.query["recurse"] != nil
        let asked = request.query["index"].flatMap { UInt64($0) } ?? 0
        let wait = request.query["wait"].flatMap(Self.seconds) ?? 300
        enum Outcome {
            case now(UInt64, [String: Stored])
            case blocked(Int)
        }
        let outcome: Outcome = state.withLockedValue { locked in
            guard asked > 0 && asked >= locked.index else { return .now(locked.index, locked.pairs) }
            locked.nextID += 1
            let id = locked.nextID
            let timer = responder.channel.eventLoop.scheduleTask(in: .seconds(wait)) {
                let expired = state.withLockedValue { state in
                    state.waiters.removeValue(forKey: id).map { waiter in
                        state.answeredBlockingQueries += 1
                        return (waiter, state.index, state.pairs)
                    }
                }
                if let (waiter, index, pairs) = expired {
                    answer(key: waiter.key, recurse: waiter.recurse, index: index, pairs: pairs, waiter.responder)
                }
            }
            locked.waiters[id] = Waiter(index: asked, key: key, recurse: recurse, responder: responder, timer: timer)
            return .blocked(id)
        }
        switch outcome {
        case .now(let index, let pairs):
            answer(key: key, recurse: recurse, index: index, pairs: pairs, responder)
        case .blocked(let id):
            // A client that gives up (cancelled watch) no longer counts as a pending query.
            responder.onClose { state.withLockedValue { $0.waiters.removeValue(forKey: id) }?.timer.cancel() }
        }
    }

    private static func answer(key: String, recurse: Bool, index: UInt64, pairs: [String: Stored], _ responder: FakeHTTPResponder) {
        let matching = pairs.filter { recurse ? $0.key.hasPrefix(key) : $0.key == key }.sorted { $0.key < $1.key }
        let headers = [("Content-Type", "application/json"), ("X-Consul-Index", String(index))]
        guard !matching.isEmpty else {
            responder.respond(status: 404, headers: headers, body: [])
            return
        }
        let objects: [[String: Any]] = matching.map { key, stored in
            [
                "LockIndex": 0, "Key": key, "Flags": 0,
                "Value": stored.value.map { Data($0).base64EncodedString() } ?? NSNull(),
                "CreateIndex": stored.createIndex, "ModifyIndex": stored.modifyIndex,
            ]
        }
        let body = (try? JSONSerialization.data(withJSONObject: objects)) ?? Data()
        responder.respond(status: 200, headers: headers, body: Array(body))
    }

    private static func consulKey(_ key: String) -> String {
        String(key.drop { $0 == "/" })
    }

    /// `15s`, `1m`, `100ms` → seconds (at least 1).
    private static func seconds(_ text: String) -> Int64? {
        if text.hasSuffix("ms"), let value = Int64(text.dropLast(2)) { return max(1, value / 1000) }
        if text.hasSuffix("s"), let value = Int64(text.dropLast()) { return value }
        if text.hasSuffix("m"), let value = Int64(text.dropLast()) { return value * 60 }
        return nil
    }
}

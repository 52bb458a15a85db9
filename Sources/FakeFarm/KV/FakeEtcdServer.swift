import Foundation
import NIOConcurrencyHelpers

/// An in-process etcd speaking the parts of the v2 keys API and the v3 JSON gateway the etcd store uses:
/// - v2 `GET /v2/keys/<key>` (always recursive and sorted) with `X-Etcd-Index`, errorCode 100 for a missing key;
///   `?wait=true[&waitIndex=N]` long polls (head sent at once, answered by the first matching event at or after N),
///   errorCode 401 for an index older than the kept history.
/// - v3 `POST /v3/kv/range` and a streaming `POST /v3/watch` (`created`, event batches, `compact_revision`).
/// Unlike a real etcd, both APIs share one key space and one index (the v3 revision).
public final class FakeEtcdServer: Sendable {
    private let server: FakeHTTPServer
    private let state: NIOLockedValueBox<State>

    public var port: Int { server.port }
    public var endpoint: String { "http://127.0.0.1:\(server.port)" }

    private struct Stored {
        var value: String
        var createdIndex: UInt64
        var modifiedIndex: UInt64
    }

    private struct Event {
        var index: UInt64
        var action: String
        var key: String
        var value: String?
        var createdIndex: UInt64
    }

    private struct V2Waiter {
        var prefix: String
        var waitIndex: UInt64
        var responder: FakeHTTPResponder
    }

    private struct V3Watcher {
        var start: [UInt8]
        var end: [UInt8]?
        var responder: FakeHTTPResponder
    }

    private struct State {
        var index: UInt64 = 1
        var keys: [String: Stored] = [:]
        var history: [Event] = []
        /// Events below this index are forgotten: asking for them gives errorCode 401 / a compaction.
        var historyStart: UInt64 = 1
        var nextID = 0
        var v2Waiters: [Int: V2Waiter] = [:]
        var v3Watchers: [Int: V3Watcher] = [:]
        var forgetBeforeNextWatch = false
        var historyClearedReplies = 0

        /// Applies a pending `forgetHistoryBeforeNextWatch`: true if this watch must be told its index is gone.
        mutating func historyForgotten(asking wanted: UInt64) -> Bool {
            if forgetBeforeNextWatch {
                forgetBeforeNextWatch = false
                history = []
                historyStart = index + 1
                historyClearedReplies += 1
                return true
            }
            if wanted > 0 && wanted < historyStart {
                historyClearedReplies += 1
                return true
            }
            return false
        }
    }

    private init(server: FakeHTTPServer, state: NIOLockedValueBox<State>) {
        self.server = server
        self.state = state
    }

    public static func start() async throws -> FakeEtcdServer {
        let state = NIOLockedValueBox(State())
        let server = try await FakeHTTPServer.start { request, responder in
            Self.handle(request, responder, state: state)
        }
        return FakeEtcdServer(server: server, state: state)
    }

    // MARK: Test controls

    /// Sets `key` (normalised to a leading `/`), waking v2 polls and v3 watches that cover it.
    public func put(_ key: String, _ value: String) {
        let key = Self.normalized(key)
        record { state in
            state.index += 1
            let created = state.keys[key]?.createdIndex ?? state.index
            state.keys[key] = Stored(value: value, createdIndex: created, modifiedIndex: state.index)
            return [Event(index: state.index, action: "set", key: key, value: value, createdIndex: created)]
        }
    }

    /// Deletes `key` and everything below it, as one change.
    public func delete(_ key: String) {
        let key = Self.normalized(key)
        record { state in
            let doomed = state.keys.keys.filter { Self.isAtOrBelow($0, key) }.sorted()
            guard !doomed.isEmpty else { return [] }
            state.index += 1
            return doomed.map { doomedKey in
                let created = state.keys.removeValue(forKey: doomedKey)?.createdIndex ?? state.index
                return Event(index: state.index, action: "delete", key: doomedKey, value: nil, createdIndex: created)
            }
        }
    }

    /// The next v2 poll is answered with errorCode 401 and the next v3 watch is cancelled with a compaction, as if
    /// etcd's history had moved past the index the client asks for (a burst of writes between two polls).
    public func forgetHistoryBeforeNextWatch() {
        state.withLockedValue { $0.forgetBeforeNextWatch = true }
    }

    /// How many polls got errorCode 401 and watches a compaction so far.
    public var historyClearedReplyCount: Int { state.withLockedValue { $0.historyClearedReplies } }

    /// Ends every pending v2 long poll with an empty body, as etcd does when a poll times out on its side.
    public func endPollsEmpty() {
        let waiters = state.withLockedValue { state in
            defer { state.v2Waiters = [:] }
            return Array(state.v2Waiters.values)
        }
        for waiter in waiters { waiter.responder.finishStream() }
    }

    /// Pending v2 long polls plus open v3 watch streams.
    public var pendingWatchCount: Int { state.withLockedValue { $0.v2Waiters.count + $0.v3Watchers.count } }

    public var openConnectionCount: Int { server.openConnectionCount }

    public func dropConnections() async { await server.dropConnections() }

    public func stop() async { await server.stop() }

    // MARK: Recording changes

    private func record(_ change: (inout State) -> [Event]) {
        let (events, wokenPolls, watchers) = state.withLockedValue { state in
            let events = change(&state)
            state.history += events
            var woken: [(FakeHTTPResponder, Event)] = []
            for (id, waiter) in state.v2Waiters {
                if let event = events.first(where: { Self.isAtOrBelow($0.key, waiter.prefix) && $0.index >= waiter.waitIndex }) {
                    woken.append((waiter.responder, event))
                    state.v2Waiters[id] = nil
                }
            }
            return (events, woken, Array(state.v3Watchers.values))
        }
        guard !events.isEmpty else { return }
        for (responder, event) in wokenPolls {
            responder.sendChunk(Self.v2EventBody(event))
            responder.finishStream()
        }
        let revision = events[0].index
        for watcher in watchers {
            let matching = events.filter { Self.inRange(Array($0.key.utf8), watcher.start, watcher.end) }
            if !matching.isEmpty { watcher.responder.sendChunk(Self.v3EventsMessage(matching, revision: revision)) }
        }
    }

    // MARK: Serving

    private static func handle(_ request: FakeHTTPRequest, _ responder: FakeHTTPResponder, state: NIOLockedValueBox<State>) {
        switch (request.method, request.path) {
        case ("GET", let path) where path.hasPrefix("/v2/keys"):
            let key = normalized(String(path.dropFirst("/v2/keys".count)))
            if request.query["wait"] == "true" {
                v2Wait(key: key, waitIndex: request.query["waitIndex"].flatMap { UInt64($0) }, responder, state: state)
            } else {
                v2List(key: key, responder, state: state)
            }
        case ("POST", "/v3/kv/range"):
            v3Range(request.body, responder, state: state)
        case ("POST", "/v3/watch"):
            v3Watch(request.body, responder, state: state)
        default:
            responder.respond(status: 404, body: Array("404 page not found\n".utf8))
        }
    }

    private static func v2List(key: String, _ responder: FakeHTTPResponder, state: NIOLockedValueBox<State>) {
        let (index, node) = state.withLockedValue { state in (state.index, v2Node(key: key, keys: state.keys)) }
        let headers = [("Content-Type", "application/json"), ("X-Etcd-Index", String(index))]
        guard let node else {
            responder.respond(status: 404, headers: headers, body: v2Error(code: 100, message: "Key not found", index: index))
            return
        }
        responder.respond(status: 200, headers: headers, body: json(["action": "get", "node": node]))
    }

    private static func v2Wait(key: String, waitIndex: UInt64?, _ responder: FakeHTTPResponder, state: NIOLockedValueBox<State>) {
        enum Outcome {
            case cleared(UInt64)
            case event(Event, UInt64)
            case waiting(Int)
        }
        let outcome: Outcome = state.withLockedValue { state in
            let wanted = waitIndex ?? state.index + 1
            if state.historyForgotten(asking: wanted) { return .cleared(state.index) }
            if let event = state.history.first(where: { $0.index >= wanted && isAtOrBelow($0.key, key) }) {
                return .event(event, state.index)
            }
            // The head goes out before the poll can be woken, so an answer never overtakes it.
            responder.startStream(headers: [("Content-Type", "application/json"), ("X-Etcd-Index", String(state.index))])
            state.nextID += 1
            state.v2Waiters[state.nextID] = V2Waiter(prefix: key, waitIndex: wanted, responder: responder)
            return .waiting(state.nextID)
        }
        switch outcome {
        case .cleared(let index):
            responder.respond(
                status: 400, headers: [("Content-Type", "application/json"), ("X-Etcd-Index", String(index))],
                body: v2Error(code: 401, message: "The event in requested index is outdated and cleared", index: index))
        case .event(let event, let index):
            responder.respond(
                status: 200, headers: [("Content-Type", "application/json"), ("X-Etcd-Index", String(index))],
                body: v2EventBody(event))
        case .waiting(let id):
            responder.onClose { _ = state.withLockedValue { $0.v2Waiters.removeValue(forKey: id) } }
        }
    }

    private static func v3Range(_ body: [UInt8], _ responder: FakeHTTPResponder, state: NIOLockedValueBox<State>) {
        guard let request = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let start = bytes(base64: request["key"])
        else {
            responder.respond(status: 400, body: json(["error": "bad range request", "message": "bad range request", "code": 3]))
            return
        }
        let end = bytes(base64: request["range_end"])
        let (revision, pairs) = state.withLockedValue { state in
            (state.index, state.keys.filter { inRange(Array($0.key.utf8), start, end) }.sorted { $0.key < $1.key })
        }
        var reply: [String: Any] = ["header": header(revision)]
        if !pairs.isEmpty {
            reply["kvs"] = pairs.map { key, stored in
                [
                    "key": base64(key), "value": base64(stored.value), "create_revision": String(stored.createdIndex),
                    "mod_revision": String(stored.modifiedIndex), "version": "1",
                ]
            }
            reply["count"] = String(pairs.count)
        }
        responder.respond(status: 200, headers: [("Content-Type", "application/json")], body: json(reply))
    }

    private static func v3Watch(_ body: [UInt8], _ responder: FakeHTTPResponder, state: NIOLockedValueBox<State>) {
        guard let request = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let create = request["create_request"] as? [String: Any],
            let start = bytes(base64: create["key"])
        else {
            responder.respond(status: 400, body: json(["error": "bad watch request", "message": "bad watch request", "code": 3]))
            return
        }
        let end = bytes(base64: create["range_end"])
        let startRevision = (create["start_revision"] as? String).flatMap { UInt64($0) } ?? (create["start_revision"] as? UInt64) ?? 0
        responder.startStream(headers: [("Content-Type", "application/json")])
        // Replayed and registered under one lock, so no change falls between the replay and the registration.
        let registered: Int? = state.withLockedValue { state in
            responder.sendChunk(json(["result": ["header": header(state.index), "created": true]]) + [0x0A])
            if state.historyForgotten(asking: startRevision) {
                let compacted = String(state.historyStart - 1)
                responder.sendChunk(
                    json(["result": ["header": header(state.index), "canceled": true, "compact_revision": compacted]])
                        + [0x0A])
                return nil
            }
            let replay = state.history.filter { $0.index >= startRevision && inRange(Array($0.key.utf8), start, end) }
            for (revision, events) in Dictionary(grouping: replay, by: \.index).sorted(by: { $0.key < $1.key }) {
                responder.sendChunk(v3EventsMessage(events, revision: revision))
            }
            state.nextID += 1
            state.v3Watchers[state.nextID] = V3Watcher(start: start, end: end, responder: responder)
            return state.nextID
        }
        if let registered {
            responder.onClose { _ = state.withLockedValue { $0.v3Watchers.removeValue(forKey: registered) } }
        }
    }

    // MARK: JSON

    private static func v2Node(key: String, keys: [String: Stored]) -> [String: Any]? {
        if let stored = keys[key], key != "/" {
            return ["key": key, "value": stored.value, "modifiedIndex": stored.modifiedIndex, "createdIndex": stored.createdIndex]
        }
        let below = keys.keys.filter { isAtOrBelow($0, key) && $0 != key }
        guard !below.isEmpty || key == "/" else { return nil }
        let base = key == "/" ? "" : key
        let childNames = Set(below.map { $0.dropFirst(base.count + 1).split(separator: "/").first.map(String.init) ?? "" })
        var node: [String: Any] = ["dir": true]
        if key != "/" { node["key"] = key }
        let children = childNames.sorted().compactMap { v2Node(key: base + "/" + $0, keys: keys) }
        if !children.isEmpty { node["nodes"] = children }
        return node
    }

    private static func v2EventBody(_ event: Event) -> [UInt8] {
        var node: [String: Any] = ["key": event.key, "modifiedIndex": event.index, "createdIndex": event.createdIndex]
        if let value = event.value { node["value"] = value }
        return json(["action": event.action, "node": node]) + [0x0A]
    }

    private static func v2Error(code: Int, message: String, index: UInt64) -> [UInt8] {
        json(["errorCode": code, "message": message, "cause": "", "index": index]) + [0x0A]
    }

    private static func v3EventsMessage(_ events: [Event], revision: UInt64) -> [UInt8] {
        let encoded: [[String: Any]] = events.map { event in
            if event.action == "delete" {
                return ["type": "DELETE", "kv": ["key": base64(event.key), "mod_revision": String(event.index)]]
            }
            return [
                "kv": [
                    "key": base64(event.key), "value": base64(event.value ?? ""),
                    "create_revision": String(event.createdIndex), "mod_revision": String(event.index),
                ]
            ]
        }
        return json(["result": ["header": header(revision), "events": encoded]]) + [0x0A]
    }

    private static func header(_ revision: UInt64) -> [String: Any] {
        ["cluster_id": "1", "member_id": "1", "revision": String(revision), "raft_term": "2"]
    }

    private static func json(_ object: [String: Any]) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }

    private static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    private static func bytes(base64 value: Any?) -> [UInt8]? {
        (value as? String).flatMap { Data(base64Encoded: $0) }.map(Array.init)
    }

    // MARK: Keys

    private static func normalized(_ key: String) -> String {
        "/" + key.split(separator: "/").joined(separator: "/")
    }

    private static func isAtOrBelow(_ key: String, _ prefix: String) -> Bool {
        prefix == "/" || key == prefix || key.hasPrefix(prefix + "/")
    }

    /// etcd's range rule: `[start, end)`; an `end` of `\0` means "to the last key"; no `end` means `start` alone.
    private static func inRange(_ key: [UInt8], _ start: [UInt8], _ end: [UInt8]?) -> Bool {
        guard let end else { return key == start }
        guard !key.lexicographicallyPrecedes(start) else { return false }
        return end == [0] || key.lexicographicallyPrecedes(end)
    }
}

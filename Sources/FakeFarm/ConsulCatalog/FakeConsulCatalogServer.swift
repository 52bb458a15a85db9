import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// An in-process Consul catalog: `GET /v1/catalog/services` and `GET /v1/health/service/<name>[?passing=1]`, both
/// as blocking queries (`index`, `wait`, `X-Consul-Index`). Registering or deregistering moves the catalog's index
/// and that service's health index; a health change moves only the service's health index (as in Consul, where
/// check updates do not touch the catalog). Service names match case-insensitively, as Consul's lookups do.
public final class FakeConsulCatalogServer: Sendable {
    public struct Instance: Sendable {
        public var id: String
        public var service: String
        public var node: String
        public var address: String
        public var port: Int
        public var tags: [String]
        public var passing: Bool

        public init(
            id: String, service: String, node: String = "node1", address: String = "127.0.0.1", port: Int,
            tags: [String] = [], passing: Bool = true
        ) {
            self.id = id
            self.service = service
            self.node = node
            self.address = address
            self.port = port
            self.tags = tags
            self.passing = passing
        }
    }

    private enum Watched: Hashable {
        case catalog
        case health(String)
    }

    private struct Waiter {
        var watched: Watched
        var index: UInt64
        var request: FakeHTTPRequest
        var responder: FakeHTTPResponder
        var timer: Scheduled<Void>
    }

    private struct State {
        var index: UInt64 = 1
        var catalogIndex: UInt64 = 1
        var healthIndexes: [String: UInt64] = [:]
        var instances: [Instance] = []
        var waiters: [Int: Waiter] = [:]
        var nextWaiterID = 0
        var server: FakeHTTPServer?
        var requests: [String] = []

        func currentIndex(of watched: Watched) -> UInt64 {
            switch watched {
            case .catalog: catalogIndex
            case .health(let name): healthIndexes[name] ?? 1
            }
        }
    }

    private let state: NIOLockedValueBox<State>
    public let port: Int

    public var endpoint: String { "127.0.0.1:\(port)" }

    private init(state: NIOLockedValueBox<State>, port: Int) {
        self.state = state
        self.port = port
    }

    public static func start() async throws -> FakeConsulCatalogServer {
        let state = NIOLockedValueBox(State())
        let server = try await FakeHTTPServer.start { request, responder in handle(request, responder, state: state) }
        state.withLockedValue { $0.server = server }
        return FakeConsulCatalogServer(state: state, port: server.port)
    }

    // MARK: Test controls

    /// Registers (or replaces, by `id`) an instance.
    public func register(_ instance: Instance) {
        change(catalog: true, service: instance.service) { state in
            state.instances.removeAll { $0.id == instance.id }
            state.instances.append(instance)
        }
    }

    public func deregister(id: String) {
        guard let service = state.withLockedValue({ $0.instances.first { $0.id == id }?.service }) else { return }
        change(catalog: true, service: service) { state in state.instances.removeAll { $0.id == id } }
    }

    /// Turns an instance's health check passing or critical; the catalog index does not move.
    public func setPassing(id: String, _ passing: Bool) {
        guard let service = state.withLockedValue({ $0.instances.first { $0.id == id }?.service }) else { return }
        change(catalog: false, service: service) { state in
            for index in state.instances.indices where state.instances[index].id == id {
                state.instances[index].passing = passing
            }
        }
    }

    /// Blocking queries waiting for a change now.
    public var pendingBlockingQueryCount: Int { state.withLockedValue { $0.waiters.count } }

    /// Every request target received, in order.
    public var requests: [String] { state.withLockedValue { $0.requests } }

    public func dropConnections() async { await state.withLockedValue { $0.server }?.dropConnections() }

    public func stop() async {
        let server = state.withLockedValue { state in
            defer {
                state.server = nil
                state.waiters = [:]
            }
            return state.server
        }
        await server?.stop()
    }

    /// Listens again on the same port, with the same registrations.
    public func restart() async throws {
        let state = self.state
        let server = try await FakeHTTPServer.start(port: port) { request, responder in
            Self.handle(request, responder, state: state)
        }
        state.withLockedValue { $0.server = server }
    }

    // MARK: Serving

    private func change(catalog: Bool, service: String, _ apply: (inout State) -> Void) {
        let woken: [Waiter] = state.withLockedValue { state in
            apply(&state)
            state.index += 1
            if catalog { state.catalogIndex = state.index }
            state.healthIndexes[service.lowercased()] = state.index
            let ready = state.waiters.filter { state.currentIndex(of: $0.value.watched) > $0.value.index }
            for id in ready.keys { state.waiters.removeValue(forKey: id) }
            return Array(ready.values)
        }
        for waiter in woken {
            waiter.timer.cancel()
            Self.answer(waiter.request, waiter.responder, state: state)
        }
    }

    private static func handle(_ request: FakeHTTPRequest, _ responder: FakeHTTPResponder, state: NIOLockedValueBox<State>) {
        state.withLockedValue { $0.requests.append(request.path + (request.query["index"].map { " index=\($0)" } ?? "")) }
        let watched: Watched
        if request.method == "GET" && request.path == "/v1/catalog/services" {
            watched = .catalog
        } else if request.method == "GET" && request.path.hasPrefix("/v1/health/service/") {
            watched = .health(String(request.path.dropFirst("/v1/health/service/".count)).lowercased())
        } else {
            responder.respond(status: 404, body: [])
            return
        }
        let asked = request.query["index"].flatMap { UInt64($0) } ?? 0
        let wait = request.query["wait"].flatMap { Int64($0.dropLast()) } ?? 300
        let blockedID: Int? = state.withLockedValue { locked in
            guard asked > 0 && locked.currentIndex(of: watched) <= asked else { return nil }
            locked.nextWaiterID += 1
            let id = locked.nextWaiterID
            let timer = responder.channel.eventLoop.scheduleTask(in: .seconds(wait)) {
                if state.withLockedValue({ $0.waiters.removeValue(forKey: id) }) != nil {
                    answer(request, responder, state: state)
                }
            }
            locked.waiters[id] = Waiter(watched: watched, index: asked, request: request, responder: responder, timer: timer)
            return id
        }
        if let blockedID {
            responder.onClose { state.withLockedValue { $0.waiters.removeValue(forKey: blockedID) }?.timer.cancel() }
        } else {
            answer(request, responder, state: state)
        }
    }

    private static func answer(_ request: FakeHTTPRequest, _ responder: FakeHTTPResponder, state: NIOLockedValueBox<State>) {
        let (instances, catalogIndex, healthIndexes) = state.withLockedValue {
            ($0.instances, $0.catalogIndex, $0.healthIndexes)
        }
        let body: Any
        let index: UInt64
        if request.path == "/v1/catalog/services" {
            var services: [String: [String]] = [:]
            for instance in instances {
                let known = services[instance.service] ?? []
                services[instance.service] = known + instance.tags.filter { !known.contains($0) }
            }
            body = services
            index = catalogIndex
        } else {
            let name = String(request.path.dropFirst("/v1/health/service/".count)).lowercased()
            let passingOnly = request.query["passing"] != nil
            body = instances.filter { $0.service.lowercased() == name && (!passingOnly || $0.passing) }.map(entry)
            index = healthIndexes[name] ?? 1
        }
        let data = (try? JSONSerialization.data(withJSONObject: body)) ?? Data()
        responder.respond(
            status: 200, headers: [("Content-Type", "application/json"), ("X-Consul-Index", String(index))],
            body: Array(data))
    }

    private static func entry(_ instance: Instance) -> [String: Any] {
        [
            "Node": ["ID": "", "Node": instance.node, "Address": instance.address],
            "Service": [
                "ID": instance.id, "Service": instance.service, "Tags": instance.tags, "Address": "",
                "Port": instance.port,
            ],
            "Checks": [
                ["Node": instance.node, "CheckID": "serfHealth", "Status": "passing"],
                ["Node": instance.node, "CheckID": "service:\(instance.id)", "Status": instance.passing ? "passing" : "critical"],
            ],
        ]
    }
}

import Foundation
import NIOConcurrencyHelpers

/// An in-process Marathon API: `GET /v2/apps`, `GET /v2/tasks?status=running` (JSON as Marathon 1.x answers) and
/// the server-sent event stream `GET /v2/events`, optionally behind HTTP basic auth. Every change publishes an event
/// on the open streams. It can drop every connection, or stop and start again on the same port, to play an outage.
public final class FakeMarathonServer: Sendable {
    public struct App: Sendable {
        public var id: String
        public var labels: [String: String]
        public var ports: [Int]
        public var healthChecks: Int

        public init(id: String, labels: [String: String] = [:], ports: [Int] = [80], healthChecks: Int = 0) {
            self.id = id
            self.labels = labels
            self.ports = ports
            self.healthChecks = healthChecks
        }
    }

    public struct AppTask: Sendable {
        public var id: String
        public var appID: String
        public var host: String
        public var ports: [Int]
        /// nil: no health check has reported yet (the field is left out).
        public var alive: [Bool]?
        /// Only `TASK_RUNNING` tasks are listed for `status=running`.
        public var state: String

        public init(
            id: String, appID: String, host: String = "127.0.0.1", ports: [Int], alive: [Bool]? = nil,
            state: String = "TASK_RUNNING"
        ) {
            self.id = id
            self.appID = appID
            self.host = host
            self.ports = ports
            self.alive = alive
            self.state = state
        }
    }

    /// One request as received: the authorization header tells whether credentials came along.
    public struct Received: Sendable {
        public var method: String
        public var path: String
        public var query: [String: String]
        public var accept: String?
        public var authorization: String?
    }

    private struct State {
        var apps: [App] = []
        var tasks: [AppTask] = []
        var received: [Received] = []
        var streams: [ObjectIdentifier: FakeHTTPResponder] = [:]
        var server: FakeHTTPServer?
    }

    private let state: NIOLockedValueBox<State>
    private let credentials: (user: String, password: String)?
    public let port: Int

    public var endpoint: String { "http://127.0.0.1:\(port)" }

    private init(state: NIOLockedValueBox<State>, credentials: (user: String, password: String)?, port: Int) {
        self.state = state
        self.credentials = credentials
        self.port = port
    }

    /// - Parameter basicAuth: when set, every request must carry these credentials, else 401.
    public static func start(basicAuth: (user: String, password: String)? = nil) async throws -> FakeMarathonServer {
        let state = NIOLockedValueBox(State())
        let server = try await FakeHTTPServer.start { request, responder in
            handle(request, responder, state: state, credentials: basicAuth)
        }
        state.withLockedValue { $0.server = server }
        return FakeMarathonServer(state: state, credentials: basicAuth, port: server.port)
    }

    // MARK: Test controls

    /// Adds or replaces `app` with exactly `tasks`, then publishes `event` (nil: none).
    public func deploy(_ app: App, tasks: [AppTask], event: String? = "deployment_success") {
        state.withLockedValue { state in
            state.apps.removeAll { $0.id == app.id }
            state.apps.append(app)
            state.tasks.removeAll { $0.appID == app.id }
            state.tasks += tasks
        }
        if let event { publish(event) }
    }

    /// Removes an app and its tasks, then publishes `event`.
    public func remove(appID: String, event: String? = "app_terminated_event") {
        state.withLockedValue { state in
            state.apps.removeAll { $0.id == appID }
            state.tasks.removeAll { $0.appID == appID }
        }
        if let event { publish(event) }
    }

    /// Sends one event to every open `/v2/events` stream, cut into pieces (CRLF line ends, a comment, the data
    /// split mid-line) so that the client's parser meets chunk boundaries anywhere.
    public func publish(_ eventType: String, data: String? = nil) {
        let payload = data ?? "{\"eventType\":\"\(eventType)\",\"timestamp\":\"2016-03-01T00:00:00.000Z\"}"
        let text = ": keep-alive\r\nevent: \(eventType)\r\ndata: \(payload)\r\n\r\n"
        let bytes = Array(text.utf8)
        let cut = bytes.count / 2
        for stream in state.withLockedValue({ Array($0.streams.values) }) {
            stream.sendChunk(Array(bytes[..<cut]))
            stream.sendChunk(Array(bytes[cut...]))
        }
    }

    public var received: [Received] { state.withLockedValue { $0.received } }

    /// Open `/v2/events` streams.
    public var eventStreamCount: Int { state.withLockedValue { $0.streams.count } }

    /// Closes every client connection (event streams included); the server stays up.
    public func dropConnections() async {
        await state.withLockedValue { $0.server }?.dropConnections()
    }

    /// Stops listening and closes every connection.
    public func stop() async {
        let server = state.withLockedValue { state in
            defer { state.server = nil }
            return state.server
        }
        await server?.stop()
    }

    /// Listens again on the same port, with the same apps and tasks.
    public func restart() async throws {
        let state = self.state
        let credentials = self.credentials
        let server = try await FakeHTTPServer.start(port: port) { request, responder in
            Self.handle(request, responder, state: state, credentials: credentials)
        }
        state.withLockedValue { $0.server = server }
    }

    // MARK: Serving

    private static func handle(
        _ request: FakeHTTPRequest, _ responder: FakeHTTPResponder, state: NIOLockedValueBox<State>,
        credentials: (user: String, password: String)?
    ) {
        let authorization = request.header("Authorization")
        state.withLockedValue {
            $0.received.append(Received(
                method: request.method, path: request.path, query: request.query, accept: request.header("Accept"),
                authorization: authorization))
        }
        if let credentials {
            let expected = "Basic " + Data("\(credentials.user):\(credentials.password)".utf8).base64EncodedString()
            guard authorization == expected else {
                responder.respond(
                    status: 401, headers: [("WWW-Authenticate", "Basic realm=\"Mesosphere\"")],
                    body: Array("{\"message\":\"Invalid username or password.\"}".utf8))
                return
            }
        }
        guard request.method == "GET" else {
            responder.respond(status: 405, body: [])
            return
        }
        switch request.path {
        case "/v2/apps":
            let apps = state.withLockedValue { $0.apps }
            respondJSON(["apps": apps.map(json)], responder)
        case "/v2/tasks":
            let tasks = state.withLockedValue { $0.tasks }
            let running = request.query["status"] == "running" ? tasks.filter { $0.state == "TASK_RUNNING" } : tasks
            respondJSON(["tasks": running.map(json)], responder)
        case "/v2/events":
            responder.startStream(headers: [("Content-Type", "text/event-stream")])
            let id = ObjectIdentifier(responder.channel)
            state.withLockedValue { $0.streams[id] = responder }
            responder.onClose { _ = state.withLockedValue { $0.streams.removeValue(forKey: id) } }
        default:
            responder.respond(status: 404, body: Array("{\"message\":\"not found\"}".utf8))
        }
    }

    private static func respondJSON(_ object: [String: Any], _ responder: FakeHTTPResponder) {
        let body = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        responder.respond(status: 200, headers: [("Content-Type", "application/json")], body: Array(body))
    }

    private static func json(_ app: App) -> [String: Any] {
        [
            "id": app.id, "labels": app.labels, "ports": app.ports, "instances": 1,
            "healthChecks": (0..<app.healthChecks).map { _ in ["protocol": "HTTP", "path": "/"] },
        ]
    }

    private static func json(_ task: AppTask) -> [String: Any] {
        var object: [String: Any] = [
            "id": task.id, "appId": task.appID, "host": task.host, "ports": task.ports, "state": task.state,
        ]
        if let alive = task.alive {
            object["healthCheckResults"] = alive.map { ["alive": $0, "taskId": task.id] }
        }
        return object
    }
}

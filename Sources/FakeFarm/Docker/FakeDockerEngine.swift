import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

/// A container as a test describes it to the fake engine.
public struct FakeDockerContainer: Sendable {
    /// Without the leading `/`: `web`.
    public var name: String
    public var labels: [String: String]
    /// `80/tcp` …: the keys of `NetworkSettings.Ports` (exposed, not published).
    public var exposedPorts: [String]
    /// The default bridge network's address; empty for a container only on user-defined networks.
    public var ipAddress: String
    /// User-defined networks: name → address.
    public var networks: [String: String]
    public var image: String

    public init(
        name: String, labels: [String: String] = [:], exposedPorts: [String] = ["80/tcp"], ipAddress: String = "127.0.0.1",
        networks: [String: String] = [:], image: String = "emilevauge/whoami"
    ) {
        self.name = name
        self.labels = labels
        self.exposedPorts = exposedPorts
        self.ipAddress = ipAddress
        self.networks = networks
        self.image = image
    }
}

/// An in-process Docker Engine API (the subset Traefik uses, with the real API's JSON shapes): `GET /_ping`,
/// `/version`, `/containers/json` (running containers), `/containers/{id}/json` (inspect, 404 when unknown) and a
/// streaming `/events` (chunked, one JSON object per line). Paths may carry a `/v1.xx` prefix. It listens on a unix
/// socket or a loopback port, optionally behind TLS with a required client certificate, and can stop and listen
/// again on the same address to play an outage; containers and events survive that.
public final class FakeDockerEngine: Sendable {
    public enum Listen: Sendable {
        case unixSocket(path: String)
        /// 0: the kernel picks a port at the first `startListening()`, kept for later ones.
        case loopback(port: Int)
    }

    /// Server certificate and key, and the CA client certificates must be signed by (PEM files).
    public struct TLSFiles: Sendable {
        public var certificate: String
        public var key: String
        public var clientCA: String

        public init(certificate: String, key: String, clientCA: String) {
            self.certificate = certificate
            self.key = key
            self.clientCA = clientCA
        }
    }

    private struct Running: Sendable {
        var id: String
        var container: FakeDockerContainer
        var created: Int
    }

    private struct State {
        var listen: Listen
        var server: FakeHTTPServer?
        var containers: [String: Running] = [:]
        var nextSerial = 0
        var streams: [Int: FakeHTTPResponder] = [:]
        var nextStreamID = 0
        var requests: [String] = []
    }

    private let state: NIOLockedValueBox<State>
    private let tls: NIOSSLContext?

    /// Not listening yet: call `startListening()` (a test can start the proxy first, to see it retry).
    public init(listening listen: Listen, tls files: TLSFiles? = nil) throws {
        state = NIOLockedValueBox(State(listen: listen))
        guard let files else {
            tls = nil
            return
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(files.certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: files.key, format: .pem)))
        configuration.certificateVerification = .noHostnameVerification
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(files.clientCA))
        tls = try NIOSSLContext(configuration: configuration)
    }

    /// A started engine.
    public static func start(listening listen: Listen, tls files: TLSFiles? = nil) async throws -> FakeDockerEngine {
        let engine = try FakeDockerEngine(listening: listen, tls: files)
        try await engine.startListening()
        return engine
    }

    /// `unix:///path` or `tcp://127.0.0.1:port`, as `[docker] endpoint` spells it.
    public var endpoint: String {
        switch state.withLockedValue({ $0.listen }) {
        case .unixSocket(let path): "unix://\(path)"
        case .loopback(let port): "tcp://127.0.0.1:\(port)"
        }
    }

    public func startListening() async throws {
        let (listen, running) = state.withLockedValue { ($0.listen, $0.server != nil) }
        guard !running else { return }
        let address: FakeHTTPServer.ListenAddress =
            switch listen {
            case .unixSocket(let path): .unixSocket(path: path)
            case .loopback(let port): .loopback(port: port)
            }
        let server = try await FakeHTTPServer.start(listening: address, tls: tls) { [self] request, responder in
            handle(request, responder)
        }
        state.withLockedValue { state in
            state.server = server
            if case .loopback = state.listen { state.listen = .loopback(port: server.port) }
        }
    }

    /// Closes the listener and every connection (event streams included): the engine is down.
    public func stopListening() async {
        let server = state.withLockedValue { state in
            defer { state.server = nil; state.streams = [:] }
            return state.server
        }
        await server?.stop()
    }

    // MARK: Test controls

    /// Creates and starts a container (events `create`, then `start`, unless `announced` is false: then the
    /// container only lists); returns its id.
    @discardableResult
    public func run(_ container: FakeDockerContainer, announced: Bool = true) -> String {
        let (id, created) = state.withLockedValue { state in
            state.nextSerial += 1
            let id = Self.id(serial: state.nextSerial, name: container.name)
            let created = 1_700_000_000 + state.nextSerial
            state.containers[id] = Running(id: id, container: container, created: created)
            return (id, created)
        }
        if announced {
            emit(action: "create", id: id, container: container, time: created)
            emit(action: "start", id: id, container: container, time: created)
        }
        return id
    }

    /// Kills a running container by name (events `kill`, `die`, `stop`); it no longer lists.
    public func kill(_ name: String) throws {
        let removed = state.withLockedValue { state -> Running? in
            guard let running = state.containers.values.first(where: { $0.container.name == name }) else { return nil }
            return state.containers.removeValue(forKey: running.id)
        }
        guard let removed else { throw FakeServerError("no running container \(name)") }
        for action in ["kill", "die", "stop"] {
            emit(action: action, id: removed.id, container: removed.container, time: removed.created + 1)
        }
    }

    /// An event about no container the engine lists (`create`, `exec_start: sh`, a network's `connect`, or a
    /// `start` that makes the provider list again).
    public func emitEvent(action: String, type: String = "container", id: String = String(repeating: "f", count: 64)) {
        broadcast(Self.event(type: type, action: action, id: id, attributes: ["name": "other"], time: 1_700_000_000))
    }

    /// Ends every open `/events` response abruptly (the connection closes mid-stream), the listener stays.
    public func dropEventStreams() {
        let streams = state.withLockedValue { state in
            defer { state.streams = [:] }
            return Array(state.streams.values)
        }
        for stream in streams { stream.channel.close(promise: nil) }
    }

    public var openEventStreamCount: Int { state.withLockedValue { $0.streams.count } }

    /// Every request's method and path so far: `GET /_ping`, `GET /containers/json`, …
    public var requests: [String] { state.withLockedValue { $0.requests } }

    public var runningContainerNames: [String] {
        state.withLockedValue { $0.containers.values.map(\.container.name).sorted() }
    }

    // MARK: Serving

    private func handle(_ request: FakeHTTPRequest, _ responder: FakeHTTPResponder) {
        state.withLockedValue { $0.requests.append("\(request.method) \(request.path)") }
        var path = request.path
        // Versioned paths (`/v1.24/containers/json`) as the real engine accepts them.
        if path.hasPrefix("/v1."), let slash = path.dropFirst().firstIndex(of: "/") { path = String(path[slash...]) }
        guard request.method == "GET" || request.method == "HEAD" else {
            return respondJSON(responder, status: 405, ["message": "method not allowed"])
        }
        let parts = path.split(separator: "/").map(String.init)
        switch parts {
        case ["_ping"]:
            responder.respond(
                status: 200, headers: [("Content-Type", "text/plain; charset=utf-8"), ("Api-Version", "1.43")],
                body: Array("OK".utf8))
        case ["version"]:
            respondJSON(responder, status: 200, [
                "Version": "24.0.7", "ApiVersion": "1.43", "MinAPIVersion": "1.12", "Os": "linux", "Arch": "amd64",
                "GitCommit": "311b9ff", "GoVersion": "go1.20.10", "KernelVersion": "6.1.0",
            ])
        case ["containers", "json"]:
            let running = state.withLockedValue { $0.containers.values.sorted { $0.created > $1.created } }
            respondJSON(responder, status: 200, running.map(Self.summary))
        case let parts where parts.count == 3 && parts[0] == "containers" && parts[2] == "json":
            let found = state.withLockedValue { state in
                state.containers[parts[1]] ?? state.containers.values.first { $0.container.name == parts[1] }
            }
            guard let found else {
                return respondJSON(responder, status: 404, ["message": "No such container: \(parts[1])"])
            }
            respondJSON(responder, status: 200, Self.inspect(found))
        case ["events"]:
            responder.startStream(headers: [("Content-Type", "application/json")])
            let id = state.withLockedValue { state in
                state.nextStreamID += 1
                state.streams[state.nextStreamID] = responder
                return state.nextStreamID
            }
            responder.onClose { [state] in _ = state.withLockedValue { $0.streams.removeValue(forKey: id) } }
        default:
            respondJSON(responder, status: 404, ["message": "page not found"])
        }
    }

    private func respondJSON(_ responder: FakeHTTPResponder, status: Int, _ document: Any) {
        responder.respond(status: status, headers: [("Content-Type", "application/json")], body: Self.json(document) + [10])
    }

    private func emit(action: String, id: String, container: FakeDockerContainer, time: Int) {
        var attributes = container.labels
        attributes["name"] = container.name
        attributes["image"] = container.image
        if action == "die" { attributes["exitCode"] = "137" }
        var event = Self.event(type: "container", action: action, id: id, attributes: attributes, time: time)
        event["from"] = container.image
        broadcast(event)
    }

    private func broadcast(_ event: [String: Any]) {
        let line = Self.json(event) + [10]
        for stream in state.withLockedValue({ Array($0.streams.values) }) { stream.sendChunk(line) }
    }

    // MARK: Documents

    private static func event(type: String, action: String, id: String, attributes: [String: String], time: Int)
        -> [String: Any]
    {
        [
            "status": action, "id": id, "Type": type, "Action": action, "scope": "local",
            "Actor": ["ID": id, "Attributes": attributes] as [String: Any],
            "time": time, "timeNano": time * 1_000_000_000,
        ]
    }

    private static func summary(_ running: Running) -> [String: Any] {
        let container = running.container
        return [
            "Id": running.id, "Names": ["/" + container.name], "Image": container.image, "ImageID": imageID,
            "Command": "/whoamI", "Created": running.created, "State": "running", "Status": "Up 5 minutes",
            "Labels": container.labels,
            "Ports": container.exposedPorts.map { port -> [String: Any] in
                let (number, proto) = split(port)
                return ["PrivatePort": number, "Type": proto]
            },
            "HostConfig": ["NetworkMode": container.networks.isEmpty ? "default" : container.networks.keys.sorted()[0]],
            "NetworkSettings": ["Networks": networks(container)],
            "Mounts": [Any](),
        ]
    }

    private static func inspect(_ running: Running) -> [String: Any] {
        let container = running.container
        return [
            "Id": running.id, "Created": "2023-11-14T22:13:20.000000000Z", "Path": "/whoamI", "Args": [String](),
            "State": [
                "Status": "running", "Running": true, "Paused": false, "Restarting": false, "OOMKilled": false,
                "Dead": false, "Pid": 4242, "ExitCode": 0, "Error": "", "StartedAt": "2023-11-14T22:13:21.000000000Z",
                "FinishedAt": "0001-01-01T00:00:00Z",
            ] as [String: Any],
            "Image": imageID, "Name": "/" + container.name, "RestartCount": 0, "Driver": "overlay2",
            "HostConfig": ["NetworkMode": container.networks.isEmpty ? "default" : container.networks.keys.sorted()[0]],
            "Config": [
                "Hostname": String(running.id.prefix(12)), "Image": container.image, "Labels": container.labels,
                "ExposedPorts": Dictionary(uniqueKeysWithValues: container.exposedPorts.map { ($0, [String: Any]()) }),
                "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            ] as [String: Any],
            "NetworkSettings": [
                "Bridge": "", "SandboxID": String(repeating: "5", count: 64),
                "Ports": Dictionary(uniqueKeysWithValues: container.exposedPorts.map { ($0, NSNull()) }),
                "IPAddress": container.ipAddress, "IPPrefixLen": container.ipAddress.isEmpty ? 0 : 16,
                "Gateway": container.ipAddress.isEmpty ? "" : "172.17.0.1",
                "MacAddress": container.ipAddress.isEmpty ? "" : "02:42:ac:11:00:02",
                "Networks": networks(container),
            ] as [String: Any],
        ]
    }

    /// `bridge` when the container has the default network's address, plus its user-defined networks.
    private static func networks(_ container: FakeDockerContainer) -> [String: Any] {
        var networks: [String: Any] = [:]
        if !container.ipAddress.isEmpty { networks["bridge"] = endpoint(container.ipAddress) }
        for (name, address) in container.networks { networks[name] = endpoint(address) }
        return networks
    }

    private static func endpoint(_ address: String) -> [String: Any] {
        [
            "IPAMConfig": NSNull(), "Links": NSNull(), "Aliases": NSNull(),
            "NetworkID": String(repeating: "a", count: 64), "EndpointID": String(repeating: "e", count: 64),
            "Gateway": "", "IPAddress": address, "IPPrefixLen": 16, "MacAddress": "02:42:ac:11:00:02",
        ]
    }

    private static let imageID = "sha256:" + String(repeating: "c", count: 64)

    private static func split(_ port: String) -> (Int, String) {
        let parts = port.split(separator: "/")
        return (Int(parts.first ?? "") ?? 0, parts.count > 1 ? String(parts[1]) : "tcp")
    }

    /// 64 hex digits, unique per run of a container.
    private static func id(serial: Int, name: String) -> String {
        var hasher = FNV1a64()
        hasher.update(Array(name.utf8))
        func hex(_ value: UInt64) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        let text = hex(UInt64(serial)) + hex(hasher.value)
        return text + String(text.reversed())
    }

    private static func json(_ document: Any) -> [UInt8] {
        // Documents are built above from JSON-compatible values only.
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Array(data)
    }
}

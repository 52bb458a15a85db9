import FakeFarm
import Foundation
import Logging
import TraefikApp
import TraefikCore

/// A proxy started in-process from a TOML text, with whoami backends of the fake farm.
/// `{{PORT}}` in the TOML becomes port 0 (the kernel picks one; `port` is what the `http` entry point got),
/// `{{B1}}`, `{{B2}}` … the backends' ports.
struct ProxyHarness {
    let traefik: Traefik
    let port: Int
    let backends: [WhoamiServer]
    let directory: URL

    /// - Parameter waitForHTTP: false when the `http` entry point may stay closed at start (`port` is then 0).
    static func start(backends count: Int = 2, toml: String, threads: Int = 2, waitForHTTP: Bool = true) async throws
        -> ProxyHarness
    {
        var backends: [WhoamiServer] = []
        for index in 0..<count {
            let server = WhoamiServer(name: "whoami\(index + 1)")
            try await server.start()
            backends.append(server)
        }
        var text = toml.replacingOccurrences(of: "{{PORT}}", with: "0")
        for (index, server) in backends.enumerated() {
            text = text.replacingOccurrences(of: "{{B\(index + 1)}}", with: String(server.port))
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("traefik-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("traefik.toml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let loaded = try ConfigLoader.loadStatic(explicitFile: file.path)
        var logger = Logger(label: "traefik-test \(directory.lastPathComponent)")
        logger.logLevel = ProcessInfo.processInfo.environment["TRAEFIK_TEST_LOG"] == nil ? .critical : .debug
        let path = file.path
        let traefik = try Traefik(
            configuration: loaded.staticConfiguration, configFile: loaded.configFile, logger: logger, threads: threads,
            reloadLaunchConfiguration: { try ConfigLoader.loadStatic(explicitFile: path).staticConfiguration })
        try await traefik.start()
        guard let port = traefik.proxy.boundPort(of: "http") ?? (waitForHTTP ? nil : 0) else {
            await traefik.stop(grace: .zero)
            throw TestFailure("the http entry point is not listening")
        }
        return ProxyHarness(traefik: traefik, port: port, backends: backends, directory: directory)
    }

    func stop() async {
        await traefik.stop(grace: .milliseconds(500))
        for server in backends { try? await server.stop() }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `body` with a started harness and always stops it.
    static func with<T>(
        backends count: Int = 2, toml: String, threads: Int = 2, waitForHTTP: Bool = true,
        _ body: (ProxyHarness) async throws -> T
    ) async throws -> T {
        let harness = try await start(backends: count, toml: toml, threads: threads, waitForHTTP: waitForHTTP)
        do {
            let result = try await body(harness)
            await harness.stop()
            return result
        } catch {
            await harness.stop()
            throw error
        }
    }

    func get(
        _ target: String = "/", host: String? = nil, method: String = "GET", headers: [(String, String)] = [],
        body: [UInt8]? = nil
    ) async throws -> TestResponse {
        var all = headers
        if let host { all.append(("Host", host)) }
        return try await HTTPTestClient.request(port: port, method: method, target: target, headers: all, body: body)
    }
}

/// The usual head of a test configuration: one entry point on {{PORT}}, the file provider.
let testEntryPoint = """
    defaultEntryPoints = ["http"]
    [entryPoints]
      [entryPoints.http]
      address = "127.0.0.1:{{PORT}}"
    [file]

    """

/// One backend with one server and a frontend without routes (so it matches every request).
func catchAllConfig(serverURL: String = "http://127.0.0.1:{{B1}}") -> String {
    testEntryPoint + """
        [backends]
          [backends.one.servers.s]
          url = "\(serverURL)"
        [frontends]
          [frontends.all]
          backend = "one"
        """
}

extension ProxyHarness {
    /// The `http` entry point's port once it listens. With no `[file]`, entry points open with a provider's first
    /// configuration, so this waits for it.
    func listeningPort(_ what: String, timeout: Duration = .seconds(20)) async throws -> Int {
        var port = 0
        try await eventually(timeout: timeout, what) {
            port = traefik.proxy.boundPort(of: "http") ?? 0
            return port != 0
        }
        return port
    }
}

/// A started proxy reached on `port`, routing by Host: requests and waiting for what serves them.
protocol HostRoutedProxy {
    var port: Int { get }
}

extension HostRoutedProxy {
    func get(host: String) async throws -> TestResponse {
        try await HTTPTestClient.request(port: port, method: "GET", target: "/", headers: [("Host", host)], body: nil)
    }

    /// Polls until `host` is answered by `whoami` (nil: until it gets 404).
    func waitUntil(_ host: String, servedBy whoami: String?, timeout: Duration = .seconds(15)) async throws {
        try await eventually(timeout: timeout, "\(host) served by \(whoami ?? "nobody")") {
            let response = try await get(host: host)
            guard let whoami else { return response.status == 404 }
            return response.status == 200 && (try? response.whoami().name) == whoami
        }
    }
}

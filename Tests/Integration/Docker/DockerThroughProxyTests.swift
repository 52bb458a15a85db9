import FakeFarm
import Foundation
import NIOConcurrencyHelpers
import Providers
import ProviderHTTP
import Testing
import TraefikApp

/// How the fake engine is reached.
enum EngineTransport: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case unixSocket
    /// `tcp://` with `[docker.tls]`: the engine requires a client certificate.
    case tcpWithClientCertificate

    var testDescription: String { rawValue }

    static let fixtures = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("integration/fixtures/https")

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    /// The engine presents backend.test (IP SAN 127.0.0.1) and trusts client certificates signed by snitest.com's.
    static let engineTLS = FakeDockerEngine.TLSFiles(
        certificate: fixture("backend.test.cert"), key: fixture("backend.test.key"), clientCA: fixture("snitest.com.cert"))

    /// A fake engine, not listening yet.
    func makeEngine() throws -> FakeDockerEngine {
        switch self {
        case .unixSocket:
            try FakeDockerEngine(listening: .unixSocket(path: "/tmp/fake-docker-\(UUID().uuidString.prefix(8)).sock"))
        case .tcpWithClientCertificate:
            try FakeDockerEngine(listening: .loopback(port: PortAllocator.freePort()), tls: Self.engineTLS)
        }
    }

    /// The `[docker]` section reaching `engine`; `clientCertificate: false` leaves the certificate out.
    func section(_ engine: FakeDockerEngine, watch: Bool = true, clientCertificate: Bool = true) -> String {
        var text = "[docker]\nendpoint = \"\(engine.endpoint)\"\ndomain = \"docker.test\"\nwatch = \(watch)\n"
        if self == .tcpWithClientCertificate {
            text += "[docker.tls]\nca = \"\(Self.fixture("backend.test.cert"))\"\n"
            if clientCertificate {
                text += "cert = \"\(Self.fixture("snitest.com.cert"))\"\nkey = \"\(Self.fixture("snitest.com.key"))\"\n"
            }
        }
        return text
    }
}

/// A whoami backend as a container: IP 127.0.0.1, the whoami's port as the only exposed port.
func whoamiContainer(_ name: String, port: Int, labels: [String: String] = [:]) -> FakeDockerContainer {
    FakeDockerContainer(name: name, labels: labels, exposedPorts: ["\(port)/tcp"], ipAddress: "127.0.0.1")
}

/// A proxy whose only provider is Docker, against a fake engine; the entry point opens with the first routes.
struct DockerProxy {
    let harness: ProxyHarness
    let engine: FakeDockerEngine

    var whoamiPorts: [Int] { harness.backends.map(\.port) }
    var traefik: Traefik { harness.traefik }
    var port: Int { harness.traefik.proxy.boundPort(of: "http") ?? 0 }

    /// - Parameter engineUp: false starts the proxy while the engine is down; the body brings it up.
    static func with(
        _ transport: EngineTransport, watch: Bool = true, clientCertificate: Bool = true, engineUp: Bool = true,
        initial: @escaping ([Int]) -> [FakeDockerContainer] = { ports in
            [whoamiContainer("web1", port: ports[0]), whoamiContainer("web2", port: ports[1])]
        },
        _ body: (DockerProxy) async throws -> Void
    ) async throws {
        let engine = try transport.makeEngine()
        let toml = """
            ProvidersThrottleDuration = "100ms"
            [entryPoints]
              [entryPoints.http]
              address = "127.0.0.1:{{PORT}}"
            \(transport.section(engine, watch: watch, clientCertificate: clientCertificate))
            """
        var harness: ProxyHarness?
        do {
            if engineUp { try await engine.startListening() }
            // The containers exist before the proxy starts (their ports are the harness's whoami backends').
            let started = try await ProxyHarness.start(backends: 2, toml: toml, waitForHTTP: false)
            harness = started
            for container in initial(started.backends.map(\.port)) { engine.run(container) }
            try await body(DockerProxy(harness: started, engine: engine))
        } catch {
            await harness?.stop()
            await engine.stopListening()
            throw error
        }
        await harness?.stop()
        await engine.stopListening()
    }

    func waitUntilOpen() async throws {
        try await eventually(timeout: .seconds(20), "the entry point opens with the engine's routes") { port != 0 }
    }

    func get(host: String) async throws -> TestResponse {
        try await HTTPTestClient.request(port: port, method: "GET", target: "/", headers: [("Host", host)], body: nil)
    }

    /// Polls until `host` is answered by `whoami` (nil: until it gets 404).
    func waitUntil(_ host: String, servedBy whoami: String?, timeout: Duration = .seconds(15)) async throws {
        try await waitUntilOpen()
        try await eventually(timeout: timeout, "\(host) served by \(whoami ?? "nobody")") {
            let response = try await get(host: host)
            guard let whoami else { return response.status == 404 }
            return response.status == 200 && (try? response.whoami().name) == whoami
        }
    }

    func containerListings() -> Int { engine.requests.filter { $0 == "GET /containers/json" }.count }
}

@Suite(.serialized) struct DockerThroughProxyTests {
    /// J1, J2: the calls the provider makes, and the default routes served to the containers.
    @Test(arguments: EngineTransport.allCases)
    func initialRoutesAreServed(transport: EngineTransport) async throws {
        try await DockerProxy.with(transport) { proxy in
            try await proxy.waitUntil("web1.docker.test", servedBy: "whoami1")
            try await proxy.waitUntil("web2.docker.test", servedBy: "whoami2")
            #expect(try await proxy.get(host: "web3.docker.test").status == 404)
            let requests = Set(proxy.engine.requests)
            #expect(requests.isSuperset(of: ["GET /_ping", "GET /containers/json", "GET /events"]))
            #expect(requests.contains { $0.hasPrefix("GET /containers/") && $0.hasSuffix("/json") && $0 != "GET /containers/json" })
            #expect(proxy.traefik.currentDiagnostics.isEmpty)
        }
    }

    /// J9: `start` adds a route, `die` removes one, while sequential requests to a route that stays never fail.
    @Test(arguments: EngineTransport.allCases)
    func startAndDieEventsChangeRoutesUnderLoad(transport: EngineTransport) async throws {
        try await DockerProxy.with(transport) { proxy in
            try await proxy.waitUntil("web1.docker.test", servedBy: "whoami1")
            try await proxy.waitUntil("web2.docker.test", servedBy: "whoami2")
            let progress = NIOLockedValueBox(0)
            let stop = NIOLockedValueBox(false)
            let load = Task {
                var failures: [String] = []
                for _ in 0..<2_000 where !stop.withLockedValue({ $0 }) {
                    let response = try await proxy.get(host: "web1.docker.test")
                    if response.status != 200 || (try? response.whoami().name) != "whoami1" {
                        failures.append("status \(response.status)")
                    }
                    progress.withLockedValue { $0 += 1 }
                }
                return failures
            }
            try await eventually("load under way") { progress.withLockedValue { $0 } >= 20 }
            proxy.engine.run(whoamiContainer("web3", port: proxy.whoamiPorts[1]))
            try await proxy.waitUntil("web3.docker.test", servedBy: "whoami2")
            try proxy.engine.kill("web2")
            try await proxy.waitUntil("web2.docker.test", servedBy: nil)
            let duringEvents = progress.withLockedValue { $0 }
            stop.withLockedValue { $0 = true }
            let failures = try await load.value
            #expect(failures.isEmpty, "\(failures.count) failed requests, first: \(failures.first ?? "")")
            #expect(duringEvents >= 20)
            #expect(try await proxy.get(host: "web3.docker.test").whoami().name == "whoami2")
        }
    }

    /// J9: events other than start and die (create, exec, a network's) do not list again: a container that appeared
    /// without its start event stays unrouted until a start event comes.
    @Test func otherEventsDoNotReload() async throws {
        try await DockerProxy.with(.unixSocket) { proxy in
            try await proxy.waitUntil("web2.docker.test", servedBy: "whoami2")
            // The initial start events may each still cause a listing: wait until the count holds still.
            var listings = -1
            try await eventually(poll: .milliseconds(300), "listings settle") {
                let now = proxy.containerListings()
                defer { listings = now }
                return now == listings
            }
            proxy.engine.run(whoamiContainer("quiet", port: proxy.whoamiPorts[0]), announced: false)
            proxy.engine.emitEvent(action: "create")
            proxy.engine.emitEvent(action: "exec_start: sh")
            proxy.engine.emitEvent(action: "connect", type: "network")
            proxy.engine.emitEvent(action: "start", type: "network")
            // Bounded observation, ten throttle periods: no listing, the unannounced container not routed.
            let clock = ContinuousClock()
            let until = clock.now.advanced(by: .seconds(1))
            while clock.now < until {
                #expect(try await proxy.get(host: "quiet.docker.test").status == 404)
                #expect(proxy.containerListings() == listings)
                try await Task.sleep(for: .milliseconds(50))
            }
            proxy.engine.emitEvent(action: "start")
            try await proxy.waitUntil("quiet.docker.test", servedBy: "whoami1")
            #expect(proxy.containerListings() == listings + 1)
        }
    }

    /// D15: a dropped event stream is reported, reconnected with backoff, routes keep serving, and later events apply.
    @Test(arguments: EngineTransport.allCases)
    func aDroppedEventStreamIsReconnectedAndLaterEventsApply(transport: EngineTransport) async throws {
        try await DockerProxy.with(transport) { proxy in
            try await proxy.waitUntil("web1.docker.test", servedBy: "whoami1")
            try await eventually("the event stream is open") { proxy.engine.openEventStreamCount == 1 }
            let rejectedBefore = proxy.traefik.rejectedUpdates
            proxy.engine.dropEventStreams()
            try await eventually(timeout: .seconds(10), "the loss is reported") {
                proxy.traefik.rejectedUpdates > rejectedBefore
            }
            #expect(try await proxy.get(host: "web1.docker.test").whoami().name == "whoami1")
            try await eventually(timeout: .seconds(10), "the event stream is open again") {
                proxy.engine.openEventStreamCount == 1
            }
            try proxy.engine.kill("web1")
            try await proxy.waitUntil("web1.docker.test", servedBy: nil)
            proxy.engine.run(whoamiContainer("web3", port: proxy.whoamiPorts[0]))
            try await proxy.waitUntil("web3.docker.test", servedBy: "whoami1")
        }
    }

    /// D15: an engine down at start is retried until it answers; lost later, the last routes keep serving and the
    /// provider picks up what changed meanwhile once it is back.
    @Test(arguments: EngineTransport.allCases)
    func anEngineDownAtStartOrLaterIsRetried(transport: EngineTransport) async throws {
        try await DockerProxy.with(transport, engineUp: false) { proxy in
            try await eventually(timeout: .seconds(10), "the outage is reported") { proxy.traefik.rejectedUpdates > 0 }
            #expect(proxy.port == 0)
            try await proxy.engine.startListening()
            try await proxy.waitUntil("web1.docker.test", servedBy: "whoami1", timeout: .seconds(30))

            let rejectedBefore = proxy.traefik.rejectedUpdates
            await proxy.engine.stopListening()
            try await eventually(timeout: .seconds(10), "the loss is reported") {
                proxy.traefik.rejectedUpdates > rejectedBefore
            }
            #expect(try await proxy.get(host: "web2.docker.test").whoami().name == "whoami2")
            try proxy.engine.kill("web2")  // while the engine is unreachable: no event reaches the proxy
            try await proxy.engine.startListening()
            try await proxy.waitUntil("web2.docker.test", servedBy: nil, timeout: .seconds(30))
            #expect(try await proxy.get(host: "web1.docker.test").whoami().name == "whoami1")
        }
    }

    /// `watch = false`: one listing, no event stream; SIGHUP lists again.
    @Test func withoutWatchOneListingAndSIGHUPListsAgain() async throws {
        try await DockerProxy.with(.unixSocket, watch: false) { proxy in
            try await proxy.waitUntil("web1.docker.test", servedBy: "whoami1")
            proxy.engine.run(whoamiContainer("web3", port: proxy.whoamiPorts[1]))
            await proxy.traefik.reload()
            try await proxy.waitUntil("web3.docker.test", servedBy: "whoami2")
            #expect(!proxy.engine.requests.contains("GET /events"))
        }
    }

    /// `[docker.tls]` without a client certificate: the engine refuses the handshake, nothing is served, and the
    /// reason is reported.
    @Test func anEngineRequiringAClientCertificateRefusesAProxyWithoutOne() async throws {
        try await DockerProxy.with(.tcpWithClientCertificate, clientCertificate: false) { proxy in
            try await eventually(timeout: .seconds(10), "the refusal is reported") { proxy.traefik.rejectedUpdates > 0 }
            #expect(proxy.port == 0)
            #expect(proxy.engine.requests.isEmpty)
        }
        let engine = try await FakeDockerEngine.start(listening: .loopback(port: 0), tls: EngineTransport.engineTLS)
        defer { Task { await engine.stopListening() } }
        func client(_ tls: ProviderTLSConfiguration) throws -> DockerEngineClient {
            DockerEngineClient(
                http: try ProviderHTTPClient(endpoint: HTTPEndpoint(parsing: engine.endpoint), configuration: .init(tls: tls)))
        }
        let ca = EngineTransport.fixture("backend.test.cert")
        let withoutCertificate = try client(ProviderTLSConfiguration(caFile: ca))
        await #expect(throws: ProviderHTTPError.self) { try await withoutCertificate.ping() }
        let withCertificate = try client(ProviderTLSConfiguration(
            caFile: ca, certificateFile: EngineTransport.fixture("snitest.com.cert"),
            keyFile: EngineTransport.fixture("snitest.com.key")))
        try await withCertificate.ping()
        #expect(try await withCertificate.runningContainers().isEmpty)
    }
}

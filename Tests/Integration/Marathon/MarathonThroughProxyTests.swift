import FakeFarm
import Foundation
import NIOConcurrencyHelpers
import ProviderHTTP
import Providers
import Testing
import TraefikCore

/// A proxy whose only provider is Marathon (a fake one); its entry point opens with Marathon's first routes.
struct MarathonProxy: HostRoutedProxy {
    let harness: ProxyHarness
    let port: Int

    var whoamiPorts: [Int] { harness.backends.map(\.port) }

    /// Starts the proxy with `section` (the `[marathon]` table) once `prepare` has deployed the apps, given the
    /// whoami ports, and waits until the routes serve.
    static func with(
        section: String,
        prepare: ([Int]) async throws -> Void,
        _ body: (MarathonProxy) async throws -> Void
    ) async throws {
        let toml = """
            ProvidersThrottleDuration = "100ms"
            [entryPoints]
              [entryPoints.http]
              address = "127.0.0.1:{{PORT}}"
            \(section)
            """
        try await ProxyHarness.with(backends: 2, toml: toml, waitForHTTP: false) { harness in
            try await prepare(harness.backends.map(\.port))
            let port = try await harness.listeningPort("the entry point opens with Marathon's routes")
            try await body(MarathonProxy(harness: harness, port: port))
        }
    }
}

/// Runs `body` with a started fake Marathon and always stops it.
func withFakeMarathon<T>(
    basicAuth: (user: String, password: String)? = nil, _ body: (FakeMarathonServer) async throws -> T
) async throws -> T {
    let marathon = try await FakeMarathonServer.start(basicAuth: basicAuth)
    do {
        let result = try await body(marathon)
        await marathon.stop()
        return result
    } catch {
        await marathon.stop()
        throw error
    }
}

func marathonSection(_ endpoint: String, extra: String = "") -> String {
    """
    [marathon]
    endpoint = "\(endpoint)"
    domain = "marathon.localhost"
    \(extra)
    """
}

@Suite(.serialized) struct MarathonThroughProxyTests {
    /// K1–K3 and the watch: the listings asked for, the default routes, then an event adds an app.
    @Test func appsAreServedAndEventsReload() async throws {
        try await withFakeMarathon { marathon in
            try await MarathonProxy.with(section: marathonSection(marathon.endpoint)) { ports in
                marathon.deploy(.init(id: "/test"), tasks: [.init(id: "test.1", appID: "/test", ports: [ports[0]])])
            } _: { proxy in
                try await proxy.waitUntil("test.marathon.localhost", servedBy: "whoami1")
                let received = marathon.received
                #expect(received.contains { $0.path == "/v2/apps" && $0.accept == "application/json" })
                #expect(received.contains { $0.path == "/v2/tasks" && $0.query["status"] == "running" })
                #expect(received.contains { $0.path == "/v2/events" && $0.accept == "text/event-stream" })
                try await eventually("the event stream is open") { marathon.eventStreamCount == 1 }
                marathon.deploy(
                    .init(id: "/group/app"), tasks: [.init(id: "group_app.1", appID: "/group/app", ports: [proxy.whoamiPorts[1]])])
                try await proxy.waitUntil("group-app.marathon.localhost", servedBy: "whoami2")
                #expect(proxy.harness.traefik.currentDiagnostics.isEmpty)
            }
        }
    }

    /// Apps added and removed by events while requests flow: the route that stays never fails.
    @Test func eventsAddAndRemoveRoutesUnderLoadWithoutFailedRequests() async throws {
        try await withFakeMarathon { marathon in
            try await MarathonProxy.with(section: marathonSection(marathon.endpoint)) { ports in
                marathon.deploy(.init(id: "/stay"), tasks: [.init(id: "stay.1", appID: "/stay", ports: [ports[0]])])
            } _: { proxy in
                try await proxy.waitUntil("stay.marathon.localhost", servedBy: "whoami1")
                try await eventually("the event stream is open") { marathon.eventStreamCount == 1 }
                let stop = NIOLockedValueBox(false)
                let load = Task {
                    var failures: [String] = []
                    var served = 0
                    for _ in 0..<20_000 where !stop.withLockedValue({ $0 }) {
                        let response = try await proxy.get(host: "stay.marathon.localhost")
                        if response.status == 200 { served += 1 } else { failures.append("status \(response.status)") }
                    }
                    return (served, failures)
                }
                for round in 1...3 {
                    marathon.deploy(.init(id: "/new"), tasks: [.init(id: "new.\(round)", appID: "/new", ports: [proxy.whoamiPorts[1]])])
                    try await proxy.waitUntil("new.marathon.localhost", servedBy: "whoami2")
                    marathon.remove(appID: "/new")
                    try await proxy.waitUntil("new.marathon.localhost", servedBy: nil)
                }
                stop.withLockedValue { $0 = true }
                let (served, failures) = try await load.value
                #expect(failures.isEmpty, "\(failures.count) failed requests: \(Set(failures))")
                #expect(served > 0)
            }
        }
    }

    /// Health results arrive with a status event: a task is served once its checks all say alive.
    @Test func aTaskIsServedOnceItsHealthChecksPass() async throws {
        try await withFakeMarathon { marathon in
            try await MarathonProxy.with(section: marathonSection(marathon.endpoint)) { ports in
                marathon.deploy(.init(id: "/other"), tasks: [.init(id: "other.1", appID: "/other", ports: [ports[0]])])
                marathon.deploy(
                    .init(id: "/checked", healthChecks: 1),
                    tasks: [.init(id: "checked.1", appID: "/checked", ports: [ports[1]])])
            } _: { proxy in
                try await proxy.waitUntil("other.marathon.localhost", servedBy: "whoami1")
                #expect(try await proxy.get(host: "checked.marathon.localhost").status == 404)
                try await eventually("the event stream is open") { marathon.eventStreamCount == 1 }
                marathon.deploy(
                    .init(id: "/checked", healthChecks: 1),
                    tasks: [.init(id: "checked.1", appID: "/checked", ports: [proxy.whoamiPorts[1]], alive: [true])],
                    event: "health_status_changed_event")
                try await proxy.waitUntil("checked.marathon.localhost", servedBy: "whoami2")
            }
        }
    }

    @Test func basicAuthCredentialsAreSent() async throws {
        try await withFakeMarathon(basicAuth: ("traefik", "s3cret")) { marathon in
            let section = marathonSection(marathon.endpoint, extra: """
                [marathon.basic]
                httpBasicAuthUser = "traefik"
                httpBasicPassword = "s3cret"
                """)
            try await MarathonProxy.with(section: section) { ports in
                marathon.deploy(.init(id: "/test"), tasks: [.init(id: "test.1", appID: "/test", ports: [ports[0]])])
            } _: { proxy in
                try await proxy.waitUntil("test.marathon.localhost", servedBy: "whoami1")
                #expect(marathon.received.allSatisfy { $0.authorization == "Basic dHJhZWZpazpzM2NyZXQ=" })
            }
        }
    }

    /// Without (or with wrong) credentials the provider is unavailable, saying why.
    @Test func missingCredentialsAreReportedClearly() async throws {
        try await withFakeMarathon(basicAuth: ("traefik", "s3cret")) { marathon in
            let anonymous = MarathonProvider(
                client: try MarathonClient(endpoints: marathon.endpoint), domain: "marathon.localhost", watch: true)
            #expect(await anonymous.currentEvent() == .unavailable(
                "marathon \(marathon.endpoint): \(marathon.endpoint)/v2/apps: HTTP 401, not authorized "
                    + "(no [marathon.basic] credentials are configured)"))
            let wrong = MarathonProvider(
                client: try MarathonClient(
                    endpoints: marathon.endpoint, basicAuth: .init(user: "traefik", password: "guess")),
                domain: "marathon.localhost", watch: true)
            guard case .unavailable(let reason) = await wrong.currentEvent() else {
                Issue.record("wrong credentials accepted")
                return
            }
            #expect(reason.contains("HTTP 401, not authorized (check [marathon.basic])"))
            // The watch reports the same, once, and keeps retrying.
            var events = wrong.events().makeAsyncIterator()
            #expect(await events.next() == .unavailable(reason.replacingOccurrences(of: "/v2/apps", with: "/v2/events")))
        }
    }

    /// A first endpoint that refuses connections is skipped; when the working one goes away, the next takes over.
    @Test func endpointsFailOverInOrder() async throws {
        try await withFakeMarathon { first in
            try await withFakeMarathon { second in
                let refusing = try PortAllocator.closedPort()
                let endpoints = "http://127.0.0.1:\(refusing),\(first.endpoint),\(second.endpoint)"
                try await MarathonProxy.with(section: marathonSection(endpoints)) { ports in
                    first.deploy(.init(id: "/test"), tasks: [.init(id: "test.1", appID: "/test", ports: [ports[0]])])
                    second.deploy(.init(id: "/test"), tasks: [.init(id: "test.1", appID: "/test", ports: [ports[1]])])
                } _: { proxy in
                    try await proxy.waitUntil("test.marathon.localhost", servedBy: "whoami1")
                    #expect(second.received.isEmpty)
                    await first.stop()
                    try await proxy.waitUntil("test.marathon.localhost", servedBy: "whoami2")
                    #expect(second.received.contains { $0.path == "/v2/events" })
                }
            }
        }
    }

    /// D15: Marathon gone keeps the last routes; back again, its changes apply.
    @Test func anOutageKeepsTheLastRoutesAndRecovers() async throws {
        try await withFakeMarathon { marathon in
            try await MarathonProxy.with(section: marathonSection(marathon.endpoint)) { ports in
                marathon.deploy(.init(id: "/test"), tasks: [.init(id: "test.1", appID: "/test", ports: [ports[0]])])
            } _: { proxy in
                try await proxy.waitUntil("test.marathon.localhost", servedBy: "whoami1")
                let rejectedBefore = proxy.harness.traefik.rejectedUpdates
                await marathon.stop()
                try await eventually(timeout: .seconds(10), "the outage is noticed") {
                    proxy.harness.traefik.rejectedUpdates > rejectedBefore
                }
                #expect(try await proxy.get(host: "test.marathon.localhost").whoami().name == "whoami1")
                marathon.deploy(
                    .init(id: "/test"), tasks: [.init(id: "test.2", appID: "/test", ports: [proxy.whoamiPorts[1]])], event: nil)
                try await marathon.restart()
                try await proxy.waitUntil("test.marathon.localhost", servedBy: "whoami2")
            }
        }
    }
}

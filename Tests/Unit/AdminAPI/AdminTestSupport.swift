@testable import AdminAPI
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
import Testing
import TraefikCore

/// An `AdminDataSource` with fixed answers that records the configurations PUT to it.
final class FakeAdminSource: AdminDataSource {
    private struct State {
        var configurations: [ProviderName: DynamicConfiguration]
        var replacements: [DynamicConfiguration] = []
    }

    private let state: Mutex<State>
    let counters: HealthCounters
    let states: [String: BackendHealthView]
    let notes: [ConfigDiagnostic]
    let metrics: String

    init(
        configurations: [ProviderName: DynamicConfiguration] = [:],
        counters: HealthCounters = HealthCounters(pid: 42, started: ContinuousClock.now),
        states: [String: BackendHealthView] = [:],
        notes: [ConfigDiagnostic] = [],
        metrics: String = "traefik_requests_total 0\n"
    ) {
        state = Mutex(State(configurations: configurations))
        self.counters = counters
        self.states = states
        self.notes = notes
        self.metrics = metrics
    }

    var replacements: [DynamicConfiguration] { state.withLock { $0.replacements } }

    func providerConfigurations() async -> [ProviderName: DynamicConfiguration] {
        state.withLock { $0.configurations }
    }

    /// Applied at once here; the app applies it later, which the router must not depend on.
    func replaceWebConfiguration(_ configuration: DynamicConfiguration) async {
        state.withLock {
            $0.replacements.append(configuration)
            $0.configurations[.web] = configuration
        }
    }

    func healthCounters() -> HealthCounters { counters }
    func prometheusText() -> String { metrics }
    func backendStates() -> [String: BackendHealthView] { states }
    func diagnostics() -> [ConfigDiagnostic] { notes }
}

/// The seed documentation's `/api` example (spec §9), with the doc's `"URL"` typo fixed.
enum AdminSeedConfiguration {
    static let file = DynamicConfiguration(
        backends: [
            "backend1": Backend(
                servers: [
                    "server1": Server(url: "http://172.17.0.2:80", weight: 10),
                    "server2": Server(url: "http://172.17.0.3:80", weight: 1),
                ],
                circuitBreaker: CircuitBreakerConfig(expression: "NetworkErrorRatio() > 0.5"),
                loadBalancer: LoadBalancerConfig(method: "wrr")),
            "backend2": Backend(
                servers: [
                    "server1": Server(url: "http://172.17.0.4:80", weight: 1),
                    "server2": Server(url: "http://172.17.0.5:80", weight: 2),
                ],
                loadBalancer: LoadBalancerConfig(method: "drr")),
        ],
        frontends: [
            "frontend1": Frontend(backend: "backend2", routes: ["test_1": Route(rule: "Host", value: "test.localhost")]),
            "frontend2": Frontend(
                backend: "backend1", entryPoints: ["http"], passHostHeader: true,
                routes: ["test_2": Route(rule: "Path", value: "/test")]),
        ])

    static let fileJSON =
        #"{"backends":{"backend1":{"circuitBreaker":{"expression":"NetworkErrorRatio() \u003e 0.5"},"#
        + #""loadBalancer":{"method":"wrr"},"servers":{"server1":{"url":"http://172.17.0.2:80","weight":10},"#
        + #""server2":{"url":"http://172.17.0.3:80","weight":1}}},"#
        + #""backend2":{"loadBalancer":{"method":"drr"},"servers":{"server1":{"url":"http://172.17.0.4:80","weight":1},"#
        + #""server2":{"url":"http://172.17.0.5:80","weight":2}}}},"#
        + #""frontends":{"frontend1":{"backend":"backend2","routes":{"test_1":{"rule":"Host","value":"test.localhost"}}},"#
        + #""frontend2":{"backend":"backend1","entryPoints":["http"],"passHostHeader":true,"#
        + #""routes":{"test_2":{"rule":"Path","value":"/test"}}}}}"#
}

/// What a test reads back from a raw HTTP/1.1 exchange.
struct AdminWireResponse {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: String

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

struct AdminWireError: Error, CustomStringConvertible {
    let description: String
}

/// Sends `request` as is to 127.0.0.1:`port` (over TLS without verification when `tls`), reads until
/// the server closes, and parses one response. Gives up after `timeout`. `onFirstBytes` runs when
/// the answer starts to arrive.
func adminExchange(
    port: Int, _ request: String, body: [UInt8] = [], tls: Bool = false, timeout: Duration = .seconds(10),
    onFirstBytes: @escaping @Sendable () -> Void = {}
) async throws -> AdminWireResponse {
    let bytes = try await withThrowingTaskGroup(of: [UInt8].self) { group in
        group.addTask {
            try await adminRawExchange(port: port, Array(request.utf8) + body, tls: tls, onFirstBytes: onFirstBytes)
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw AdminWireError(description: "no complete answer within \(timeout)")
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
    return try parseAdminResponse(bytes)
}

private func adminRawExchange(
    port: Int, _ request: [UInt8], tls: Bool, onFirstBytes: @Sendable () -> Void
) async throws -> [UInt8] {
    let clientContext: NIOSSLContext?
    if tls {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        clientContext = try NIOSSLContext(configuration: configuration)
    } else {
        clientContext = nil
    }
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                if let clientContext {
                    try channel.pipeline.syncOperations.addHandler(
                        NIOSSLClientHandler(context: clientContext, serverHostname: nil))
                }
                return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    return try await channel.executeThenClose { inbound, outbound in
        try await outbound.write(ByteBuffer(bytes: request))
        var received: [UInt8] = []
        do {
            for try await chunk in inbound {
                if received.isEmpty { onFirstBytes() }
                received.append(contentsOf: chunk.readableBytesView)
            }
        } catch let error as NIOSSLError where error == .uncleanShutdown && !received.isEmpty {
            // The server may close without close_notify after `Connection: close`.
        }
        return received
    }
}

private func parseAdminResponse(_ bytes: [UInt8]) throws -> AdminWireResponse {
    let text = String(decoding: bytes, as: UTF8.self)
    guard let headEnd = text.range(of: "\r\n\r\n") else { throw AdminWireError(description: "no response head in \(text)") }
    let lines = text[..<headEnd.lowerBound].components(separatedBy: "\r\n")
    let statusParts = lines[0].split(separator: " ")
    guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
        throw AdminWireError(description: "bad status line \(lines[0])")
    }
    let headers = lines.dropFirst().map { line -> (name: String, value: String) in
        let colon = line.firstIndex(of: ":") ?? line.endIndex
        return (String(line[..<colon]), line[colon...].dropFirst().trimmingCharacters(in: .whitespaces))
    }
    return AdminWireResponse(status: status, headers: headers, body: String(text[headEnd.upperBound...]))
}

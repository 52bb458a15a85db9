import FakeFarm
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 10 §3 and §5: slowloris, a client that stops reading, and a proxy killed with SIGKILL.
@Suite struct SlowClientTests {
    /// 400 connections trickling a header line every 300 ms and 100 that connect and say nothing: all are closed at
    /// the 2 s header timeout (the tricklers with 408) while a normal client keeps being served, and none of them
    /// reaches the backend. Latency under attack is printed; `make soak` measures the p99 ratio with slowhttptest.
    @Test func slowlorisConnectionsAreClosedAtTheHeaderTimeoutWhileOthersAreServed() async throws {
        try await ProxyHarness.with(backends: 1, toml: LimitsTests.config("readHeaderTimeout = \"2s\"")) { proxy in
            let quiet = try await Self.timedRequests(to: proxy, count: 100)
            var tricklers: [HTTPTestClient] = []
            for _ in 0..<400 {
                let client = try await HTTPTestClient.connect(port: proxy.port)
                try await client.send("GET / HTTP/1.1\r\nHost: h\r\n")
                tricklers.append(client)
            }
            var silent: [HTTPTestClient] = []
            for _ in 0..<100 { silent.append(try await HTTPTestClient.connect(port: proxy.port)) }
            let attackStarted = ContinuousClock.now

            let outcome = try await withThrowingTaskGroup(of: AttackerOutcome.self) { group in
                for client in tricklers { group.addTask { await Self.trickle(client) } }
                for client in silent {
                    group.addTask {
                        let closed = (try? await client.waitForClose(timeout: .seconds(15))) ?? false
                        return AttackerOutcome(status: nil, closed: closed)
                    }
                }
                let normal = Task { try await Self.timedRequests(to: proxy, count: 200) }
                var outcomes: [AttackerOutcome] = []
                for try await outcome in group { outcomes.append(outcome) }
                return (attackers: outcomes, underAttack: try await normal.value)
            }
            let attackLasted = ContinuousClock.now - attackStarted
            for client in tricklers + silent { await client.close() }

            let tricklersAnswered408 = outcome.attackers.filter { $0.status == 408 && $0.closed }.count
            let silentClosed = outcome.attackers.filter { $0.status == nil && $0.closed }.count
            #expect(tricklersAnswered408 == 400)
            #expect(silentClosed == 100)
            #expect(attackLasted < .seconds(12), "the header timeout is 2 s, the sweeper runs every second")
            #expect(outcome.underAttack.allSatisfy { $0.status == 200 })
            #expect(proxy.backends[0].requestsServed == 300, "only the normal client's requests reached the backend")
            print("slowloris ×500: normal client p99 \(Self.p99(quiet)) quiet, \(Self.p99(outcome.underAttack)) under attack")
        }
    }

    /// A client that asks for 128 MiB and reads nothing: backpressure stops the backend once the socket buffers on
    /// the way are full, and the proxy's memory stays flat; then the client reads the whole body, intact.
    @Test func aClientThatStopsReadingDoesNotGrowTheProxysMemory() async throws {
        let size = 128 << 20
        let directory = try CommandLineTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let backend = WhoamiServer(name: "big")
        try await backend.start()
        let port = try PortAllocator.freePort()
        let config = try LaunchConfigurationTests.write(
            "[entryPoints]\n  [entryPoints.http]\n  address = \"127.0.0.1:\(port)\"\n[file]\n"
                + LaunchConfigurationTests.routes(backendPort: backend.port), to: "traefik.toml", in: directory)
        try await LaunchConfigurationTests.withRunning(["-c", config.path], in: directory, port: port) { process in
            for _ in 0..<20 { _ = try await HTTPTestClient.request(port: port, target: "/?size=100000") }
            let pid = process.processIdentifier
            let baseline = try #require(Self.residentKiB(of: pid))
            let reader = try BlockingClient(port: port)
            defer { reader.close() }
            try reader.send("GET /?size=\(size) HTTP/1.1\r\nHost: h\r\n\r\n")
            try await eventually("the body started flowing") { backend.generatedBodyBytes >= 1 << 20 }
            // An observation window, not a synchronisation: loopback moves gigabytes a second, so without
            // backpressure the proxy would have pulled all 128 MiB from the backend into its memory by the end.
            var peak = baseline
            let until = ContinuousClock.now + .seconds(2)
            while ContinuousClock.now < until {
                peak = max(peak, Self.residentKiB(of: pid) ?? 0)
                try await Task.sleep(for: .milliseconds(100))
            }
            let generatedWhileStalled = backend.generatedBodyBytes
            #expect(generatedWhileStalled < 64 << 20, "the backend was not held back: \(generatedWhileStalled) bytes")
            #expect(peak - baseline < 24 << 10, "proxy RSS grew from \(baseline) to \(peak) KiB")
            print("slow reader: backend held at \(generatedWhileStalled >> 10) KiB of \(size >> 10), proxy RSS +\(peak - baseline) KiB")
            let body = try await reader.readBody(timeout: .seconds(30))
            #expect(body.length == size)
            #expect(body.followsWhoamiPattern)
        }
        try await backend.stop()
    }

    /// kill -9 with connections open, then a restart on the same address serves again from the same files.
    @Test func killedWithSIGKILLItServesAgainFromItsFilesAfterARestart() async throws {
        let directory = try CommandLineTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let backend = WhoamiServer(name: "after-kill")
        try await backend.start()
        let port = try PortAllocator.freePort()
        _ = try LaunchConfigurationTests.write(LaunchConfigurationTests.routes(backendPort: backend.port), to: "rules.toml", in: directory)
        let config = try LaunchConfigurationTests.write(
            "[entryPoints]\n  [entryPoints.http]\n  address = \"127.0.0.1:\(port)\"\n[file]\nfilename = \"rules.toml\"\nwatch = true\n",
            to: "traefik.toml", in: directory)
        try await LaunchConfigurationTests.withRunning(["-c", config.path], in: directory, port: port) { process in
            let idle = try await HTTPTestClient.connect(port: port)
            try await idle.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try await idle.readResponse().status == 200)
            let inFlight = try await HTTPTestClient.connect(port: port)
            try await inFlight.send("GET /?delay=5000 HTTP/1.1\r\nHost: h\r\n\r\n")
            try await eventually("the slow request reached the backend") { backend.openConnectionCount >= 2 }
            kill(process.processIdentifier, SIGKILL)
            await ProcessRunner.waitForExit(process)
            #expect(process.terminationReason == Process.TerminationReason.uncaughtSignal)
            #expect(try await idle.waitForClose(timeout: .seconds(5)))
            #expect(try await inFlight.waitForClose(timeout: .seconds(5)))
            await idle.close()
            await inFlight.close()
        }
        // `withRunning` waits until the restarted process answers 200 on the same port, routed by rules.toml.
        try await LaunchConfigurationTests.withRunning(["-c", config.path], in: directory, port: port) { _ in
            let response = try await HTTPTestClient.request(port: port, headers: [("Host", "h")])
            #expect(try response.whoami().name == "after-kill")
        }
        try await backend.stop()
    }

    // MARK: helpers

    struct AttackerOutcome: Sendable {
        var status: Int?
        var closed: Bool
    }

    struct TimedResponse: Sendable {
        var status: Int
        var duration: Duration
    }

    /// Sends a header line every 300 ms until the proxy answers and closes (or 15 s pass).
    static func trickle(_ client: HTTPTestClient) async -> AttackerOutcome {
        let giveUp = ContinuousClock.now + .seconds(15)
        var line = 0
        while ContinuousClock.now < giveUp {
            do {
                let response = try await client.readResponse(timeout: .milliseconds(300))
                return AttackerOutcome(status: response.status, closed: (try? await client.waitForClose()) ?? false)
            } catch HTTPTestClient.ClientError.timedOut {
                line += 1
                try? await client.send("X-Slow-\(line): 1\r\n")
            } catch {
                return AttackerOutcome(status: nil, closed: true)
            }
        }
        return AttackerOutcome(status: nil, closed: false)
    }

    static func timedRequests(to proxy: ProxyHarness, count: Int) async throws -> [TimedResponse] {
        var responses: [TimedResponse] = []
        for _ in 0..<count {
            let started = ContinuousClock.now
            let status = try await proxy.get("/", host: "h").status
            responses.append(TimedResponse(status: status, duration: ContinuousClock.now - started))
        }
        return responses
    }

    static func p99(_ responses: [TimedResponse]) -> Duration {
        let sorted = responses.map(\.duration).sorted()
        return sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
    }

    static func residentKiB(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
        }
        return nil
    }
}

/// A blocking socket with a small receive buffer, read only when asked: a client that stops reading (HTTPTestClient
/// reads eagerly, so it cannot be one). Blocking reads run on a thread of their own.
private final class BlockingClient: @unchecked Sendable {
    struct Body {
        var length: Int
        var followsWhoamiPattern: Bool
    }

    struct SocketError: Error, CustomStringConvertible {
        var description: String
    }

    private let descriptor: Int32
    /// Whoami's body bytes `i % 251`, long enough to compare a whole read from any offset.
    private static let pattern: [UInt8] = (0..<(64 * 1024 + 251)).map { UInt8($0 % 251) }

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw SocketError(description: "socket: errno \(errno)") }
        var receiveBuffer: Int32 = 64 * 1024
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(descriptor)
            throw SocketError(description: "connect to \(port): errno \(errno)")
        }
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ Glibc.send(descriptor, $0.baseAddress, $0.count, 0) }) == bytes.count else {
            throw SocketError(description: "send: errno \(errno)")
        }
    }

    /// Reads one response with a Content-Length body and checks the body against whoami's `i % 251` pattern.
    func readBody(timeout: Duration) async throws -> Body {
        var seconds = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { [self] in continuation.resume(with: Result { try readBodyBlocking() }) }
        }
    }

    private func readBodyBlocking() throws -> Body {
        var head: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var bodyStart: [UInt8] = []
        while true {
            let count = recv(descriptor, &chunk, chunk.count, 0)
            guard count > 0 else { throw SocketError(description: "closed or timed out inside the head") }
            head.append(contentsOf: chunk[0..<count])
            if let end = ByteSearch.endOfHead(in: head) {
                bodyStart = Array(head[end...])
                head.removeSubrange(end...)
                break
            }
        }
        let headText = String(decoding: head, as: UTF8.self).lowercased()
        guard let lengthLine = headText.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
            let expected = Int(lengthLine.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        else { throw SocketError(description: "no Content-Length in \(headText)") }
        var received = 0
        var intact = true
        func check(_ bytes: ArraySlice<UInt8>) {
            let start = received % 251
            let same = bytes.withUnsafeBytes { got in
                Self.pattern.withUnsafeBytes { want in memcmp(got.baseAddress!, want.baseAddress! + start, got.count) == 0 }
            }
            if !same { intact = false }
            received += bytes.count
        }
        check(bodyStart[...])
        while received < expected {
            let count = recv(descriptor, &chunk, min(chunk.count, expected - received), 0)
            guard count > 0 else { break }
            check(chunk[0..<count])
        }
        return Body(length: received, followsWhoamiPattern: intact)
    }

    func close() { Glibc.close(descriptor) }
}

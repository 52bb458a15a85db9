import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real etcd (`/usr/bin/etcd`, Debian's 3.4) on free loopback ports with a temporary data directory and the
/// v2 API enabled. `stop()` ends only this process and removes its directory.
public final class EtcdServerProcess: Sendable {
    public static let executable = "/usr/bin/etcd"

    public let clientPort: Int
    public var endpoint: String { "http://127.0.0.1:\(clientPort)" }

    private let process: NIOLockedValueBox<ProcessHandle>
    private let dataDirectory: URL

    /// Foundation's `Process` is not Sendable; it is only touched under the lock.
    private struct ProcessHandle: @unchecked Sendable {
        var process: Process?
    }

    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    private init(clientPort: Int, process: Process, dataDirectory: URL) {
        self.clientPort = clientPort
        self.process = NIOLockedValueBox(ProcessHandle(process: process))
        self.dataDirectory = dataDirectory
    }

    /// Starts etcd and waits until `/health` answers. Ports are picked free just before; a start that loses a
    /// port race (etcd exits at once) is retried a few times.
    public static func start(readyWithin timeout: Duration = .seconds(30)) async throws -> EtcdServerProcess {
        var lastError: (any Error)?
        for _ in 0..<3 {
            do {
                return try await startOnce(readyWithin: timeout)
            } catch {
                lastError = error
            }
        }
        throw lastError ?? StartError(description: "etcd did not start")
    }

    private static func startOnce(readyWithin timeout: Duration) async throws -> EtcdServerProcess {
        let clientPort = try PortAllocator.freePort()
        let peerPort = try PortAllocator.freePort()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("etcd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let clientURL = "http://127.0.0.1:\(clientPort)"
        let peerURL = "http://127.0.0.1:\(peerPort)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--name", "test", "--data-dir", directory.appendingPathComponent("data").path, "--enable-v2",
            "--listen-client-urls", clientURL, "--advertise-client-urls", clientURL,
            "--listen-peer-urls", peerURL, "--initial-advertise-peer-urls", peerURL,
            "--initial-cluster", "test=\(peerURL)", "--logger", "zap",
            "--log-outputs", directory.appendingPathComponent("etcd.log").path,
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = EtcdServerProcess(clientPort: clientPort, process: process, dataDirectory: directory)
        do {
            try await eventually(timeout: timeout, poll: .milliseconds(100), "etcd on \(clientPort) to answer /health") {
                guard server.isRunning else { throw StartError(description: "etcd exited during start") }
                let response = try? await HTTPTestClient.request(port: clientPort, target: "/health", timeout: .seconds(2))
                return response?.status == 200
            }
            return server
        } catch {
            await server.stop()
            throw error
        }
    }

    public var isRunning: Bool { process.withLockedValue { $0.process?.isRunning ?? false } }

    /// SIGTERM, then SIGKILL if it lingers past a deadline; removes the data directory. Idempotent.
    public func stop() async {
        let running = process.withLockedValue { handle -> Process? in
            defer { handle.process = nil }
            return handle.process
        }
        if let running {
            let handle = ProcessHandle(process: running)
            running.terminate()
            let ended = (try? await eventually(timeout: .seconds(10), poll: .milliseconds(50), "etcd to exit") {
                !(handle.process?.isRunning ?? false)
            }) != nil
            if !ended {
                kill(running.processIdentifier, SIGKILL)
                _ = try? await eventually(timeout: .seconds(5), poll: .milliseconds(50), "etcd to die") {
                    !(handle.process?.isRunning ?? false)
                }
            }
        }
        try? FileManager.default.removeItem(at: dataDirectory)
    }
}

import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A real ZooKeeper (the Debian package's jars) in standalone mode on a free loopback port, with its own temporary
/// data directory and configuration, for integration tests. `stop()` ends only this process and removes its files.
///
/// The command it runs, spelled out:
/// `java -cp <jars> org.apache.zookeeper.server.ZooKeeperServerMain <dir>/zoo.cfg`
public final class ZooKeeperServerProcess: Sendable {
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    public let port: Int
    public var endpoint: String { "127.0.0.1:\(port)" }
    public let directory: URL
    public let processID: Int32
    private let exitStatus: NIOLockedValueBox<Int32?>

    /// Jars under /usr/share/java that the standalone server loads (Debian `zookeeper` package, 3.8).
    public static let jarNames = [
        "zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "slf4j-simple.jar",
        "netty-all.jar", "metrics-core.jar", "commons-io.jar", "commons-cli.jar",
    ]

    private init(port: Int, directory: URL, processID: Int32, exitStatus: NIOLockedValueBox<Int32?>) {
        self.port = port
        self.directory = directory
        self.processID = processID
        self.exitStatus = exitStatus
    }

    public var isRunning: Bool { exitStatus.withLockedValue { $0 == nil } }

    /// Starts the server and waits until it serves (`srvr` reports its mode; `ruok` answers `imok` too early, while
    /// the database is still loading and sessions are refused). A port taken meanwhile (the port is picked
    /// free, then released before Java binds it) gets two more tries on other ports.
    public static func start(
        group: any EventLoopGroup,
        java: String = "/usr/bin/java",
        jarDirectory: String = "/usr/share/java",
        startupTimeout: Duration = .seconds(60)
    ) async throws -> ZooKeeperServerProcess {
        let jars = jarNames.map { jarDirectory + "/" + $0 }
        for jar in jars + [java] where !FileManager.default.isReadableFile(atPath: jar) {
            throw StartError(description: "ZooKeeper cannot start: \(jar) is missing (Debian packages zookeeper and a JRE)")
        }
        var lastError: StartError?
        for _ in 1...3 {
            let server = try launch(java: java, classpath: jars.joined(separator: ":"))
            do {
                try await server.waitUntilReady(group: group, timeout: startupTimeout)
                return server
            } catch let error as StartError {
                await server.stop()
                lastError = error
                if !error.description.contains("Address already in use") { break }
            }
        }
        throw lastError ?? StartError(description: "ZooKeeper did not start")
    }

    private static func launch(java: String, classpath: String) throws -> ZooKeeperServerProcess {
        let port = try PortAllocator.freePort()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zookeeper-\(UUID().uuidString)")
        let dataDirectory = directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        // tickTime 500 ms allows sessions down to 1 s; the admin HTTP server (port 8080) is off; `ruok` and `srvr` are allowed.
        let configuration = """
            tickTime=500
            dataDir=\(dataDirectory.path)
            clientPort=\(port)
            clientPortAddress=127.0.0.1
            admin.enableServer=false
            4lw.commands.whitelist=ruok,srvr
            minSessionTimeout=1000
            maxSessionTimeout=60000

            """
        let configurationURL = directory.appendingPathComponent("zoo.cfg")
        try configuration.write(to: configurationURL, atomically: true, encoding: .utf8)
        let logURL = directory.appendingPathComponent("zookeeper.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: java)
        process.arguments = [
            "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dzookeeper.admin.enableServer=false",
            "-cp", classpath,
            "org.apache.zookeeper.server.ZooKeeperServerMain", configurationURL.path,
        ]
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        let log = try FileHandle(forWritingTo: logURL)
        process.standardOutput = log
        process.standardError = log
        let exitStatus = NIOLockedValueBox<Int32?>(nil)
        process.terminationHandler = { ended in
            exitStatus.withLockedValue { $0 = ended.terminationStatus }
        }
        try process.run()
        try? log.close()
        return ZooKeeperServerProcess(port: port, directory: directory, processID: process.processIdentifier, exitStatus: exitStatus)
    }

    private func waitUntilReady(group: any EventLoopGroup, timeout: Duration) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            if !isRunning {
                throw StartError(description: "ZooKeeper exited during startup; log tail:\n\(logTail())")
            }
            if await Self.fourLetterWord("srvr", host: "127.0.0.1", port: port, group: group)?.contains("Mode: ") == true { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw StartError(description: "ZooKeeper did not start serving on \(endpoint) within \(timeout); log tail:\n\(logTail())")
    }

    /// The last lines of the server's log, for error messages.
    public func logTail(lines: Int = 30) -> String {
        let text = (try? String(contentsOf: directory.appendingPathComponent("zookeeper.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// Sends one of ZooKeeper's four-letter commands (`ruok`, `srvr`; only those are enabled here) and returns the
    /// reply the server sends before closing, or nil when it cannot be reached.
    public static func fourLetterWord(_ command: String, host: String, port: Int, group: any EventLoopGroup) async -> String? {
        do {
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(1))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(ReplyCollector()) }
                }
                .connect(host: host, port: port)
                .get()
            let collector = try await channel.eventLoop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: ReplyCollector.self), eventLoop: channel.eventLoop)
            }.get()
            try await channel.writeAndFlush(ByteBuffer(string: command))
            let timeout = channel.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
            try? await channel.closeFuture.get()
            timeout.cancel()
            return try await channel.eventLoop.submit { collector.value.received }.get()
        } catch {
            return nil
        }
    }

    /// SIGTERM, then SIGKILL if it is still running after 10 s; removes the temporary directory.
    /// Signals go only to this process, and only while it has not been seen to exit.
    public func stop() async {
        for signal in [SIGTERM, SIGKILL] where isRunning {
            kill(processID, signal)
            let deadline = ContinuousClock.now.advanced(by: .seconds(10))
            while isRunning, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Collects what the server sends on a four-letter-word connection.
private final class ReplyCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    var received = ""

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += String(buffer: unwrapInboundIn(data))
    }
}

import ArgumentParser
import Dispatch
import Foundation
import Logging
import NIOCore
import TraefikApp

/// Version and build date, set by `make release` (TRAEFIK_VERSION) or "dev".
let version = ProcessInfo.processInfo.environment["TRAEFIK_VERSION_OVERRIDE"] ?? "dev"

@main
struct TraefikCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traefik",
        abstract: "traefik is a modern HTTP reverse proxy and load balancer made to deploy microservices with ease.",
        discussion: "Complete documentation: README.md. Without -c, traefik.toml is searched in /etc/traefik/, $HOME/.traefik/ and the working directory.",
        subcommands: [Version.self])

    @Option(name: [.customShort("c"), .customLong("configFile")], help: "Configuration file to use (TOML, JSON).")
    var configFile: String?

    @Option(help: "Event-loop threads of the data path (default: one per core).")
    var threads: Int?

    @Option(name: [.customShort("l"), .customLong("logLevel")], help: "Log level: DEBUG, INFO, WARN, ERROR, FATAL, PANIC (default \"ERROR\").")
    var logLevel: String?

    func run() async throws {
        let loaded: LoadedConfiguration
        do {
            loaded = try ConfigLoader.loadStatic(explicitFile: configFile)
        } catch {
            fail("\(error)")
        }
        var configuration = loaded.staticConfiguration
        if let logLevel { configuration.logLevel = logLevel }
        guard let level = LogLevelName.parse(configuration.logLevel) else {
            fail("invalid log level \"\(configuration.logLevel)\" (DEBUG, INFO, WARN, ERROR, FATAL, PANIC)")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "traefik")
        if let file = loaded.configFile {
            logger.info("using configuration file \(file)")
        } else {
            logger.warning("no configuration file found in \(ConfigLoader.searchPaths().joined(separator: ", ")); using defaults")
        }
        for key in loaded.unusedKeys { logger.warning("configuration: unknown key \(key) ignored") }

        let traefik = Traefik(
            configuration: configuration, configFile: loaded.configFile, logger: logger,
            threads: threads ?? System.coreCount)
        do {
            try await traefik.start()
        } catch {
            await traefik.stop()
            fail("\(error)")
        }
        await waitForTerminationSignal()
        logger.info("shutting down: finishing requests in flight for up to \(configuration.graceTimeOut) (a second signal stops at once)")
        await traefik.stop()
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("traefik: \(message)\n".utf8))
        Foundation.exit(1)
    }
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print version")

    func run() {
        print("Version:      \(version)")
        print("Go version:   none (Swift)")
    }
}

/// Returns on the first SIGINT or SIGTERM; a second one exits the process at once (status 1).
func waitForTerminationSignal() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let queue = DispatchQueue(label: "signals")
        let fired = SignalLatch(continuation)
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { fired.fire() }
            source.resume()
            fired.keep(source)
        }
    }
}

/// Resumes the continuation once, from whichever signal comes first; keeps the sources alive.
final class SignalLatch: @unchecked Sendable {
    private var continuation: CheckedContinuation<Void, Never>?
    private var sources: [any DispatchSourceSignal] = []
    private let lock = NSLock()

    init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }

    func keep(_ source: any DispatchSourceSignal) { lock.withLock { sources.append(source) } }

    private var fired = false

    func fire() {
        let (continuation, again) = lock.withLock { () -> (CheckedContinuation<Void, Never>?, Bool) in
            defer {
                self.continuation = nil
                fired = true
            }
            return (self.continuation, fired)
        }
        if again {
            FileHandle.standardError.write(Data("traefik: second signal, stopping now\n".utf8))
            Foundation.exit(1)
        }
        continuation?.resume()
    }
}


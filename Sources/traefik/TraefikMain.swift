import BuildStamp
import ConfigFormats
import Dispatch
import Foundation
import Logging
import NIOCore
import TraefikApp
import TraefikCore

/// `traefik [flags]`, `traefik version`, `traefik check [-c file]`: the seed's command line (issue 4).
@main
enum TraefikMain {
    /// The version of an unstamped build (`make release VERSION=…` stamps another).
    static let version = "0.1.0-dev"

    static func main() async {
        let flags: ParsedFlags
        do {
            flags = try LaunchFlags.parse(Array(CommandLine.arguments.dropFirst()))
        } catch {
            fail(["\(error)", "Run 'traefik --help' for the flags."])
        }
        if flags.showHelp {
            print(LaunchFlags.helpText)
            return
        }
        switch flags.subcommand {
        case .version:
            print(versionLine())
        case .check:
            check(flags)
        case nil:
            await run(flags)
        }
    }

    /// Validates the launch configuration and the routes the file provider would load; prints every problem.
    static func check(_ flags: ParsedFlags) {
        let loaded = load(flags)
        var problems = Traefik.startupProblems(of: loaded.staticConfiguration)
        do {
            if let routes = try Traefik.loadRoutes(configuration: loaded.staticConfiguration, configFile: loaded.configFile) {
                let compiled = Traefik.compile(routes, for: loaded.staticConfiguration)
                problems += compiled.diagnostics.map { "routes: \($0)" }
            }
        } catch {
            problems.append("\(error)")
        }
        guard problems.isEmpty else { fail(problems) }
        print("configuration OK\(loaded.configFile.map { " (\($0))" } ?? " (defaults, no file found)")")
    }

    static func run(_ flags: ParsedFlags) async {
        let loaded = load(flags)
        let configuration = loaded.staticConfiguration
        let level = LogLevelName.parse(configuration.logLevel) ?? .error
        let destination: LogDestination
        do {
            destination = try LogDestination(path: configuration.traefikLogsFile)
        } catch {
            fail(["traefikLogsFile \(configuration.traefikLogsFile ?? ""): \(error.localizedDescription)"])
        }
        LoggingSystem.bootstrap { _ in LogrusLogHandler(destination: destination, level: level) }
        let logger = Logger(label: "traefik")
        if let file = loaded.configFile {
            logger.info("using configuration file \(file)")
        } else {
            logger.info("no traefik.toml in \(ConfigLoader.searchFolders().joined(separator: ", ")): using arguments and defaults")
        }
        // Raised before anything opens a socket; not inside the log call, whose message is only built at debug level.
        let openFileLimit = OpenFileLimit.raiseToHardLimit()
        logger.debug("open file limit: \(openFileLimit)")
        var threads = System.coreCount
        if let value = loaded.tree["threads"], case .int(let count) = value.value, count > 0 { threads = Int(count) }
        let traefik: Traefik
        do {
            traefik = try Traefik(
                configuration: configuration, configFile: loaded.configFile, logger: logger, threads: threads,
                reloadLaunchConfiguration: { try ConfigLoader.load(flags: flags).get().staticConfiguration })
        } catch {
            fail(["\(error)"])
        }
        do {
            try await traefik.start()
        } catch {
            await traefik.stop(grace: .zero)
            fail(["\(error)"])
        }
        let notifier = SystemdNotifier(environment: ProcessInfo.processInfo.environment)
        let signals = Signals()
        signals.onReopen {
            destination.reopen()
            traefik.reopenLogs()
        }
        // One reload at a time, so systemd sees RELOADING=1 … READY=1 in pairs; signals during a reload coalesce.
        let (reloadRequests, requestReload) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        signals.onReload { requestReload.yield() }
        let reloads = Task {
            for await _ in reloadRequests {
                logger.info("SIGHUP: re-reading the launch configuration, the routes file and the certificates")
                notifier.reloading()
                await traefik.reload()
                notifier.ready()
            }
        }
        // After the signal handlers: systemd may send SIGHUP as soon as it sees READY=1.
        notifier.ready()
        let watchdog = notifier.startWatchdog()
        await signals.waitForTermination()
        notifier.stopping()
        logger.info("shutting down: finishing requests in flight for up to \(configuration.graceTimeOut)")
        requestReload.finish()
        reloads.cancel()
        await traefik.stop()
        watchdog?.cancel()
    }

    private static func load(_ flags: ParsedFlags) -> LoadedConfiguration {
        switch ConfigLoader.load(flags: flags) {
        case .success(let loaded): return loaded
        case .failure(let problems): fail(problems.errors.map(\.description))
        }
    }

    /// `<version> built on the <date>` (spec §2.4), and the git commit when `make release` stamped one.
    static func versionLine() -> String {
        let version = stamped(traefik_build_version()) ?? version
        let date = stamped(traefik_build_date()) ?? buildDate()
        return "\(version) built on the \(date)" + (stamped(traefik_build_commit()).map { " from commit \($0)" } ?? "")
    }

    private static func stamped(_ value: UnsafePointer<CChar>) -> String? {
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }

    /// The executable's modification time: when it was linked (for unstamped builds).
    private static func buildDate() -> String {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        guard let date = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date else {
            return "unknown date"
        }
        return date.formatted(.iso8601)
    }

    static func fail(_ lines: [String]) -> Never {
        for line in lines { FileHandle.standardError.write(Data("traefik: \(line)\n".utf8)) }
        Foundation.exit(1)
    }
}

/// SIGINT/SIGTERM: the first starts a graceful stop, a second exits at once (status 1). SIGUSR1 reopens log files;
/// SIGHUP reloads (the launch configuration's entry points, the routes file, the certificates).
final class Signals: @unchecked Sendable {
    private let queue = DispatchQueue(label: "signals")
    private let lock = NSLock()
    private var sources: [any DispatchSourceSignal] = []
    private var continuation: CheckedContinuation<Void, Never>?
    private var terminating = false

    func onReopen(_ action: @escaping @Sendable () -> Void) {
        listen(SIGUSR1, action)
    }

    func onReload(_ action: @escaping @Sendable () -> Void) {
        listen(SIGHUP, action)
    }

    func waitForTermination() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.withLock { self.continuation = continuation }
            for signalNumber in [SIGINT, SIGTERM] {
                listen(signalNumber) { [self] in terminate() }
            }
        }
    }

    private func terminate() {
        let (continuation, again) = lock.withLock { () -> (CheckedContinuation<Void, Never>?, Bool) in
            defer {
                self.continuation = nil
                terminating = true
            }
            return (self.continuation, terminating)
        }
        if again {
            FileHandle.standardError.write(Data("traefik: second signal, stopping now\n".utf8))
            Foundation.exit(1)
        }
        continuation?.resume()
    }

    private func listen(_ signalNumber: Int32, _ action: @escaping @Sendable () -> Void) {
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
        source.setEventHandler(handler: action)
        source.resume()
        lock.withLock { sources.append(source) }
    }
}

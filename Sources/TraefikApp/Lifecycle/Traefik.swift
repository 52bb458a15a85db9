import AdminAPI
import ConfigFormats
import Foundation
import Logging
import NIOCore
import NIOPosix
import Providers
import ProxyServer
import Synchronization
import TraefikCore

public enum StartupError: Error, CustomStringConvertible {
    case invalidEntryPoint(name: String, reason: String)
    case fileProvider(String)
    case provider(String)

    public var description: String {
        switch self {
        case .invalidEntryPoint(let name, let reason): "entry point \(name): \(reason)"
        case .fileProvider(let reason): "file provider: \(reason)"
        case .provider(let reason): reason
        }
    }
}

/// The running proxy: listeners from the static configuration, routes from the providers through the watcher.
public final class Traefik: Sendable {
    /// The launch configuration; a reload (SIGHUP) may change its entry points.
    public var configuration: StaticConfiguration { launch.withLock { $0 } }
    public let configFile: String?
    private let launch: Mutex<StaticConfiguration>
    /// Reads the launch configuration again (file and flags), for SIGHUP; nil: entry points never change.
    private let reloadLaunchConfiguration: (@Sendable () throws -> StaticConfiguration)?
    public let proxy: ProxyServer
    private let accessLog: AccessLogFile?
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger
    private let watchTasks = Mutex<[Task<Void, Never>]>([])
    private let watcher: ConfigurationWatcher
    private let listeners = Mutex<[EntryPointListener]>([])
    /// With `[web]`: PUT /api/providers/web feeds it.
    private let webProvider: WebProvider?
    /// `[docker]`, `[marathon]`, `[consul]`, `[etcd]`, `[zookeeper]`, `[boltdb]`, `[consulCatalog]`.
    private let storeProviders: [any RereadableProvider]
    private let adminServer = Mutex<AdminServer?>(nil)
    /// Entry points waiting for a first configuration (only the web provider enabled, testable I16).
    private let closedListeners = Mutex<[EntryPointListener]?>(nil)
    private let lastDiagnostics = Mutex<[ConfigDiagnostic]>([])
    private let lastReload = Mutex<Date?>(nil)
    private let startedAt = ContinuousClock.now
    private let rejected = Mutex(0)
    private let received = Mutex(0)
    private let applied = Mutex(0)
    private let stopped = Mutex(false)

    /// Provider updates refused since start (invalid files); the last good routes kept serving.
    public var rejectedUpdates: Int { rejected.withLock { $0 } }

    /// Valid provider updates received since start (applied now or after the throttle period).
    public var providerUpdates: Int { received.withLock { $0 } }

    /// Routing configurations published since start (the first one included).
    public var configurationsApplied: Int { applied.withLock { $0 } }

    /// - Parameter threads: event loops for the data path; one per core by default.
    /// - Throws: when `accessLogsFile` cannot be opened, or `rootCAs` cannot be read.
    public init(
        configuration: StaticConfiguration, configFile: String?, logger: Logger, threads: Int = System.coreCount,
        reloadLaunchConfiguration: (@Sendable () throws -> StaticConfiguration)? = nil
    ) throws {
        launch = Mutex(configuration)
        self.reloadLaunchConfiguration = reloadLaunchConfiguration
        self.configFile = configFile
        self.logger = logger
        accessLog = try configuration.accessLogsFile.map { try AccessLogFile(path: $0) }
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        watcher = ConfigurationWatcher(throttle: configuration.providersThrottleDuration)
        webProvider = configuration.web == nil ? nil : WebProvider()
        storeProviders = try StoreProviderSetup.providers(of: configuration, group: group, logger: logger)
        let entryPoints = Array(configuration.entryPoints.keys)
        let upstreamTLS = try Self.upstreamTLS(for: configuration)
        if configuration.insecureSkipVerify {
            logger.warning("insecureSkipVerify: certificates of https:// backend servers are not verified")
        }
        proxy = ProxyServer(
            store: RuntimeStore(ProxyRuntime.empty(entryPoints: entryPoints)), group: group,
            maxIdleConnsPerHost: configuration.maxIdleConnsPerHost, accessLog: accessLog, upstreamTLS: upstreamTLS,
            logger: logger)
    }

    /// Reopens the access log (SIGUSR1, for logrotate).
    public func reopenLogs() { accessLog?.reopen() }

    /// Loads the routes, then binds every entry point (and the web API). Throws with a message naming what is wrong.
    public func start() async throws {
        let listeners = try entryPointListeners()
        if let missing = configuration.defaultEntryPoints.first(where: { configuration.entryPoints[$0] == nil }) {
            logger.warning("defaultEntryPoints names \(missing), which is not a defined entry point")  // D8
        }
        let providers = try providers()
        guard !providers.isEmpty else {
            // As the original: with no provider there is no configuration, so the entry points stay closed (A5).
            logger.error("no provider is enabled ([file], [web] or --file, --web): nothing to serve, entry points stay closed")
            return
        }
        if let web = configuration.web {
            let server = try AdminServer(configuration: web, source: self, logger: logger)
            try await server.start()
            adminServer.withLock { $0 = server }
        }
        // The file's routes are read before listening: a broken file stops the start (issue 3), and the first
        // request already sees the routes.
        var initial: [ProviderName: ProviderSnapshot] = [:]
        for case let file as FileProvider in providers {
            do {
                initial[.file] = try file.snapshot()
            } catch {
                throw StartupError.fileProvider("\(error)")
            }
        }
        await watcher.start(
            with: initial, publish: { [self] merged, snapshots in publish(merged, from: snapshots) },
            observe: { [self] provider, outcome in observe(provider, outcome) })
        if initial.isEmpty {
            // No file: nothing to serve until a provider's first configuration (a PUT of the web provider, testable
            // I16, or a first read of a store).
            closedListeners.withLock { $0 = listeners }
            logger.info("entry points stay closed until a provider sends its first configuration")
        } else {
            try await proxy.start(listeners)
            self.listeners.withLock { $0 = listeners }
        }
        let watcher = self.watcher
        // An unwatched file was read above, once and for all.
        let watched = providers.filter { ($0 as? FileProvider)?.watch ?? true }
        let task = Task { await watcher.run(watched) }
        watchTasks.withLock { $0.append(task) }
        startCertificateWatch()
    }

    /// For the web API (TraefikAdminSource.swift).
    func watcherConfigurations() async -> [ProviderName: DynamicConfiguration] { await watcher.configurations() }
    func replaceWeb(_ configuration: DynamicConfiguration) { webProvider?.replace(with: configuration) }
    var processStarted: ContinuousClock.Instant { startedAt }
    var lastReloadTime: Date? { lastReload.withLock { $0 } }
    /// What the last published configuration left out and why (also in /api).
    public var currentDiagnostics: [ConfigDiagnostic] { lastDiagnostics.withLock { $0 } }

    /// The port the web API listens on (useful with port 0).
    public var apiPort: Int? { adminServer.withLock { $0 }?.boundPort }

    /// SIGHUP: re-reads the launch configuration's entry points, the routes file, every store- or engine-backed
    /// provider and the certificates now, without waiting for a poll or the throttle.
    public func reload() async {
        await reloadEntryPoints()
        if let file = try? Self.fileProvider(configuration: configuration, configFile: configFile) {
            await watcher.receive(file.currentEvent(), from: .file, immediately: true)
        }
        for provider in storeProviders {
            await watcher.receive(await provider.currentEvent(), from: provider.name, immediately: true)
        }
        for tls in listeners.withLock({ $0 }).compactMap(\.tls) {
            do {
                try tls.reload()
            } catch {
                logger.error("entry point \(tls.entryPoint): \(error); keeping the current certificates")
            }
        }
    }

    /// Opens the entry points a new launch configuration adds, closes (gracefully) those it removes, and
    /// re-opens those it changes; the others are not touched. A bad new entry point is logged and left closed.
    /// Other global options take effect at the next start.
    private func reloadEntryPoints() async {
        guard let reloadLaunchConfiguration else { return }
        let updated: StaticConfiguration
        do {
            updated = try reloadLaunchConfiguration()
        } catch {
            logger.error("reload: \(error); keeping the current entry points")
            return
        }
        let current = configuration
        guard updated.entryPoints != current.entryPoints || updated.defaultEntryPoints != current.defaultEntryPoints
        else { return }
        var merged = current
        merged.entryPoints = updated.entryPoints
        merged.defaultEntryPoints = updated.defaultEntryPoints
        for (name, entryPoint) in current.entryPoints where updated.entryPoints[name] != entryPoint {
            await proxy.stopListener(name)
            listeners.withLock { $0.removeAll { $0.name == name } }
            logger.info("entry point \(name) closed")
        }
        for name in updated.entryPoints.keys.sorted() where current.entryPoints[name] != updated.entryPoints[name] {
            do {
                let listener = try Self.entryPointListener(name, of: merged)
                try await proxy.start([listener])
                listeners.withLock { $0.append(listener) }
            } catch {
                logger.error("reload: \(error)")
                merged.entryPoints[name] = nil
            }
        }
        launch.withLock { $0 = merged }
        await watcher.republish()
    }

    /// Compiles and publishes the merge of every provider's configuration. Invalid frontends are skipped with a
    /// logged reason naming the provider and where it is written; everything valid applies (design.md
    /// "Errors as values"). Idle connections to servers no longer in any backend are closed.
    private func publish(_ merged: MergedConfiguration, from snapshots: [ProviderName: ProviderSnapshot]) {
        let compiled = Self.compile(merged.configuration, for: configuration)
        let diagnostics = merged.diagnostics + merged.attributed(compiled.diagnostics, snapshots: snapshots)
        for diagnostic in diagnostics { logger.error("configuration: \(diagnostic)") }
        lastDiagnostics.withLock { $0 = diagnostics }
        lastReload.withLock { $0 = Date() }
        let runtime = ProxyRuntime(
            compiled, entryPoints: Array(configuration.entryPoints.keys), previous: proxy.store.runtime)
        proxy.store.publish(runtime)
        proxy.retireUnusedUpstreams()
        applied.withLock { $0 += 1 }
        if !snapshots.isEmpty, let waiting = closedListeners.withLock({ listeners in
            defer { listeners = nil }
            return listeners
        }) {
            Task { [self] in
                do {
                    try await proxy.start(waiting)
                    self.listeners.withLock { $0 = waiting }
                } catch {
                    logger.error("\(error)")
                }
            }
        }
        logger.info("configuration applied: \(compiled.frontends.count) frontends, \(compiled.backends.count) backends")
    }

    private func observe(_ provider: ProviderName, _ outcome: ConfigurationWatcher.Outcome) {
        switch outcome {
        case .unavailable(let reason):
            rejected.withLock { $0 += 1 }
            logger.error("provider \(provider.rawValue): \(reason); keeping its last good configuration")
        case .applied, .throttled, .unchanged:
            received.withLock { $0 += 1 }
            logger.debug("provider \(provider.rawValue): update \(outcome)")
        }
    }

    /// Stops accepting, lets requests in flight finish for up to `grace` (default: `graceTimeOut`), then closes.
    public func stop(grace: Duration? = nil) async {
        let alreadyStopped = stopped.withLock { stopped in
            defer { stopped = true }
            return stopped
        }
        guard !alreadyStopped else { return }
        watchTasks.withLock { tasks in tasks.forEach { $0.cancel() } }
        await adminServer.withLock { $0 }?.stop()
        await proxy.stop(grace: grace ?? configuration.graceTimeOut)
        try? await group.shutdownGracefully()
        accessLog?.close()
    }

    private func entryPointListeners() throws -> [EntryPointListener] {
        try configuration.entryPoints.keys.sorted().map { try Self.entryPointListener($0, of: configuration) }
    }

    /// What `traefik check` reports beyond decoding: entry point addresses, certificates, redirects, `rootCAs`.
    public static func startupProblems(of configuration: StaticConfiguration) -> [String] {
        var problems: [String] = configuration.entryPoints.keys.sorted().compactMap { name in
            do {
                _ = try entryPointListener(name, of: configuration)
                return nil
            } catch {
                return "\(error)"
            }
        }
        do {
            _ = try upstreamTLS(for: configuration)
            _ = try StoreProviderSetup.providers(
                of: configuration, group: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "traefik check"))
        } catch {
            problems.append("\(error)")
        }
        return problems
    }

    private static func upstreamTLS(for configuration: StaticConfiguration) throws -> UpstreamTLS {
        try UpstreamTLS(rootCAs: configuration.rootCAs, insecureSkipVerify: configuration.insecureSkipVerify)
    }

    private static func entryPointListener(_ name: String, of configuration: StaticConfiguration) throws
        -> EntryPointListener
    {
        let entryPoint = configuration.entryPoints[name]!
        do {
            var listener = EntryPointListener(
                name: name, address: try ListenAddress.parse(entryPoint.address), limits: entryPoint.limits)
            // TLS is on only with at least one certificate (spec §3.2).
            if let certificates = entryPoint.tls?.certificates, !certificates.isEmpty {
                listener.tls = try ServerTLS(entryPoint: name, certificates: certificates)
            }
            if let redirect = entryPoint.redirect {
                listener.redirect = try EntryPointRedirect.compile(redirect, entryPoints: configuration.entryPoints)
            }
            return listener
        } catch {
            throw StartupError.invalidEntryPoint(name: name, reason: "\(error)")
        }
    }

    /// Polls the certificate files of the TLS entry points and swaps in new certificates when they change (a
    /// renewed certificate needs no restart); a broken new file is logged and the current certificates stay.
    /// Entry points opened by a reload are picked up on the next poll.
    private func startCertificateWatch() {
        let task = Task { [self] in
            var stamps: [ObjectIdentifier: [FileStamp?]] = [:]
            while !Task.isCancelled {
                let watched = listeners.withLock { $0 }.compactMap(\.tls).filter { !$0.files.isEmpty }
                for tls in watched {
                    let now = tls.files.map(FileStamp.init(path:))
                    let id = ObjectIdentifier(tls)
                    guard let before = stamps[id] else {
                        stamps[id] = now
                        continue
                    }
                    guard now != before else { continue }
                    stamps[id] = now
                    do {
                        try tls.reload()
                        logger.info("entry point \(tls.entryPoint): certificates reloaded")
                    } catch {
                        logger.error("entry point \(tls.entryPoint): \(error); keeping the current certificates")
                    }
                }
                try? await Task.sleep(for: Self.certificatePollInterval)
            }
        }
        watchTasks.withLock { $0.append(task) }
    }

    public static let certificatePollInterval = Duration.seconds(2)

    /// Routes compiled against the entry points of `configuration` (what `apply` serves and `check` reports).
    public static func compile(_ routes: DynamicConfiguration, for configuration: StaticConfiguration) -> CompiledConfiguration {
        CompiledConfiguration.compile(
            routes, entryPointNames: Set(configuration.entryPoints.keys),
            defaultEntryPoints: configuration.defaultEntryPoints)
    }

    /// The routes the file provider would serve (for `traefik check`); nil without `[file]`.
    public static func loadRoutes(configuration: StaticConfiguration, configFile: String?) throws -> DynamicConfiguration? {
        try fileProvider(configuration: configuration, configFile: configFile)?.load()
    }

    /// The enabled providers, in the watcher's order (the launch configuration refuses the ones not built yet).
    private func providers() throws -> [any ConfigurationProvider] {
        var providers: [any ConfigurationProvider] = []
        if let file = try Self.fileProvider(configuration: configuration, configFile: configFile) { providers.append(file) }
        if let webProvider { providers.append(webProvider) }
        providers += storeProviders
        return providers
    }

    /// `[file]` alone reads the global configuration file itself; `filename` is relative to the working directory
    /// (as the original), or else to the configuration file's folder.
    private static func fileProvider(configuration: StaticConfiguration, configFile: String?) throws -> FileProvider? {
        guard let file = configuration.file else { return nil }
        guard let filename = file.filename, !filename.isEmpty else {
            guard let configFile else {
                throw StartupError.fileProvider("[file] without filename needs a configuration file")
            }
            return FileProvider(path: configFile, watch: file.watch)
        }
        var path = filename
        if !filename.hasPrefix("/"), !FileManager.default.fileExists(atPath: filename), let configFile {
            let besideConfig = (configFile as NSString).deletingLastPathComponent + "/" + filename
            if FileManager.default.fileExists(atPath: besideConfig) { path = besideConfig }
        }
        return FileProvider(path: path, watch: file.watch)
    }
}

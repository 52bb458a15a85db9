import ConfigFormats
import Foundation
import TraefikCore

/// The file provider (spec §8): `[backends]` and `[frontends]` from the global configuration file itself, or from
/// the file named by `[file] filename`. With `watch`, the file is polled: edits, atomic renames over it (editors,
/// `mv`), deletion and re-creation are all noticed; an unusable file is reported and the last good routes stay.
public struct FileProvider: ConfigurationProvider {
    public let path: String
    public let watch: Bool
    public let pollInterval: Duration
    public var name: ProviderName { .file }

    /// - Parameter pollInterval: how often the file's stamp is compared (one `stat` each time).
    public init(path: String, watch: Bool, pollInterval: Duration = .milliseconds(250)) {
        self.path = path
        self.watch = watch
        self.pollInterval = pollInterval
    }

    /// The routes in the file now.
    public func load() throws(ConfigError) -> DynamicConfiguration {
        try snapshot().configuration
    }

    /// The routes in the file now, with where each frontend, backend, route and server is written.
    public func snapshot() throws(ConfigError) -> ProviderSnapshot {
        let node = try ConfigFile.read(path)
        var decoder = ConfigDecoder()
        let configuration = try decoder.decode(DynamicConfiguration.self, from: node)
        return ProviderSnapshot(configuration: configuration, locations: Self.locations(in: node))
    }

    public func events() -> AsyncStream<ProviderEvent> {
        let provider = self
        return AsyncStream { continuation in
            let task = Task {
                var lastSeen = FileStamp(path: provider.path)
                continuation.yield(provider.currentEvent(stamp: lastSeen))
                while provider.watch && !Task.isCancelled {
                    try? await Task.sleep(for: provider.pollInterval)
                    let stamp = FileStamp(path: provider.path)
                    guard stamp != lastSeen else { continue }
                    lastSeen = stamp
                    continuation.yield(provider.currentEvent(stamp: stamp))
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// The file as it is now: its routes, or why it cannot be used (SIGHUP reads it this way too).
    public func currentEvent() -> ProviderEvent { currentEvent(stamp: FileStamp(path: path)) }

    private func currentEvent(stamp: FileStamp?) -> ProviderEvent {
        guard stamp != nil else { return .unavailable("\(path) is missing") }
        do {
            return .snapshot(try snapshot())
        } catch {
            return .unavailable("\(error)")
        }
    }

    /// Key paths of the route sections (`frontends.f1.routes.r`, keys as written) → where they are written.
    static func locations(in root: ConfigNode) -> [String: SourcePosition] {
        var locations: [String: SourcePosition] = [:]
        func visit(_ node: ConfigNode, path: String) {
            if let position = node.position { locations[path] = position }
            guard case .table(let entries) = node.value else { return }
            for entry in entries { visit(entry.node, path: path + "." + entry.key) }
        }
        for section in ["backends", "frontends"] {
            if let node = root[section] { visit(node, path: section) }
        }
        return locations
    }
}

/// What a poll compares: modification time, size and file number.
public struct FileStamp: Equatable, Sendable {
    var modified: Date
    var size: UInt64
    /// A file renamed over the path is another file, even with the same size and time.
    var fileNumber: UInt64

    public init?(path: String) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let modified = attributes[.modificationDate] as? Date,
            let size = attributes[.size] as? NSNumber
        else { return nil }
        self.modified = modified
        self.size = size.uint64Value
        fileNumber = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
    }
}

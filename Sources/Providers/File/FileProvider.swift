import ConfigFormats
import Foundation
import Logging
import TraefikCore

/// The file provider (spec §8): `[backends]` and `[frontends]` from the global configuration file itself, or from
/// the file named by `[file] filename`.
public struct FileProvider: Sendable {
    public let path: String
    public let watch: Bool

    public init(path: String, watch: Bool) {
        self.path = path
        self.watch = watch
    }

    public func load() throws(ConfigError) -> DynamicConfiguration {
        let node = try ConfigFile.read(path)
        var decoder = ConfigDecoder()
        return try decoder.decode(DynamicConfiguration.self, from: node)
    }

    /// Yields the configuration again each time the file's modification time or size changes. A file that is
    /// missing or invalid is logged and skipped, so the last good routes keep serving (spec §8).
    public func changes(pollInterval: Duration = .seconds(1), logger: Logger) -> AsyncStream<DynamicConfiguration> {
        let path = self.path
        let provider = self
        return AsyncStream { continuation in
            let task = Task {
                var lastSeen = FileStamp(path: path)
                while !Task.isCancelled {
                    try? await Task.sleep(for: pollInterval)
                    let stamp = FileStamp(path: path)
                    guard stamp != lastSeen else { continue }
                    lastSeen = stamp
                    guard stamp != nil else {
                        logger.error("file provider: \(path) is missing; keeping the current configuration")
                        continue
                    }
                    do {
                        continuation.yield(try provider.load())
                    } catch {
                        logger.error("file provider: \(error); keeping the current configuration")
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// What a poll compares: modification time and size.
private struct FileStamp: Equatable {
    var modified: Date
    var size: UInt64

    init?(path: String) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let modified = attributes[.modificationDate] as? Date,
            let size = attributes[.size] as? NSNumber
        else { return nil }
        self.modified = modified
        self.size = size.uint64Value
    }
}

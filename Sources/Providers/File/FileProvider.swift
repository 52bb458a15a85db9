import ConfigFormats
import Foundation
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

    /// What a poll found after the file changed: new routes, or why the file cannot be used (the caller keeps the
    /// last good routes, spec §8).
    public enum Update: Sendable {
        case routes(DynamicConfiguration)
        case rejected(String)
    }

    /// The file's modification time and size now; take it before `load()` and pass it to `changes(after:)` so
    /// that an edit between the two is not missed.
    public func stamp() -> FileStamp? { FileStamp(path: path) }

    /// Yields an update each time the file's modification time or size differs from the last one seen,
    /// starting from `stamp`.
    public func changes(after stamp: FileStamp?, pollInterval: Duration = .seconds(1)) -> AsyncStream<Update> {
        let path = self.path
        let provider = self
        return AsyncStream { continuation in
            let task = Task {
                var lastSeen = stamp
                while !Task.isCancelled {
                    try? await Task.sleep(for: pollInterval)
                    let stamp = FileStamp(path: path)
                    guard stamp != lastSeen else { continue }
                    lastSeen = stamp
                    guard stamp != nil else {
                        continuation.yield(.rejected("\(path) is missing"))
                        continue
                    }
                    do {
                        continuation.yield(.routes(try provider.load()))
                    } catch {
                        continuation.yield(.rejected("\(error)"))
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// What a poll compares: modification time and size.
public struct FileStamp: Equatable, Sendable {
    var modified: Date
    var size: UInt64

    public init?(path: String) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let modified = attributes[.modificationDate] as? Date,
            let size = attributes[.size] as? NSNumber
        else { return nil }
        self.modified = modified
        self.size = size.uint64Value
    }
}

import Foundation
import Logging

/// The seed's log levels (DEBUG, INFO, WARN, ERROR, FATAL, PANIC) as swift-log levels.
public enum LogLevelName {
    public static func parse(_ name: String) -> Logger.Level? {
        switch name.uppercased() {
        case "DEBUG": .debug
        case "INFO": .info
        case "WARN", "WARNING": .warning
        case "ERROR": .error
        case "FATAL", "PANIC": .critical
        default: nil
        }
    }

    /// logrus's names, as they appear in `level=…`.
    static func logrusName(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: "debug"
        case .info, .notice: "info"
        case .warning: "warning"
        case .error: "error"
        case .critical: "fatal"
        }
    }
}

/// Where log lines go: a file opened for appending (reopened on SIGUSR1, for logrotate), or standard error.
public final class LogDestination: @unchecked Sendable {
    private let path: String?
    private let lock = NSLock()
    private var handle: FileHandle

    /// - Throws: when the file cannot be created or opened for appending.
    public init(path: String?) throws {
        self.path = path
        handle = try Self.open(path)
    }

    public func write(_ line: String) {
        lock.withLock { handle.write(Data(line.utf8)) }
    }

    /// Opens the file again (after logrotate moved it away).
    public func reopen() {
        guard let path, let fresh = try? Self.open(path) else { return }
        lock.withLock {
            try? handle.close()
            handle = fresh
        }
    }

    private static func open(_ path: String?) throws -> FileHandle {
        guard let path else { return FileHandle.standardError }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        return handle
    }
}

/// logrus's text format (spec §14): `time="2016-02-24T16:43:39+01:00" level=info msg="Starting server on :80"`.
public struct LogrusLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let destination: LogDestination

    public init(destination: LogDestination, level: Logger.Level) {
        self.destination = destination
        logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let time = Date().formatted(Self.timeStyle)
        destination.write(
            "time=\"\(time)\" level=\(LogLevelName.logrusName(event.level)) msg=\"\(Self.escape("\(event.message)"))\"\n")
    }

    private static let timeStyle = Date.ISO8601FormatStyle(timeZoneSeparator: .colon, timeZone: .current)

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}

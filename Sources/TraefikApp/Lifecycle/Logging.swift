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
}

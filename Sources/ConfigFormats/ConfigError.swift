import TraefikCore

/// A configuration problem located in its source: a syntax error, or a value that does not fit the
/// type it is decoded into. Prints as `traefik.toml:12:5: backends.b1.servers.s1.weight: message`.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Nil for values that came from no file (built in code, or JSON without positions).
    public var file: String?
    /// Dotted path of the offending value, array indices as `[0]`; empty for syntax errors.
    public var keyPath: String
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(file: String?, keyPath: String, line: Int?, column: Int?, message: String) {
        self.file = file
        self.keyPath = keyPath
        self.line = line
        self.column = column
        self.message = message
    }

    init(at position: SourcePosition?, keyPath: String, message: String) {
        self.init(file: position?.file, keyPath: keyPath, line: position?.line, column: position?.column,
                  message: message)
    }

    public var description: String {
        var parts: [String] = []
        var location = file ?? ""
        if let line {
            location += location.isEmpty ? "line \(line)" : ":\(line)"
            if let column { location += ":\(column)" }
        }
        if !location.isEmpty { parts.append(location) }
        if !keyPath.isEmpty { parts.append(keyPath) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}

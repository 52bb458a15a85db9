/// A configuration value (address, URL, duration) that could not be parsed.
public struct ValueParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text as it was written in the configuration.
    public let input: String
    /// Why it was rejected, phrased for a log line.
    public let reason: String

    public init(input: String, reason: String) {
        self.input = input
        self.reason = reason
    }

    public var description: String { "invalid value \"\(input)\": \(reason)" }
}

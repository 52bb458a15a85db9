/// What one entry point allows a client (decisions.md "Limits"; issue 10). Each is a key of
/// `[entryPoints.<name>]`; the defaults are the documented limits.
public struct EntryPointLimits: Sendable, Equatable {
    /// Open client connections at once; one more is closed at accept. 0: no limit.
    public var maxConnections = 0
    /// Longest request line (414 past it).
    public var maxRequestLineBytes = 8192
    /// Longest header section (431 past it).
    public var maxHeaderBytes = 16384
    /// Most header lines (431 past it).
    public var maxHeaderLines = 100
    /// Reading one request head, from its first byte (408 past it).
    public var readHeaderTimeout = Duration.seconds(10)
    /// An idle keep-alive connection is closed after this.
    public var idleTimeout = Duration.seconds(180)
    /// A request body that makes no progress for this long: the exchange ends (408, or the connection closes
    /// if the response has started). A slow but steady upload is never cut.
    public var bodyIdleTimeout = Duration.seconds(60)
    /// From the whole request being sent to the backend's response head arriving (504 past it, like nginx's
    /// `proxy_read_timeout`; a backend that accepts and never answers must not hold the client forever).
    /// Zero: wait as long as the backend takes (long polls that answer after minutes).
    public var responseHeaderTimeout = Duration.seconds(60)

    public init() {}

    /// Reads the limit keys of an entry point's table; absent keys keep their defaults. A size or count below 1
    /// (or a negative maxConnections) is an error naming the key.
    init(reading container: KeyedDecodingContainer<EntryPointConfig.CodingKeys>) throws {
        func positive(_ key: EntryPointConfig.CodingKeys, _ fallback: Int) throws -> Int {
            guard let value = try container.decodeIfPresent(Int.self, forKey: key) else { return fallback }
            guard value >= 1 else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "must be at least 1")
            }
            return value
        }
        func timeout(_ key: EntryPointConfig.CodingKeys, _ fallback: Duration) throws -> Duration {
            guard let value = try container.decodeDurationIfPresent(forKey: key) else { return fallback }
            guard value > .zero else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "must be positive")
            }
            return value
        }
        let defaults = EntryPointLimits()
        if let connections = try container.decodeIfPresent(Int.self, forKey: .maxConnections) {
            guard connections >= 0 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .maxConnections, in: container, debugDescription: "must be 0 (no limit) or more")
            }
            maxConnections = connections
        }
        maxRequestLineBytes = try positive(.maxRequestLineBytes, defaults.maxRequestLineBytes)
        maxHeaderBytes = try positive(.maxHeaderBytes, defaults.maxHeaderBytes)
        maxHeaderLines = try positive(.maxHeaderLines, defaults.maxHeaderLines)
        readHeaderTimeout = try timeout(.readHeaderTimeout, defaults.readHeaderTimeout)
        idleTimeout = try timeout(.idleTimeout, defaults.idleTimeout)
        bodyIdleTimeout = try timeout(.bodyIdleTimeout, defaults.bodyIdleTimeout)
        if let value = try container.decodeDurationIfPresent(forKey: .responseHeaderTimeout) {
            guard value >= .zero else {
                throw DecodingError.dataCorruptedError(
                    forKey: .responseHeaderTimeout, in: container, debugDescription: "must be 0 (no limit) or more")
            }
            responseHeaderTimeout = value
        }
    }

    /// Only the keys that differ from the defaults, like the rest of the configuration's encoding.
    func encode(into container: inout KeyedEncodingContainer<EntryPointConfig.CodingKeys>) throws {
        let defaults = EntryPointLimits()
        if maxConnections != defaults.maxConnections { try container.encode(maxConnections, forKey: .maxConnections) }
        if maxRequestLineBytes != defaults.maxRequestLineBytes {
            try container.encode(maxRequestLineBytes, forKey: .maxRequestLineBytes)
        }
        if maxHeaderBytes != defaults.maxHeaderBytes { try container.encode(maxHeaderBytes, forKey: .maxHeaderBytes) }
        if maxHeaderLines != defaults.maxHeaderLines { try container.encode(maxHeaderLines, forKey: .maxHeaderLines) }
        if readHeaderTimeout != defaults.readHeaderTimeout {
            try container.encode(GoDuration.format(readHeaderTimeout), forKey: .readHeaderTimeout)
        }
        if idleTimeout != defaults.idleTimeout { try container.encode(GoDuration.format(idleTimeout), forKey: .idleTimeout) }
        if bodyIdleTimeout != defaults.bodyIdleTimeout {
            try container.encode(GoDuration.format(bodyIdleTimeout), forKey: .bodyIdleTimeout)
        }
        if responseHeaderTimeout != defaults.responseHeaderTimeout {
            try container.encode(GoDuration.format(responseHeaderTimeout), forKey: .responseHeaderTimeout)
        }
    }
}

// The launch configuration (spec §2.3, §3), decoded from the TOML file and the command line.
// Every key is optional; the defaults are the ones the documentation promises (decision D8).

public struct StaticConfiguration: Codable, Sendable, Equatable {
    public var entryPoints: [String: EntryPointConfig]
    /// Entry points for frontends that name none; `["http"]` even when `entryPoints` is set (D8).
    public var defaultEntryPoints: [String]
    /// How long a graceful stop lets in-flight requests finish (D10).
    public var graceTimeOut: Duration
    public var logLevel: String
    /// nil: log to stderr.
    public var traefikLogsFile: String?
    /// nil: no access log.
    public var accessLogsFile: String?
    public var providersThrottleDuration: Duration
    /// 0 means the default of 2 idle connections per backend host.
    public var maxIdleConnsPerHost: Int
    public var port: String?
    /// Extra CA certificates (files or inline PEM) trusted for `https://` backend servers, besides the system's.
    public var rootCAs: [String]
    /// Accept any certificate from `https://` backend servers (for testing; never in production).
    public var insecureSkipVerify: Bool
    public var file: FileProviderConfig?
    public var web: WebProviderConfig?
    public var docker: DockerProviderConfig?
    public var marathon: MarathonProviderConfig?
    public var consul: KVProviderConfig?
    public var consulCatalog: ConsulCatalogProviderConfig?
    public var etcd: KVProviderConfig?
    public var zookeeper: KVProviderConfig?
    public var boltdb: KVProviderConfig?

    public init(
        entryPoints: [String: EntryPointConfig] = ["http": EntryPointConfig(address: ":80")],
        defaultEntryPoints: [String] = ["http"],
        graceTimeOut: Duration = .seconds(10),
        logLevel: String = "ERROR",
        traefikLogsFile: String? = nil,
        accessLogsFile: String? = nil,
        providersThrottleDuration: Duration = .seconds(2),
        maxIdleConnsPerHost: Int = 0,
        port: String? = nil,
        rootCAs: [String] = [],
        insecureSkipVerify: Bool = false,
        file: FileProviderConfig? = nil
    ) {
        self.entryPoints = entryPoints
        self.defaultEntryPoints = defaultEntryPoints
        self.graceTimeOut = graceTimeOut
        self.logLevel = logLevel
        self.traefikLogsFile = traefikLogsFile
        self.accessLogsFile = accessLogsFile
        self.providersThrottleDuration = providersThrottleDuration
        self.maxIdleConnsPerHost = maxIdleConnsPerHost
        self.port = port
        self.rootCAs = rootCAs
        self.insecureSkipVerify = insecureSkipVerify
        self.file = file
    }

    enum CodingKeys: String, CodingKey {
        case entryPoints, defaultEntryPoints, graceTimeOut, logLevel, traefikLogsFile, accessLogsFile
        case providersThrottleDuration, maxIdleConnsPerHost, port, rootCAs, insecureSkipVerify, file
        case web, docker, marathon, consul, consulCatalog, etcd, zookeeper, boltdb
    }

    public init(from decoder: any Decoder) throws {
        let defaults = StaticConfiguration()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        entryPoints = try container.decodeIfPresent([String: EntryPointConfig].self, forKey: .entryPoints)
            ?? defaults.entryPoints
        defaultEntryPoints = try container.decodeIfPresent([String].self, forKey: .defaultEntryPoints)
            ?? defaults.defaultEntryPoints
        graceTimeOut = try container.decodeDurationIfPresent(forKey: .graceTimeOut) ?? defaults.graceTimeOut
        logLevel = try container.decodeIfPresent(String.self, forKey: .logLevel) ?? defaults.logLevel
        traefikLogsFile = try container.decodeIfPresent(String.self, forKey: .traefikLogsFile)
        accessLogsFile = try container.decodeIfPresent(String.self, forKey: .accessLogsFile)
        providersThrottleDuration = try container.decodeDurationIfPresent(forKey: .providersThrottleDuration)
            ?? defaults.providersThrottleDuration
        maxIdleConnsPerHost = try container.decodeIfPresent(Int.self, forKey: .maxIdleConnsPerHost)
            ?? defaults.maxIdleConnsPerHost
        port = try container.decodeIfPresent(String.self, forKey: .port)
        rootCAs = try container.decodeIfPresent([String].self, forKey: .rootCAs) ?? []
        insecureSkipVerify = try container.decodeIfPresent(Bool.self, forKey: .insecureSkipVerify) ?? false
        file = try container.decodeIfPresent(FileProviderConfig.self, forKey: .file)
        web = try container.decodeIfPresent(WebProviderConfig.self, forKey: .web)
        docker = try container.decodeIfPresent(DockerProviderConfig.self, forKey: .docker)
        marathon = try container.decodeIfPresent(MarathonProviderConfig.self, forKey: .marathon)
        consul = try container.decodeIfPresent(KVProviderConfig.self, forKey: .consul)
        consulCatalog = try container.decodeIfPresent(ConsulCatalogProviderConfig.self, forKey: .consulCatalog)
        etcd = try container.decodeIfPresent(KVProviderConfig.self, forKey: .etcd)
        zookeeper = try container.decodeIfPresent(KVProviderConfig.self, forKey: .zookeeper)
        boltdb = try container.decodeIfPresent(KVProviderConfig.self, forKey: .boltdb)
    }

    /// Durations are written as Go duration strings, which decode back to the same value.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(entryPoints, forKey: .entryPoints)
        try container.encode(defaultEntryPoints, forKey: .defaultEntryPoints)
        try container.encode(GoDuration.format(graceTimeOut), forKey: .graceTimeOut)
        try container.encode(logLevel, forKey: .logLevel)
        try container.encodeIfPresent(traefikLogsFile, forKey: .traefikLogsFile)
        try container.encodeIfPresent(accessLogsFile, forKey: .accessLogsFile)
        try container.encode(GoDuration.format(providersThrottleDuration), forKey: .providersThrottleDuration)
        try container.encode(maxIdleConnsPerHost, forKey: .maxIdleConnsPerHost)
        try container.encodeIfPresent(port, forKey: .port)
        if !rootCAs.isEmpty { try container.encode(rootCAs, forKey: .rootCAs) }
        if insecureSkipVerify { try container.encode(insecureSkipVerify, forKey: .insecureSkipVerify) }
        try container.encodeIfPresent(file, forKey: .file)
        try container.encodeIfPresent(web, forKey: .web)
        try container.encodeIfPresent(docker, forKey: .docker)
        try container.encodeIfPresent(marathon, forKey: .marathon)
        try container.encodeIfPresent(consul, forKey: .consul)
        try container.encodeIfPresent(consulCatalog, forKey: .consulCatalog)
        try container.encodeIfPresent(etcd, forKey: .etcd)
        try container.encodeIfPresent(zookeeper, forKey: .zookeeper)
        try container.encodeIfPresent(boltdb, forKey: .boltdb)
    }
}

public struct EntryPointConfig: Codable, Sendable, Equatable {
    /// Parse with `ListenAddress.parse`.
    public var address: String
    /// TLS is on only when at least one certificate is configured (spec §3.2).
    public var tls: TLSConfig?
    public var redirect: RedirectConfig?
    /// Connection and request limits (keys of the entry point's own table).
    public var limits: EntryPointLimits

    public init(
        address: String = ":80", tls: TLSConfig? = nil, redirect: RedirectConfig? = nil,
        limits: EntryPointLimits = EntryPointLimits()
    ) {
        self.address = address
        self.tls = tls
        self.redirect = redirect
        self.limits = limits
    }

    enum CodingKeys: String, CodingKey {
        case address, tls, redirect
        case maxConnections, maxRequestLineBytes, maxHeaderBytes, maxHeaderLines, readHeaderTimeout, idleTimeout
        case bodyIdleTimeout, responseHeaderTimeout
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        address = try container.decodeIfPresent(String.self, forKey: .address) ?? ":80"
        tls = try container.decodeIfPresent(TLSConfig.self, forKey: .tls)
        redirect = try container.decodeIfPresent(RedirectConfig.self, forKey: .redirect)
        limits = try EntryPointLimits(reading: container)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(address, forKey: .address)
        try container.encodeIfPresent(tls, forKey: .tls)
        try container.encodeIfPresent(redirect, forKey: .redirect)
        try limits.encode(into: &container)
    }
}

public struct TLSConfig: Codable, Sendable, Equatable {
    public var certificates: [CertificateConfig]

    public init(certificates: [CertificateConfig] = []) {
        self.certificates = certificates
    }

    enum CodingKeys: String, CodingKey {
        case certificates
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        certificates = try container.decodeIfPresent([CertificateConfig].self, forKey: .certificates) ?? []
    }
}

public struct CertificateConfig: Codable, Sendable, Equatable {
    public var certFile: String
    public var keyFile: String

    public init(certFile: String, keyFile: String) {
        self.certFile = certFile
        self.keyFile = keyFile
    }

    enum CodingKeys: String, CodingKey {
        case certFile, keyFile
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        certFile = try container.decodeIfPresent(String.self, forKey: .certFile) ?? ""
        keyFile = try container.decodeIfPresent(String.self, forKey: .keyFile) ?? ""
    }
}

/// Either `entryPoint` (redirect to another entry point) or `regex` + `replacement`.
public struct RedirectConfig: Codable, Sendable, Equatable {
    public var entryPoint: String?
    public var regex: String?
    public var replacement: String?

    public init(entryPoint: String? = nil, regex: String? = nil, replacement: String? = nil) {
        self.entryPoint = entryPoint
        self.regex = regex
        self.replacement = replacement
    }

    enum CodingKeys: String, CodingKey {
        case entryPoint, regex, replacement
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        entryPoint = try container.decodeIfPresent(String.self, forKey: .entryPoint)
        regex = try container.decodeIfPresent(String.self, forKey: .regex)
        replacement = try container.decodeIfPresent(String.self, forKey: .replacement)
    }
}

public struct FileProviderConfig: Codable, Sendable, Equatable {
    /// nil: the rules live in the main configuration file.
    public var filename: String?
    public var watch: Bool

    /// `watch` defaults to true however the provider is enabled (decision D24; the original's TOML gave false).
    public init(filename: String? = nil, watch: Bool = true) {
        self.filename = filename
        self.watch = watch
    }

    enum CodingKeys: String, CodingKey {
        case filename, watch
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        filename = try container.decodeIfPresent(String.self, forKey: .filename)
        watch = try container.decodeIfPresent(Bool.self, forKey: .watch) ?? true
    }
}

extension KeyedDecodingContainer {
    /// A duration written as whole seconds (`10`, `"10"`), fractional seconds (`1.5`) or a Go
    /// duration string (`"10s"`, `"1m30s"`).
    func decodeDurationIfPresent(forKey key: Key) throws -> Duration? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let seconds = try? decode(Int.self, forKey: key) {
            return .seconds(seconds)
        }
        if let text = try? decode(String.self, forKey: key) {
            if let seconds = Int(text) { return .seconds(seconds) }
            do {
                return try GoDuration.parse(text)
            } catch {
                throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: error.description)
            }
        }
        if let seconds = try? decode(Double.self, forKey: key) {
            return .seconds(seconds)
        }
        throw DecodingError.typeMismatch(
            Duration.self,
            DecodingError.Context(
                codingPath: codingPath + [key],
                debugDescription: "expected seconds or a Go duration such as \"10s\""
            )
        )
    }
}

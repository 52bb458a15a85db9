/// One command-line flag of `traefik` (seed `traefik --help`): how it is spelled, what value it
/// takes, where the value lands in the configuration tree, and how the help shows it.
public struct LaunchFlag: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A bare boolean that enables a provider section: `--docker` gives an empty `docker`
        /// table, `--docker=false` removes the section (also the file's).
        case section
        /// `--docker.watch`, `--docker.watch=false`.
        case bool
        case string
        /// A string that must be a listen address such as `:8080` or `127.0.0.1:80`.
        case address
        case int
        /// Whole seconds (`10`) or a Go duration (`1m30s`), kept as written.
        case duration
        /// Comma-separated names; a repeated flag appends (`--defaultEntryPoints http,https`).
        case list
        /// The `--entryPoints` grammar (`Name:http Address::80 …`); repeatable.
        case entryPoints
    }

    /// The long name, without the dashes: `docker.endpoint`.
    public var name: String
    public var shorthand: Character?
    public var kind: Kind
    /// The value's name in the help (`string`, `duration`, `value`); empty for booleans.
    public var valueName: String
    /// The default as the help shows it, unquoted; nil when the help shows none.
    public var defaultValue: String?
    public var usage: String
    /// Where the value lands in the configuration tree, dotted (`web.certFile`); nil for
    /// `configFile`, which names the file instead of configuring anything in it.
    public var keyPath: String?

    /// - Parameters:
    ///   - keyPath: where the value lands when that is not `name`.
    ///   - namesConfigFile: the flag names the configuration file and lands nowhere in the tree.
    public init(_ name: String, shorthand: Character? = nil, kind: Kind, valueName: String? = nil,
                defaultValue: String? = nil, usage: String, keyPath: String? = nil, namesConfigFile: Bool = false) {
        self.name = name
        self.shorthand = shorthand
        self.kind = kind
        self.valueName = valueName ?? kind.helpValueName
        self.defaultValue = defaultValue
        self.usage = usage
        self.keyPath = namesConfigFile ? nil : keyPath ?? name
    }

    /// Whether the flag needs a value (`--logLevel DEBUG`) rather than being a bare boolean.
    public var takesValue: Bool {
        kind != .section && kind != .bool
    }
}

extension LaunchFlag.Kind {
    var helpValueName: String {
        switch self {
        case .section, .bool: ""
        case .string, .address: "string"
        case .int: "int"
        case .duration: "duration"
        case .list, .entryPoints: "value"
        }
    }
}

extension LaunchFlags {
    static let templateUsage = "Override default configuration template. For advanced users :)"
    static let watchUsage = "Watch provider"
    static let kvPrefixUsage = "Prefix used for KV store"

    /// Every flag of the seed's `traefik --help`, plus `--web.certFile` (the corrected spelling of
    /// `--web.cerFile`) and `--threads` (this implementation's event-loop count).
    public static let all: [LaunchFlag] = [
        LaunchFlag("accessLogsFile", kind: .string, usage: "Access logs file (default: no access log)"),
        LaunchFlag("configFile", shorthand: "c", kind: .string,
                   usage: "Configuration file to use (TOML, JSON, YAML, HCL).", namesConfigFile: true),
        LaunchFlag("defaultEntryPoints", kind: .list, defaultValue: "http",
                   usage: "Entrypoints to be used by frontends that do not specify any entrypoint"),
        LaunchFlag("entryPoints", kind: .entryPoints,
                   usage: "Entrypoints definition using format: --entryPoints='Name:http Address::8000 "
                       + "Redirect.EntryPoint:https' --entryPoints='Name:https Address::4442 "
                       + "TLS:tests/traefik.crt,tests/traefik.key'"),
        LaunchFlag("graceTimeOut", shorthand: "g", kind: .duration, valueName: "string", defaultValue: "10",
                   usage: "Timeout in seconds. Duration to give active requests a chance to finish during hot-reloads"),
        LaunchFlag("logLevel", shorthand: "l", kind: .string, defaultValue: "ERROR", usage: "Log level"),
        LaunchFlag("maxIdleConnsPerHost", kind: .int,
                   usage: "If non-zero, controls the maximum idle (keep-alive) to keep per-host.  "
                       + "If zero, DefaultMaxIdleConnsPerHost is used"),
        LaunchFlag("port", shorthand: "p", kind: .address, defaultValue: ":80", usage: "Reverse proxy port"),
        LaunchFlag("providersThrottleDuration", kind: .duration, defaultValue: "2s",
                   usage: "Backends throttle duration: minimum duration between 2 events from providers before "
                       + "applying a new configuration. It avoids unnecessary reloads if multiples events are "
                       + "sent in a short amount of time."),
        LaunchFlag("threads", kind: .int, usage: "Event-loop threads of the data path (default: one per core)"),
        LaunchFlag("traefikLogsFile", kind: .string, usage: "Traefik logs file (default: standard error)"),

        LaunchFlag("web", kind: .section, usage: "Enable Web backend"),
        LaunchFlag("web.address", kind: .address, defaultValue: ":8080", usage: "Web administration port"),
        LaunchFlag("web.cerFile", kind: .string, usage: "SSL certificate (the original spelling of --web.certFile)",
                   keyPath: "web.certFile"),
        LaunchFlag("web.certFile", kind: .string, usage: "SSL certificate"),
        LaunchFlag("web.keyFile", kind: .string, usage: "SSL key"),
        LaunchFlag("web.readOnly", kind: .bool, usage: "Enable read only API"),

        LaunchFlag("file", kind: .section, usage: "Enable File backend"),
        LaunchFlag("file.filename", kind: .string, usage: templateUsage),
        LaunchFlag("file.watch", kind: .bool, defaultValue: "true", usage: watchUsage),

        LaunchFlag("docker", kind: .section, usage: "Enable Docker backend"),
        LaunchFlag("docker.domain", kind: .string, usage: "Default domain used"),
        LaunchFlag("docker.endpoint", kind: .string, defaultValue: "unix:///var/run/docker.sock",
                   usage: "Docker server endpoint. Can be a tcp or a unix socket endpoint"),
        LaunchFlag("docker.filename", kind: .string, usage: templateUsage),
        LaunchFlag("docker.tls", kind: .section, usage: "Enable Docker TLS support"),
        LaunchFlag("docker.tls.ca", kind: .string, usage: "TLS CA"),
        LaunchFlag("docker.tls.cert", kind: .string, usage: "TLS cert"),
        LaunchFlag("docker.tls.insecureSkipVerify", kind: .bool, usage: "TLS insecure skip verify"),
        LaunchFlag("docker.tls.key", kind: .string, usage: "TLS key"),
        LaunchFlag("docker.watch", kind: .bool, defaultValue: "true", usage: watchUsage),

        LaunchFlag("marathon", kind: .section, usage: "Enable Marathon backend"),
        LaunchFlag("marathon.domain", kind: .string, usage: "Default domain used"),
        LaunchFlag("marathon.endpoint", kind: .string, defaultValue: "http://127.0.0.1:8080",
                   usage: "Marathon server endpoint. You can also specify multiple endpoint for Marathon"),
        LaunchFlag("marathon.filename", kind: .string, usage: templateUsage),
        LaunchFlag("marathon.networkInterface", kind: .string, defaultValue: "eth0",
                   usage: "Network interface used to call Marathon web services. "
                       + "Needed in case of multiple network interfaces"),
        LaunchFlag("marathon.watch", kind: .bool, defaultValue: "true", usage: watchUsage),

        LaunchFlag("consul", kind: .section, usage: "Enable Consul backend"),
        LaunchFlag("consul.endpoint", kind: .string, defaultValue: "127.0.0.1:8500", usage: "Consul server endpoint"),
        LaunchFlag("consul.filename", kind: .string, usage: templateUsage),
        LaunchFlag("consul.prefix", kind: .string, defaultValue: "/traefik", usage: kvPrefixUsage),
        LaunchFlag("consul.watch", kind: .bool, defaultValue: "true", usage: watchUsage),

        LaunchFlag("consulCatalog", kind: .section, usage: "Enable Consul catalog backend"),
        LaunchFlag("consulCatalog.domain", kind: .string, usage: "Default domain used"),
        LaunchFlag("consulCatalog.endpoint", kind: .string, defaultValue: "127.0.0.1:8500",
                   usage: "Consul server endpoint"),

        LaunchFlag("etcd", kind: .section, usage: "Enable Etcd backend"),
        LaunchFlag("etcd.endpoint", kind: .string, defaultValue: "127.0.0.1:4001", usage: "Etcd server endpoint"),
        LaunchFlag("etcd.filename", kind: .string, usage: templateUsage),
        LaunchFlag("etcd.prefix", kind: .string, defaultValue: "/traefik", usage: kvPrefixUsage),
        LaunchFlag("etcd.version", kind: .string, defaultValue: "v2",
                   usage: "Etcd API: v2 (keys API) or v3 (JSON gateway of etcd 3)"),
        LaunchFlag("etcd.watch", kind: .bool, defaultValue: "true", usage: watchUsage),

        LaunchFlag("zookeeper", kind: .section, usage: "Enable Zookeeper backend"),
        LaunchFlag("zookeeper.endpoint", kind: .string, defaultValue: "127.0.0.1:2181",
                   usage: "Zookeeper server endpoint"),
        LaunchFlag("zookeeper.filename", kind: .string, usage: templateUsage),
        LaunchFlag("zookeeper.prefix", kind: .string, defaultValue: "/traefik", usage: kvPrefixUsage),
        LaunchFlag("zookeeper.watch", kind: .bool, defaultValue: "true", usage: watchUsage),

        LaunchFlag("boltdb", kind: .section, usage: "Enable Boltdb backend"),
        LaunchFlag("boltdb.endpoint", kind: .string, defaultValue: "127.0.0.1:4001", usage: "Boltdb server endpoint"),
        LaunchFlag("boltdb.filename", kind: .string, usage: templateUsage),
        LaunchFlag("boltdb.prefix", kind: .string, defaultValue: "/traefik", usage: kvPrefixUsage),
        LaunchFlag("boltdb.watch", kind: .bool, defaultValue: "true", usage: watchUsage),
    ]

    /// The provider sections, in the order the seed documents them.
    public static let providerNames = ["file", "web", "docker", "marathon", "consul", "consulCatalog", "etcd",
                                       "zookeeper", "boltdb"]
}

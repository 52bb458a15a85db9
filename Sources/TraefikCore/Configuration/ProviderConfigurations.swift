// Provider sections of the launch configuration (seed `--help`, spec §2.4, §9–§12A).
// Unset keys take the documented defaults however the provider is enabled (decision D24): see `resolved…`.

/// `[web]`: the REST API, health and dashboard (spec §9).
public struct WebProviderConfig: Codable, Sendable, Equatable {
    public var address: String?
    public var certFile: String?
    public var keyFile: String?
    public var readOnly: Bool?

    public init(address: String? = nil, certFile: String? = nil, keyFile: String? = nil, readOnly: Bool? = nil) {
        self.address = address
        self.certFile = certFile
        self.keyFile = keyFile
        self.readOnly = readOnly
    }

    public var resolvedAddress: String { address ?? ":8080" }
}

/// `[docker]` (spec §10).
public struct DockerProviderConfig: Codable, Sendable, Equatable {
    public var endpoint: String?
    public var domain: String?
    public var watch: Bool?
    public var filename: String?
    public var tls: DockerTLSConfig?

    public init(endpoint: String? = nil, domain: String? = nil, watch: Bool? = nil, filename: String? = nil, tls: DockerTLSConfig? = nil) {
        self.endpoint = endpoint
        self.domain = domain
        self.watch = watch
        self.filename = filename
        self.tls = tls
    }

    public var resolvedEndpoint: String { endpoint ?? "unix:///var/run/docker.sock" }
    public var resolvedWatch: Bool { watch ?? true }
}

public struct DockerTLSConfig: Codable, Sendable, Equatable {
    public var ca: String?
    public var cert: String?
    public var key: String?
    public var insecureSkipVerify: Bool?
}

/// `[marathon]` (spec §11).
public struct MarathonProviderConfig: Codable, Sendable, Equatable {
    public var endpoint: String?
    public var domain: String?
    public var networkInterface: String?
    public var watch: Bool?
    public var filename: String?
    /// `[marathon.basic]`: HTTP basic authentication on every Marathon request.
    public var basic: MarathonBasicAuthConfig?
    /// `[marathon.TLS]`: only `insecureSkipVerify` is meaningful (spec §11.1); used for `https://` endpoints.
    public var tls: MarathonTLSConfig?

    public var resolvedEndpoint: String { endpoint ?? "http://127.0.0.1:8080" }
    public var resolvedNetworkInterface: String { networkInterface ?? "eth0" }
    public var resolvedWatch: Bool { watch ?? true }
}

public struct MarathonBasicAuthConfig: Codable, Sendable, Equatable {
    public var httpBasicAuthUser: String?
    public var httpBasicPassword: String?
}

public struct MarathonTLSConfig: Codable, Sendable, Equatable {
    public var insecureSkipVerify: Bool?
}

/// `[consul]`, `[etcd]`, `[zookeeper]`, `[boltdb]` (spec §12).
public struct KVProviderConfig: Codable, Sendable, Equatable {
    public var endpoint: String?
    public var prefix: String?
    public var watch: Bool?
    public var filename: String?
    /// etcd only: `v2` (the keys API, default) or `v3` (the JSON gateway of etcd 3).
    public var version: String?

    /// The documented default endpoint of each store.
    public static func defaultEndpoint(store: String) -> String {
        switch store {
        case "consul": "127.0.0.1:8500"
        case "zookeeper": "127.0.0.1:2181"
        default: "127.0.0.1:4001"  // etcd, boltdb
        }
    }

    public func resolvedEndpoint(store: String) -> String { endpoint ?? Self.defaultEndpoint(store: store) }
    public var resolvedPrefix: String { prefix ?? "/traefik" }
    public var resolvedWatch: Bool { watch ?? true }
}

/// `[consulCatalog]` (spec §12A).
public struct ConsulCatalogProviderConfig: Codable, Sendable, Equatable {
    public var endpoint: String?
    public var domain: String?
    /// A Go template replacing the built-in one (not in the seed; the same option as the other providers).
    public var filename: String?

    public var resolvedEndpoint: String { endpoint ?? "127.0.0.1:8500" }
}

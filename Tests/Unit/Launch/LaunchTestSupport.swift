@testable import ConfigFormats

/// The node at a dotted path (`docker.tls.ca`), keys matched as the decoder does.
func nodeAt(_ root: ConfigNode, _ path: String) -> ConfigNode? {
    var current: ConfigNode? = root
    for key in path.split(separator: ".") {
        current = current?[String(key)]
    }
    return current
}

/// The tree without positions, to compare trees read from different formats.
func withoutPositions(_ node: ConfigNode) -> ConfigNode {
    switch node.value {
    case .table(let entries):
        ConfigNode(.table(entries.map { ConfigNode.Entry(key: $0.key, node: withoutPositions($0.node)) }))
    case .array(let elements):
        ConfigNode(.array(elements.map(withoutPositions)))
    default:
        ConfigNode(node.value)
    }
}

/// Every flag of the seed's `traefik --help`, by name.
let seedFlagNames = [
    "accessLogsFile", "boltdb", "boltdb.endpoint", "boltdb.filename", "boltdb.prefix", "boltdb.watch",
    "configFile", "consul", "consul.endpoint", "consul.filename", "consul.prefix", "consul.watch",
    "consulCatalog", "consulCatalog.domain", "consulCatalog.endpoint", "defaultEntryPoints", "docker",
    "docker.domain", "docker.endpoint", "docker.filename", "docker.tls", "docker.tls.ca", "docker.tls.cert",
    "docker.tls.insecureSkipVerify", "docker.tls.key", "docker.watch", "entryPoints", "etcd", "etcd.endpoint",
    "etcd.filename", "etcd.prefix", "etcd.watch", "file", "file.filename", "file.watch", "graceTimeOut",
    "logLevel", "marathon", "marathon.domain", "marathon.endpoint", "marathon.filename",
    "marathon.networkInterface", "marathon.watch", "maxIdleConnsPerHost", "port", "providersThrottleDuration",
    "traefikLogsFile", "web", "web.address", "web.cerFile", "web.keyFile", "web.readOnly", "zookeeper",
    "zookeeper.endpoint", "zookeeper.filename", "zookeeper.prefix", "zookeeper.watch",
]

/// A small model of the launch configuration, providers included, for comparing what the formats and
/// the flags decode to.
struct LaunchModel: Decodable, Equatable {
    struct Certificate: Decodable, Equatable {
        var certFile: String
        var keyFile: String
    }

    struct TLS: Decodable, Equatable {
        var certificates: [Certificate]
    }

    struct Redirect: Decodable, Equatable {
        var entryPoint: String?
        var regex: String?
        var replacement: String?
    }

    struct EntryPoint: Decodable, Equatable {
        var address: String?
        var tls: TLS?
        var redirect: Redirect?
    }

    struct DockerTLS: Decodable, Equatable {
        var ca: String?
        var insecureSkipVerify: Bool?
    }

    struct Docker: Decodable, Equatable {
        var endpoint: String?
        var domain: String?
        var watch: Bool?
        var tls: DockerTLS?
    }

    struct Web: Decodable, Equatable {
        var address: String?
        var certFile: String?
        var readOnly: Bool?
    }

    struct File: Decodable, Equatable {
        var filename: String?
        var watch: Bool?
    }

    var entryPoints: [String: EntryPoint]?
    var defaultEntryPoints: [String]?
    var logLevel: String?
    var graceTimeOut: String?
    var maxIdleConnsPerHost: Int?
    var docker: Docker?
    var web: Web?
    var file: File?
}

/// Decodes with a fresh `ConfigDecoder`.
func decodeValue<T: Decodable>(_ type: T.Type, from tree: ConfigNode) throws(ConfigError) -> T {
    var decoder = ConfigDecoder()
    return try decoder.decode(type, from: tree)
}

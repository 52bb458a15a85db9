import ConfigFormats

/// The `traefik.toml` example of the seed documentation's "File backend" section, verbatim, and
/// Decodable structs mirroring it with Swift-style key spellings (the file mixes `CertFile`,
/// `circuitbreaker`, `LoadBalancer`, `entrypoints`).
enum FormatsSeedExample {
    static let toml = #"""
    # traefik.toml
    defaultEntryPoints = ["http", "https"]
    [entryPoints]
      [entryPoints.http]
      address = ":80"
        [entryPoints.http.redirect]
          entryPoint = "https"
      [entryPoints.https]
      address = ":443"
        [entryPoints.https.tls]
          [[entryPoints.https.tls.certificates]]
          CertFile = "integration/fixtures/https/snitest.com.cert"
          KeyFile = "integration/fixtures/https/snitest.com.key"
          [[entryPoints.https.tls.certificates]]
          CertFile = "integration/fixtures/https/snitest.org.cert"
          KeyFile = "integration/fixtures/https/snitest.org.key"
    graceTimeOut = 10
    logLevel = "DEBUG"

    [file]

    # rules
    [backends]
      [backends.backend1]
        [backends.backend1.circuitbreaker]
          expression = "NetworkErrorRatio() > 0.5"
        [backends.backend1.servers.server1]
        url = "http://172.17.0.2:80"
        weight = 10
        [backends.backend1.servers.server2]
        url = "http://172.17.0.3:80"
        weight = 1
      [backends.backend2]
        [backends.backend2.LoadBalancer]
          method = "drr"
        [backends.backend2.servers.server1]
        url = "http://172.17.0.4:80"
        weight = 1
        [backends.backend2.servers.server2]
        url = "http://172.17.0.5:80"
        weight = 2

    [frontends]
      [frontends.frontend1]
      backend = "backend2"
        [frontends.frontend1.routes.test_1]
        rule = "Host"
        value = "test.localhost"
      [frontends.frontend2]
      backend = "backend1"
      passHostHeader = true
      entrypoints = ["https"] # overrides defaultEntryPoints
        [frontends.frontend2.routes.test_1]
        rule = "Host"
        value = "{subdomain:[a-z]+}.localhost"
      [frontends.frontend3]
      entrypoints = ["http", "https"] # overrides defaultEntryPoints
      backend = "backend2"
        rule = "Path"
        value = "/test"
    """#

    struct File: Decodable, Equatable {
        var defaultEntryPoints: [String]
        var entryPoints: [String: EntryPoint]
        var graceTimeOut: Int?
        var logLevel: String?
        var file: FileProvider?
        var backends: [String: Backend]
        var frontends: [String: Frontend]
    }

    struct EntryPoint: Decodable, Equatable {
        var address: String
        var redirect: Redirect?
        var tls: TLS?
    }

    struct Redirect: Decodable, Equatable {
        var entryPoint: String
    }

    struct TLS: Decodable, Equatable {
        var certificates: [Certificate]
    }

    struct Certificate: Decodable, Equatable {
        var certFile: String
        var keyFile: String
    }

    struct FileProvider: Decodable, Equatable {
        var filename: String?
        var watch: Bool?
    }

    struct Backend: Decodable, Equatable {
        var circuitBreaker: CircuitBreaker?
        var loadBalancer: LoadBalancer?
        var servers: [String: Server]
    }

    struct CircuitBreaker: Decodable, Equatable {
        var expression: String
    }

    struct LoadBalancer: Decodable, Equatable {
        var method: String
    }

    struct Server: Decodable, Equatable {
        var url: String
        var weight: Int
    }

    struct Frontend: Decodable, Equatable {
        var backend: String
        var passHostHeader: Bool?
        var entryPoints: [String]?
        var routes: [String: Route]?
    }

    struct Route: Decodable, Equatable {
        var rule: String
        var value: String
    }

    /// Paths of the nodes under `node` that carry no position.
    static func unpositionedPaths(in node: ConfigNode, at path: String = "") -> [String] {
        var missing = node.position == nil ? [path] : []
        switch node.value {
        case .table(let entries):
            for entry in entries {
                missing += unpositionedPaths(in: entry.node, at: path + "." + entry.key)
            }
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                missing += unpositionedPaths(in: element, at: path + "[\(index)]")
            }
        case .bool, .int, .double, .string:
            break
        }
        return missing
    }
}

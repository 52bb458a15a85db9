import TraefikCore

/// The shape of a configuration tree, as far as typo detection needs it.
public indirect enum ConfigSchema: Sendable {
    /// A scalar or a list of scalars.
    case value
    /// Known keys, matched ignoring case.
    case table([(key: String, schema: ConfigSchema)])
    /// Keys the user names (entry point names), each holding the same shape.
    case map(ConfigSchema)
    /// An array of elements of one shape.
    case list(ConfigSchema)
    /// Not checked here (the routes under `backends` and `frontends` belong to the file provider).
    case unchecked
}

/// Checks on the merged launch configuration tree that decoding alone does not make: unknown keys
/// with a "did you mean", malformed listen addresses, and providers this version lacks. Every problem
/// is one `ConfigError`, printed as `traefik.toml:3:5: entryPoints.http.adress: unknown key (did you mean address?)`.
public enum LaunchKeys {
    /// Every key of the launch configuration: the global options (spec §2.3), entry points (§3),
    /// the routes (unchecked) and the provider sections with the keys the seed documents.
    public static let schema: ConfigSchema = {
        let kvStore: ConfigSchema = .table([("endpoint", .value), ("prefix", .value), ("watch", .value),
                                            ("filename", .value)])
        let certificate: ConfigSchema = .table([("certFile", .value), ("keyFile", .value)])
        let entryPoint: ConfigSchema = .table([
            ("address", .value),
            ("tls", .table([("certificates", .list(certificate))])),
            ("redirect", .table([("entryPoint", .value), ("regex", .value), ("replacement", .value)])),
            ("maxConnections", .value), ("maxRequestLineBytes", .value), ("maxHeaderBytes", .value),
            ("maxHeaderLines", .value), ("readHeaderTimeout", .value), ("idleTimeout", .value),
            ("bodyIdleTimeout", .value), ("responseHeaderTimeout", .value),
        ])
        return .table([
            ("entryPoints", .map(entryPoint)),
            ("defaultEntryPoints", .value),
            ("graceTimeOut", .value),
            ("logLevel", .value),
            ("traefikLogsFile", .value),
            ("accessLogsFile", .value),
            ("providersThrottleDuration", .value),
            ("maxIdleConnsPerHost", .value),
            ("port", .value),
            ("rootCAs", .value),
            ("insecureSkipVerify", .value),
            ("backends", .unchecked),
            ("frontends", .unchecked),
            ("file", .table([("filename", .value), ("watch", .value)])),
            ("web", .table([("address", .value), ("certFile", .value), ("keyFile", .value), ("readOnly", .value)])),
            ("docker", .table([
                ("endpoint", .value), ("domain", .value), ("watch", .value), ("filename", .value),
                ("tls", .table([("ca", .value), ("cert", .value), ("key", .value), ("insecureSkipVerify", .value)])),
            ])),
            ("marathon", .table([
                ("endpoint", .value), ("domain", .value), ("networkInterface", .value), ("watch", .value),
                ("filename", .value),
                ("basic", .table([("httpBasicAuthUser", .value), ("httpBasicPassword", .value)])),
                ("tls", .table([("insecureSkipVerify", .value)])),
            ])),
            ("consul", kvStore),
            ("consulCatalog", .table([("endpoint", .value), ("domain", .value), ("filename", .value)])),
            ("etcd", .table([("endpoint", .value), ("prefix", .value), ("watch", .value), ("filename", .value),
                             ("version", .value)])),
            ("zookeeper", kvStore),
            ("boltdb", kvStore),
        ])
    }()

    /// Keys of `tree` that `schema` does not know, each with the nearest known sibling as a hint.
    /// Meant for a file's tree: flags are checked when they are parsed.
    ///
    /// - Parameter unusedKeyPaths: `ConfigDecoder.unusedKeyPaths` of the decode of `tree`; when
    ///   given, only keys the decoder did not read either are reported, so a key the model reads
    ///   but this schema lacks is never flagged.
    public static func unknownKeyErrors(in tree: ConfigNode, unusedKeyPaths: [String]? = nil,
                                        schema: ConfigSchema = LaunchKeys.schema) -> [ConfigError] {
        var errors: [ConfigError] = []
        collectUnknownKeys(in: tree, schema: schema, path: [], into: &errors)
        guard let unusedKeyPaths else { return errors }
        return errors.filter { error in
            unusedKeyPaths.contains { unused in
                error.keyPath == unused || error.keyPath.hasPrefix(unused + ".") || error.keyPath.hasPrefix(unused + "[")
            }
        }
    }

    private static func collectUnknownKeys(in node: ConfigNode, schema: ConfigSchema,
                                           path: [ConfigPathComponent], into errors: inout [ConfigError]) {
        switch (schema, node.value) {
        case (.table(let fields), .table(let entries)):
            for entry in entries {
                let childPath = path + [.key(entry.key)]
                let folded = entry.key.lowercased()
                if let field = fields.first(where: { $0.key.lowercased() == folded }) {
                    collectUnknownKeys(in: entry.node, schema: field.schema, path: childPath, into: &errors)
                } else {
                    let hint = LaunchFlags.hint(Suggestions.nearest(to: entry.key, among: fields.map(\.key)))
                    errors.append(ConfigError(at: entry.node.position ?? node.position,
                                              keyPath: childPath.dottedKeyPath, message: "unknown key" + hint))
                }
            }
        case (.map(let element), .table(let entries)):
            for entry in entries {
                collectUnknownKeys(in: entry.node, schema: element, path: path + [.key(entry.key)], into: &errors)
            }
        case (.list(let element), .array(let elements)):
            for (index, child) in elements.enumerated() {
                collectUnknownKeys(in: child, schema: element, path: path + [.index(index)], into: &errors)
            }
        default:
            // Values of the wrong kind are the decoder's to report.
            break
        }
    }

    /// Listen addresses that do not parse: `entryPoints.*.address`, `web.address` and `port`.
    public static func addressErrors(in tree: ConfigNode) -> [ConfigError] {
        var candidates: [(path: [ConfigPathComponent], node: ConfigNode)] = []
        if case .table(let entryPoints)? = tree["entryPoints"]?.value {
            for entryPoint in entryPoints {
                guard case .table(let fields) = entryPoint.node.value,
                      let field = fields.first(where: { $0.key.lowercased() == "address" }) else { continue }
                candidates.append(([.key(key(of: "entryPoints", in: tree)), .key(entryPoint.key), .key(field.key)],
                                   field.node))
            }
        }
        if let web = tree["web"], let address = web["address"] {
            candidates.append(([.key(key(of: "web", in: tree)), .key(key(of: "address", in: web))], address))
        }
        if let port = tree["port"] { candidates.append(([.key(key(of: "port", in: tree))], port)) }
        return candidates.compactMap { candidate -> ConfigError? in
            guard case .string(let text) = candidate.node.value, let problem = addressProblem(text) else { return nil }
            return ConfigError(at: candidate.node.position, keyPath: candidate.path.dottedKeyPath,
                               message: "malformed address: \(problem)")
        }
    }

    private static func addressProblem(_ text: String) -> String? {
        do {
            _ = try ListenAddress.parse(text)
            return nil
        } catch {
            return error.description
        }
    }

    /// The tree's own spelling of `key`, for error paths.
    private static func key(of key: String, in node: ConfigNode) -> String {
        guard case .table(let entries) = node.value, let index = ConfigNode.entryIndex(of: key, in: entries) else {
            return key
        }
        return entries[index].key
    }
}

import ConfigFormats
import Foundation
import TraefikCore

/// The launch configuration and, when `[file]` is set, the routes it points at.
public struct LoadedConfiguration: Sendable {
    /// The file the static configuration came from; nil when none was found.
    public var configFile: String?
    public var staticConfiguration: StaticConfiguration
    /// Keys nobody reads (typos), as `file: key.path` lines for a warning.
    public var unusedKeys: [String]
}

public enum ConfigLoadError: Error, CustomStringConvertible {
    case invalid(ConfigError)
    case notFound(searched: [String])

    public var description: String {
        switch self {
        case .invalid(let error): "invalid configuration: \(error)"
        case .notFound(let searched): "no configuration file found (searched \(searched.joined(separator: ", ")))"
        }
    }
}

/// Finds, reads and decodes configuration files (seed "Launch configuration").
public enum ConfigLoader {
    /// `/etc/traefik/`, `$HOME/.traefik/`, then the working directory, as the seed documents.
    public static func searchPaths(home: String? = ProcessInfo.processInfo.environment["HOME"]) -> [String] {
        var paths = ["/etc/traefik/traefik.toml"]
        if let home { paths.append(home + "/.traefik/traefik.toml") }
        paths.append("./traefik.toml")
        return paths
    }

    /// Loads `explicitFile`, or the first file of `searchPaths()` that exists. With no file at all the defaults
    /// apply (decision D26); a named file that is missing or unreadable is an error.
    public static func loadStatic(explicitFile: String?) throws(ConfigLoadError) -> LoadedConfiguration {
        let file: String
        if let explicitFile {
            file = explicitFile
        } else if let found = searchPaths().first(where: { FileManager.default.isReadableFile(atPath: $0) }) {
            file = found
        } else {
            return LoadedConfiguration(configFile: nil, staticConfiguration: StaticConfiguration(), unusedKeys: [])
        }
        let node = try parse(file: file)
        var decoder = ConfigDecoder()
        do {
            let configuration = try decoder.decode(StaticConfiguration.self, from: node)
            let dynamicKeys: Set<String> = ["backends", "frontends"]
            let unused = decoder.unusedKeyPaths.filter { path in
                !dynamicKeys.contains(where: { path.lowercased().hasPrefix($0) })
            }
            return LoadedConfiguration(configFile: file, staticConfiguration: configuration, unusedKeys: unused)
        } catch {
            throw .invalid(error)
        }
    }

    static func parse(file: String) throws(ConfigLoadError) -> ConfigNode {
        do {
            return try ConfigFile.read(file)
        } catch {
            throw .invalid(error)
        }
    }
}

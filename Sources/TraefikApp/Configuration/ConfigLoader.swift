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
    public static func loadStatic(explicitFile: String?) throws(ConfigError) -> LoadedConfiguration {
        let file: String
        if let explicitFile {
            file = explicitFile
        } else if let found = searchPaths().first(where: { FileManager.default.isReadableFile(atPath: $0) }) {
            file = found
        } else {
            return LoadedConfiguration(configFile: nil, staticConfiguration: StaticConfiguration(), unusedKeys: [])
        }
        let node = try ConfigFile.read(file)
        var decoder = ConfigDecoder()
        let configuration = try decoder.decode(StaticConfiguration.self, from: node)
        // Routes are the file provider's to read; everything else nobody read is likely a typo.
        let dynamicKeys = ["backends", "frontends"]
        let unused = decoder.unusedKeyPaths.filter { path in
            !dynamicKeys.contains(where: { path.lowercased().hasPrefix($0) })
        }
        return LoadedConfiguration(configFile: file, staticConfiguration: configuration, unusedKeys: unused)
    }
}

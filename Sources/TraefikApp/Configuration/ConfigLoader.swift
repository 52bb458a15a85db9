import ConfigFormats
import Foundation
import TraefikCore

/// The launch configuration: file (if any) overlaid with the command line, decoded and checked.
public struct LoadedConfiguration: Sendable {
    /// The file the static configuration came from; nil when none was found.
    public var configFile: String?
    public var staticConfiguration: StaticConfiguration
    /// The merged tree (file, then flags), for settings outside the model such as `threads`.
    public var tree: ConfigNode
}

/// Finds, reads, merges and checks the launch configuration (seed "Launch configuration", issue 4).
public enum ConfigLoader {
    /// `/etc/traefik/`, `$HOME/.traefik/`, then the working directory, as the seed documents.
    public static func searchFolders(home: String? = ProcessInfo.processInfo.environment["HOME"]) -> [String] {
        var folders = ["/etc/traefik"]
        if let home { folders.append(home + "/.traefik") }
        folders.append(".")
        return folders
    }

    /// Precedence: arguments > file > defaults, key by key. Every problem is returned, one error each (unknown
    /// keys with a "did you mean", wrong types, bad addresses), so nothing starts
    /// half-configured. With no file at all the defaults apply (decision D26); a named file must exist.
    public static func load(flags: ParsedFlags) -> Result<LoadedConfiguration, ConfigProblems> {
        let file = flags.configFile ?? ConfigSource.find(in: searchFolders())
        var fileTree = ConfigNode.emptyTable
        if let file {
            do {
                fileTree = try ConfigFile.read(file)
            } catch {
                return .failure(ConfigProblems([error]))
            }
        }
        let tree = flags.applying(to: fileTree)
        var decoder = ConfigDecoder()
        let configuration: StaticConfiguration
        do {
            configuration = try decoder.decode(StaticConfiguration.self, from: tree)
        } catch {
            return .failure(ConfigProblems([error]))
        }
        var problems = LaunchKeys.unknownKeyErrors(in: fileTree, unusedKeyPaths: decoder.unusedKeyPaths)
        problems += LaunchKeys.addressErrors(in: tree)
        if LogLevelName.parse(configuration.logLevel) == nil {
            problems.append(
                ConfigError(
                    file: nil, keyPath: "logLevel", line: nil, column: nil,
                    message: "invalid log level \"\(configuration.logLevel)\" (DEBUG, INFO, WARN, ERROR, FATAL, PANIC)"))
        }
        guard problems.isEmpty else { return .failure(ConfigProblems(problems)) }
        return .success(LoadedConfiguration(configFile: file, staticConfiguration: configuration, tree: tree))
    }

    /// Loads a file alone (tests and tools): the same as `load` with no command-line flags.
    public static func loadStatic(explicitFile: String?) throws(ConfigProblems) -> LoadedConfiguration {
        var flags = ParsedFlags()
        flags.configFile = explicitFile
        switch load(flags: flags) {
        case .success(let loaded): return loaded
        case .failure(let problems): throw problems
        }
    }
}

/// Every problem found in a launch configuration, one line each.
public struct ConfigProblems: Error, CustomStringConvertible {
    public var errors: [ConfigError]

    public init(_ errors: [ConfigError]) { self.errors = errors }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

import Foundation

/// The configuration file formats, chosen by the file's extension (decision D25).
public enum ConfigSource {
    public enum Format: String, Sendable, CaseIterable {
        case toml, json, yaml, hcl
    }

    /// The extensions tried in each folder, in this order (D25).
    public static let searchExtensions = ["toml", "json", "yaml", "yml", "hcl"]

    /// The format an extension names (ignoring case); TOML for any other or no extension, since
    /// TOML is the documented format (`-c /dev/null` is a valid empty configuration).
    public static func format(ofFile path: String) -> Format {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return .toml }
        switch name[name.index(after: dot)...].lowercased() {
        case "json": return .json
        case "yaml", "yml": return .yaml
        case "hcl": return .hcl
        default: return .toml
        }
    }

    /// Parses `text` in the format `file`'s extension names; `file` also names positions in errors.
    public static func parse(text: String, file: String) throws(ConfigError) -> ConfigNode {
        switch format(ofFile: file) {
        case .toml: try TOMLSource.parse(text, file: file)
        case .json: try JSONSource.parse(text, file: file)
        case .yaml: try YAMLSource.parse(text, file: file)
        case .hcl: try HCLSource.parse(text, file: file)
        }
    }

    /// The paths looked for, in order: every extension of `searchExtensions` in the first folder,
    /// then in the next. Folders may end with a slash or not.
    public static func candidates(named name: String = "traefik", in folders: [String]) -> [String] {
        folders.flatMap { folder in
            let prefix = folder.hasSuffix("/") ? folder : folder + "/"
            return searchExtensions.map { prefix + name + "." + $0 }
        }
    }

    /// The first of `candidates(named:in:)` that is a readable file, or nil.
    public static func find(named name: String = "traefik", in folders: [String],
                            isReadable: (String) -> Bool = { FileManager.default.isReadableFile(atPath: $0) })
        -> String? {
        candidates(named: name, in: folders).first(where: isReadable)
    }
}

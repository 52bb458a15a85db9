import TraefikCore

/// Reads a TOML document into a `ConfigNode` tree whose nodes carry their line and column.
public enum TOMLSource {
    /// - Parameter file: the name used in positions and error messages, such as `traefik.toml`.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> ConfigNode {
        try TOMLParser.parse(text, file: file)
    }
}

import Foundation

/// Reads a configuration file into a `ConfigNode`, choosing the format by extension (D25).
public enum ConfigFile {
    public static func read(_ path: String) throws(ConfigError) -> ConfigNode {
        func failure(_ message: String) -> ConfigError {
            ConfigError(file: path, keyPath: "", line: nil, column: nil, message: message)
        }
        guard FileManager.default.fileExists(atPath: path) else { throw failure("no such file") }
        guard FileManager.default.isReadableFile(atPath: path) else { throw failure("permission denied") }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw failure("cannot read the file as UTF-8 text: \(error.localizedDescription)")
        }
        return try ConfigSource.parse(text: text, file: path)
    }
}

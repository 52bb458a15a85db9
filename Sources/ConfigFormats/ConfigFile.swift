import Foundation

/// Reads a configuration file into a `ConfigNode`, choosing the format by extension (`.json`, else TOML).
public enum ConfigFile {
    public static func read(_ path: String) throws(ConfigError) -> ConfigNode {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(file: path, keyPath: "", line: nil, column: nil, message: "cannot read the file: \(reason(error))")
        }
        if path.lowercased().hasSuffix(".json") { return try JSONSource.parse(text, file: path) }
        return try TOMLSource.parse(text, file: path)
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
            let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(code.rawValue))
        }
        return nsError.localizedDescription
    }
}

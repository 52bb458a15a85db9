import TraefikCore

/// A hand-written scanner over configuration text (JSON, HCL) that tracks where it is, so every
/// node and every syntax error carries its line and column. Columns count characters, not bytes.
protocol SourceScanning {
    var bytes: [UInt8] { get }
    var file: String { get }
    var offset: Int { get set }
    var line: Int { get set }
    var column: Int { get set }
}

extension SourceScanning {
    var currentPosition: SourcePosition { SourcePosition(file: file, line: line, column: column) }

    func peek(at distance: Int = 0) -> UInt8? {
        offset + distance < bytes.count ? bytes[offset + distance] : nil
    }

    /// Moves past `count` bytes; UTF-8 continuation bytes add no column.
    mutating func advance(_ count: Int = 1) {
        for _ in 0..<count where offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
    }

    func syntaxError(_ message: String) -> ConfigError {
        ConfigError(at: currentPosition, keyPath: "", message: message)
    }
}

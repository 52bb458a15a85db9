import TraefikCore

/// Finds where every key and array element of a TOML document is written. TOMLKit gives values
/// but no positions (and returns keys sorted), so this scanner walks the text once more, after
/// TOMLKit has accepted it, and maps each key path to the line and column of its key.
///
/// It understands table headers `[a.b]`, arrays of tables `[[a.b]]` (each header adds an index),
/// dotted and quoted keys, inline tables and arrays. It assumes the document is valid TOML.
struct TOMLPositionScanner: SourceScanning {
    typealias Path = [ConfigPathComponent]

    let bytes: [UInt8]
    let file: String
    var offset = 0
    var line = 1
    var column = 1
    private var positions: [Path: SourcePosition] = [:]
    /// Paths whose position comes from their own definition rather than from a longer key that
    /// created them implicitly; a later explicit definition replaces an implicit position.
    private var explicitlyDefined: Set<Path> = []
    private var arrayOfTablesCounts: [Path: Int] = [:]
    private var currentTable: Path = []

    static func positions(in text: String, file: String) -> [Path: SourcePosition] {
        var scanner = TOMLPositionScanner(bytes: Array(text.utf8), file: file)
        scanner.scanDocument()
        return scanner.positions
    }

    private init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    // MARK: Document structure

    private mutating func scanDocument() {
        while offset < bytes.count {
            let start = offset
            skipBlanks()
            switch peek() {
            case nil: return
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"): advance()
            case UInt8(ascii: "#"): skipComment()
            case UInt8(ascii: "["): scanTableHeader()
            default: scanKeyValue(in: currentTable)
            }
            if offset == start { advance() }  // never stall on text TOMLKit accepted but we misread
        }
    }

    private mutating func scanTableHeader() {
        advance()
        let isArrayOfTables = peek() == UInt8(ascii: "[")
        if isArrayOfTables { advance() }
        let keys = scanKey()
        skipBlanks()
        if peek() == UInt8(ascii: "]") { advance() }
        if isArrayOfTables, peek() == UInt8(ascii: "]") { advance() }

        var resolved: Path = []
        for (index, (key, position)) in keys.enumerated() {
            resolved.append(.key(key))
            let isLast = index == keys.count - 1
            if isLast && isArrayOfTables {
                record(resolved, at: position, explicit: false)
                let count = arrayOfTablesCounts[resolved, default: 0]
                arrayOfTablesCounts[resolved] = count + 1
                resolved.append(.index(count))
                record(resolved, at: position, explicit: true)
            } else {
                record(resolved, at: position, explicit: isLast)
                // A header through an array of tables addresses its latest element.
                if !isLast, let count = arrayOfTablesCounts[resolved] { resolved.append(.index(count - 1)) }
            }
        }
        currentTable = resolved
    }

    private mutating func scanKeyValue(in table: Path) {
        let keys = scanKey()
        guard !keys.isEmpty else { return }
        skipBlanks()
        guard peek() == UInt8(ascii: "=") else { return }
        advance()
        skipBlanks()
        var path = table
        for (index, (key, position)) in keys.enumerated() {
            path.append(.key(key))
            record(path, at: position, explicit: index == keys.count - 1)
        }
        scanValue(at: path)
    }

    private mutating func scanValue(at path: Path) {
        switch peek() {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            skipStringValue()
        case UInt8(ascii: "["):
            advance()
            var index = 0
            while peek() != nil {
                let start = offset
                skipBlanksNewlinesAndComments()
                switch peek() {
                case nil:
                    return
                case UInt8(ascii: "]"):
                    advance()
                    return
                case UInt8(ascii: ","):
                    advance()
                default:
                    let elementPath = path + [.index(index)]
                    record(elementPath, at: currentPosition, explicit: true)
                    scanValue(at: elementPath)
                    index += 1
                }
                if offset == start { return }
            }
        case UInt8(ascii: "{"):
            advance()
            while peek() != nil {
                let start = offset
                skipBlanksNewlinesAndComments()
                switch peek() {
                case UInt8(ascii: "}"):
                    advance()
                    return
                case UInt8(ascii: ","):
                    advance()
                default:
                    scanKeyValue(in: path)
                }
                if offset == start { return }
            }
        default:
            skipBareValue()
        }
    }

    // MARK: Keys

    /// A possibly dotted key, each part with the position of its first character.
    private mutating func scanKey() -> [(String, SourcePosition)] {
        var keys: [(String, SourcePosition)] = []
        while true {
            skipBlanks()
            let position = currentPosition
            let start = offset
            let key: String
            switch peek() {
            case UInt8(ascii: "\""): key = readBasicString()
            case UInt8(ascii: "'"): key = readLiteralString()
            default: key = readBareKey()
            }
            guard offset > start else { return keys }
            keys.append((key, position))
            skipBlanks()
            guard peek() == UInt8(ascii: ".") else { return keys }
            advance()
        }
    }

    private mutating func readBareKey() -> String {
        var key: [UInt8] = []
        while let byte = peek(), Self.isBareKeyByte(byte) {
            key.append(byte)
            advance()
        }
        return String(decoding: key, as: UTF8.self)
    }

    private mutating func readLiteralString() -> String {
        advance()
        var content: [UInt8] = []
        while let byte = peek(), byte != UInt8(ascii: "'"), byte != UInt8(ascii: "\n") {
            content.append(byte)
            advance()
        }
        if peek() == UInt8(ascii: "'") { advance() }
        return String(decoding: content, as: UTF8.self)
    }

    /// A single-line basic string with its escapes resolved, as TOMLKit reports the key.
    private mutating func readBasicString() -> String {
        advance()
        var content = ""
        var pending: [UInt8] = []
        while let byte = peek(), byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\n") {
            advance()
            guard byte == UInt8(ascii: "\\"), let escaped = peek() else {
                pending.append(byte)
                continue
            }
            advance()
            content += String(decoding: pending, as: UTF8.self)
            pending.removeAll()
            switch escaped {
            case UInt8(ascii: "b"): content += "\u{8}"
            case UInt8(ascii: "t"): content += "\t"
            case UInt8(ascii: "n"): content += "\n"
            case UInt8(ascii: "f"): content += "\u{C}"
            case UInt8(ascii: "r"): content += "\r"
            case UInt8(ascii: "u"): content += readUnicodeEscape(digits: 4)
            case UInt8(ascii: "U"): content += readUnicodeEscape(digits: 8)
            default: content += String(UnicodeScalar(escaped))
            }
        }
        if peek() == UInt8(ascii: "\"") { advance() }
        return content + String(decoding: pending, as: UTF8.self)
    }

    private mutating func readUnicodeEscape(digits: Int) -> String {
        var hex = ""
        for _ in 0..<digits {
            guard let byte = peek() else { break }
            hex.append(Character(UnicodeScalar(byte)))
            advance()
        }
        guard let code = UInt32(hex, radix: 16), let scalar = UnicodeScalar(code) else { return "" }
        return String(scalar)
    }

    // MARK: Skipping values

    private mutating func skipStringValue() {
        guard let quote = peek() else { return }
        let isBasic = quote == UInt8(ascii: "\"")
        if peek(at: 1) == quote, peek(at: 2) == quote {
            advance(3)
            while let byte = peek() {
                if isBasic, byte == UInt8(ascii: "\\") {
                    advance(2)
                } else if byte == quote, peek(at: 1) == quote, peek(at: 2) == quote {
                    advance(3)
                    // Up to two quotes may end the content right before the closing delimiter.
                    for _ in 0..<2 where peek() == quote { advance() }
                    return
                } else {
                    advance()
                }
            }
        } else {
            advance()
            while let byte = peek(), byte != UInt8(ascii: "\n") {
                advance(isBasic && byte == UInt8(ascii: "\\") ? 2 : 1)
                if byte == quote { return }
            }
        }
    }

    /// Numbers, booleans, dates and times. A local date-time may use a space between date and
    /// time, so a space followed by a digit continues the value.
    private mutating func skipBareValue() {
        while let byte = peek() {
            if byte == UInt8(ascii: " "), let next = peek(at: 1), Self.isDigit(next) {
                advance()
                continue
            }
            if Self.endsBareValue(byte) { return }
            advance()
        }
    }

    private mutating func skipBlanks() {
        while let byte = peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { advance() }
    }

    private mutating func skipComment() {
        while let byte = peek(), byte != UInt8(ascii: "\n") { advance() }
    }

    private mutating func skipBlanksNewlinesAndComments() {
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): advance()
            case UInt8(ascii: "#"): skipComment()
            default: return
            }
        }
    }

    // MARK: Cursor


    private mutating func record(_ path: Path, at position: SourcePosition, explicit: Bool) {
        if positions[path] == nil || (explicit && !explicitlyDefined.contains(path)) {
            positions[path] = position
        }
        if explicit { explicitlyDefined.insert(path) }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isBareKeyByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    private static func endsBareValue(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"),
             UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "#"):
            true
        default:
            false
        }
    }
}

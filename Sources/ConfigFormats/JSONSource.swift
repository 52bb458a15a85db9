import TraefikCore

/// Reads a JSON document into a `ConfigNode` tree. A small parser of its own (rather than
/// JSONSerialization) keeps the key order, tells booleans from numbers, and gives every node the
/// line and column of its key (or of the element, inside an array).
///
/// `null` members of objects are left out, so they decode as absent.
public enum JSONSource {
    public static func parse(_ text: String, file: String) throws(ConfigError) -> ConfigNode {
        var parser = Parser(bytes: Array(text.utf8), file: file)
        return try parser.parseDocument()
    }

    /// Nesting beyond this is rejected instead of risking the stack.
    static let maximumDepth = 256

    private struct Parser: SourceScanning {
        let bytes: [UInt8]
        let file: String
        var offset = 0
        var line = 1
        var column = 1

        init(bytes: [UInt8], file: String) {
            self.bytes = bytes
            self.file = file
        }

        mutating func parseDocument() throws(ConfigError) -> ConfigNode {
            skipWhitespace()
            let position = currentPosition
            let root = try parseValue(at: position, depth: 0) ?? ConfigNode(.table([]), position: position)
            skipWhitespace()
            guard offset == bytes.count else { throw syntaxError("unexpected text after the JSON value") }
            return root
        }

        /// Nil for `null`.
        mutating func parseValue(at position: SourcePosition, depth: Int) throws(ConfigError) -> ConfigNode? {
            guard depth < JSONSource.maximumDepth else { throw syntaxError("nesting too deep") }
            switch peek() {
            case UInt8(ascii: "{"):
                return try parseObject(at: position, depth: depth)
            case UInt8(ascii: "["):
                return try parseArray(at: position, depth: depth)
            case UInt8(ascii: "\""):
                return ConfigNode(.string(try parseString()), position: position)
            case UInt8(ascii: "t"):
                try expectWord("true")
                return ConfigNode(.bool(true), position: position)
            case UInt8(ascii: "f"):
                try expectWord("false")
                return ConfigNode(.bool(false), position: position)
            case UInt8(ascii: "n"):
                try expectWord("null")
                return nil
            case UInt8(ascii: "-"), .some(UInt8(ascii: "0")...UInt8(ascii: "9")):
                return ConfigNode(try parseNumber(), position: position)
            case nil:
                throw syntaxError("unexpected end of input")
            case let byte?:
                throw syntaxError("unexpected character \(String(UnicodeScalar(byte)).debugDescription)")
            }
        }

        mutating func parseObject(at position: SourcePosition, depth: Int) throws(ConfigError) -> ConfigNode {
            advance()
            var entries: [ConfigNode.Entry] = []
            skipWhitespace()
            if peek() == UInt8(ascii: "}") {
                advance()
                return ConfigNode(.table(entries), position: position)
            }
            while true {
                skipWhitespace()
                let keyPosition = currentPosition
                guard peek() == UInt8(ascii: "\"") else { throw syntaxError("expected a string key") }
                let key = try parseString()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                if let value = try parseValue(at: keyPosition, depth: depth + 1) {
                    entries.append(ConfigNode.Entry(key: key, node: value))
                }
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    advance()
                    continue
                }
                try expect(UInt8(ascii: "}"))
                return ConfigNode(.table(entries), position: position)
            }
        }

        mutating func parseArray(at position: SourcePosition, depth: Int) throws(ConfigError) -> ConfigNode {
            advance()
            var elements: [ConfigNode] = []
            skipWhitespace()
            if peek() == UInt8(ascii: "]") {
                advance()
                return ConfigNode(.array(elements), position: position)
            }
            while true {
                skipWhitespace()
                let elementPosition = currentPosition
                guard let element = try parseValue(at: elementPosition, depth: depth + 1) else {
                    throw ConfigError(at: elementPosition, keyPath: "", message: "null is not supported inside an array")
                }
                elements.append(element)
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    advance()
                    continue
                }
                try expect(UInt8(ascii: "]"))
                return ConfigNode(.array(elements), position: position)
            }
        }

        mutating func parseString() throws(ConfigError) -> String {
            advance()
            var text = ""
            var pending: [UInt8] = []
            while true {
                guard let byte = peek() else { throw syntaxError("unterminated string") }
                advance()
                switch byte {
                case UInt8(ascii: "\""):
                    return text + String(decoding: pending, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    text += String(decoding: pending, as: UTF8.self)
                    pending.removeAll()
                    text.unicodeScalars.append(try parseEscape())
                case 0..<0x20:
                    throw syntaxError("control character in string")
                default:
                    pending.append(byte)
                }
            }
        }

        mutating func parseEscape() throws(ConfigError) -> Unicode.Scalar {
            guard let byte = peek() else { throw syntaxError("unterminated string") }
            advance()
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return Unicode.Scalar(byte)
            case UInt8(ascii: "b"): return "\u{8}"
            case UInt8(ascii: "f"): return "\u{C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"):
                let unit = try parseHexUnit()
                if (0xD800..<0xDC00).contains(unit) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    guard peek() == UInt8(ascii: "\\"), peek(at: 1) == UInt8(ascii: "u") else {
                        throw syntaxError("unpaired surrogate in \\u escape")
                    }
                    advance(2)
                    let low = try parseHexUnit()
                    guard (0xDC00..<0xE000).contains(low),
                          let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) else {
                        throw syntaxError("invalid surrogate pair in \\u escape")
                    }
                    return scalar
                }
                guard let scalar = Unicode.Scalar(unit) else { throw syntaxError("invalid \\u escape") }
                return scalar
            default:
                throw syntaxError("invalid escape \\\(String(UnicodeScalar(byte)))")
            }
        }

        mutating func parseHexUnit() throws(ConfigError) -> UInt32 {
            var unit: UInt32 = 0
            for _ in 0..<4 {
                guard let byte = peek(), let digit = Self.hexValue(byte) else {
                    throw syntaxError("invalid \\u escape")
                }
                advance()
                unit = unit << 4 | digit
            }
            return unit
        }

        mutating func parseNumber() throws(ConfigError) -> ConfigNode.Value {
            let start = offset
            var isInteger = true
            if peek() == UInt8(ascii: "-") { advance() }
            guard skipDigits() > 0 else { throw syntaxError("invalid number") }
            if peek() == UInt8(ascii: ".") {
                isInteger = false
                advance()
                guard skipDigits() > 0 else { throw syntaxError("invalid number") }
            }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                isInteger = false
                advance()
                if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { advance() }
                guard skipDigits() > 0 else { throw syntaxError("invalid number") }
            }
            let literal = String(decoding: bytes[start..<offset], as: UTF8.self)
            if isInteger, let integer = Int64(literal) { return .int(integer) }
            guard let number = Double(literal) else { throw syntaxError("invalid number \(literal)") }
            return .double(number)
        }

        mutating func skipDigits() -> Int {
            var count = 0
            while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                advance()
                count += 1
            }
            return count
        }

        mutating func expectWord(_ word: String) throws(ConfigError) {
            for expected in word.utf8 {
                guard peek() == expected else { throw syntaxError("invalid literal, expected \(word)") }
                advance()
            }
        }

        mutating func expect(_ byte: UInt8) throws(ConfigError) {
            guard peek() == byte else {
                throw syntaxError("expected \(String(UnicodeScalar(byte)).debugDescription)")
            }
            advance()
        }

        mutating func skipWhitespace() {
            while let byte = peek(),
                  byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
                  || byte == UInt8(ascii: "\r") {
                advance()
            }
        }


        static func hexValue(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
            default: nil
            }
        }
    }
}

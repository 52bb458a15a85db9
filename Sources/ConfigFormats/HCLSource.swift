import TraefikCore

/// Reads an HCL 1 document (the syntax of hashicorp/hcl v1) into a `ConfigNode` tree whose nodes
/// carry their line and column. No Swift HCL library exists, so this is a parser of its own for the
/// subset configuration files use:
///
/// - `key = value`, keys bare (`logLevel`, `web.address` is one key) or quoted;
/// - strings with escapes, heredocs (`<<EOF` … `EOF`, `<<-EOF` with indentation removed), integers,
///   floats, `true`/`false`, lists `[a, b,]`, objects `{ a = 1, b = 2 }`;
/// - blocks `name { … }` and `name "label" … { … }`, whose labels become nested keys as HCL 1's
///   decoder does: `entryPoints "http" { address = ":80" }` is `{entryPoints = {http = {address = ":80"}}}`;
///   blocks with labels under one name merge, a repeated block without labels makes a list of tables
///   (`certificates { … } certificates { … }`);
/// - `#`, `//` and `/* */` comments.
public enum HCLSource {
    /// - Parameter file: the name used in positions and error messages, such as `traefik.hcl`.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> ConfigNode {
        var parser = Parser(bytes: Array(text.utf8), file: file)
        return try parser.parseDocument()
    }

    /// Nesting beyond this is rejected instead of risking the stack.
    static let maximumDepth = 256

    /// How a key got its value, which decides what a repetition of the key means.
    private enum Origin {
        /// `key = value` or a block without labels.
        case single
        /// A block with labels: further blocks of the same name merge into it.
        case labeledBlock
        /// Blocks without labels repeated: a list of tables.
        case repeatedBlocks
    }

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
            let start = SourcePosition(file: file, line: 1, column: 1)
            let entries = try parseBody(closing: nil, depth: 0)
            return ConfigNode(.table(entries), position: start)
        }

        /// Items up to `closing` (`}`), or to the end of the input for the document. Items may be
        /// separated by commas as well as by line breaks.
        mutating func parseBody(closing: UInt8?, depth: Int) throws(ConfigError) -> [ConfigNode.Entry] {
            guard depth < HCLSource.maximumDepth else { throw syntaxError("nesting too deep") }
            var entries: [ConfigNode.Entry] = []
            var origins: [Origin] = []
            while true {
                try skipBlanksAndComments()
                guard let byte = peek() else {
                    if closing != nil { throw syntaxError("unexpected end of input, expected \"}\"") }
                    return entries
                }
                if byte == closing {
                    advance()
                    return entries
                }
                if byte == UInt8(ascii: ",") {
                    advance()
                    continue
                }
                let keyPosition = currentPosition
                let key = try parseKey()
                try skipBlanksAndComments()
                let node: ConfigNode
                let origin: Origin
                if peek() == UInt8(ascii: "=") {
                    advance()
                    try skipBlanksAndComments()
                    node = try parseValue(at: keyPosition, depth: depth + 1)
                    origin = .single
                } else {
                    var labels: [(String, SourcePosition)] = []
                    while peek() != UInt8(ascii: "{") {
                        guard peek() == UInt8(ascii: "\"") || peek().map(Self.startsIdentifier) == true else {
                            throw syntaxError("expected \"=\" or \"{\" after key \(key.debugDescription)")
                        }
                        let labelPosition = currentPosition
                        labels.append((try parseKey(), labelPosition))
                        try skipBlanksAndComments()
                    }
                    advance()
                    var block = ConfigNode(.table(try parseBody(closing: UInt8(ascii: "}"), depth: depth + 1)),
                                           position: labels.last?.1 ?? keyPosition)
                    for (index, label) in labels.enumerated().reversed() {
                        let labelPosition = index == 0 ? keyPosition : labels[index - 1].1
                        block = ConfigNode(.table([ConfigNode.Entry(key: label.0, node: block)]), position: labelPosition)
                    }
                    node = block
                    origin = labels.isEmpty ? .single : .labeledBlock
                }
                try add(key, node, origin: origin, at: keyPosition, to: &entries, origins: &origins)
            }
        }

        /// Adds an item to a body, combining it with an earlier item of the same key as HCL 1 does.
        func add(_ key: String, _ node: ConfigNode, origin: Origin, at position: SourcePosition,
                 to entries: inout [ConfigNode.Entry], origins: inout [Origin]) throws(ConfigError) {
            guard let index = ConfigNode.entryIndex(of: key, in: entries) else {
                entries.append(ConfigNode.Entry(key: key, node: node))
                origins.append(origin)
                return
            }
            let existing = entries[index].node
            switch (existing.value, node.value, origins[index], origin) {
            case (.table, .table, .labeledBlock, _), (.table, .table, _, .labeledBlock):
                entries[index].node = node.merging(over: existing)
                origins[index] = .labeledBlock
            case (.table, .table, .single, .single):
                entries[index].node = ConfigNode(.array([existing, node]), position: existing.position)
                origins[index] = .repeatedBlocks
            case (.array(let elements), .table, .repeatedBlocks, .single):
                entries[index].node = ConfigNode(.array(elements + [node]), position: existing.position)
            default:
                let first = existing.position.map { " (first set at \($0.line):\($0.column))" } ?? ""
                throw ConfigError(at: position, keyPath: "", message: "duplicate key \(key.debugDescription)\(first)")
            }
        }

        mutating func parseKey() throws(ConfigError) -> String {
            if peek() == UInt8(ascii: "\"") { return try parseString() }
            guard let byte = peek(), Self.startsIdentifier(byte) else {
                throw syntaxError("expected a key, found \(describeNext())")
            }
            return parseIdentifier()
        }

        mutating func parseValue(at position: SourcePosition, depth: Int) throws(ConfigError) -> ConfigNode {
            guard depth < HCLSource.maximumDepth else { throw syntaxError("nesting too deep") }
            switch peek() {
            case UInt8(ascii: "\""):
                return ConfigNode(.string(try parseString()), position: position)
            case UInt8(ascii: "<"):
                return ConfigNode(.string(try parseHeredoc()), position: position)
            case UInt8(ascii: "["):
                return try parseList(at: position, depth: depth)
            case UInt8(ascii: "{"):
                advance()
                return ConfigNode(.table(try parseBody(closing: UInt8(ascii: "}"), depth: depth + 1)), position: position)
            case UInt8(ascii: "-"), UInt8(ascii: "+"), .some(UInt8(ascii: "0")...UInt8(ascii: "9")):
                return ConfigNode(try parseNumber(), position: position)
            case let byte? where Self.startsIdentifier(byte):
                let wordPosition = currentPosition
                let word = parseIdentifier()
                switch word {
                case "true": return ConfigNode(.bool(true), position: position)
                case "false": return ConfigNode(.bool(false), position: position)
                default:
                    throw ConfigError(at: wordPosition, keyPath: "",
                                      message: "expected a value, found \(word.debugDescription) (strings need double quotes)")
                }
            case nil:
                throw syntaxError("unexpected end of input, expected a value")
            default:
                throw syntaxError("expected a value, found \(describeNext())")
            }
        }

        mutating func parseList(at position: SourcePosition, depth: Int) throws(ConfigError) -> ConfigNode {
            advance()
            var elements: [ConfigNode] = []
            while true {
                try skipBlanksAndComments()
                if peek() == UInt8(ascii: "]") {
                    advance()
                    return ConfigNode(.array(elements), position: position)
                }
                elements.append(try parseValue(at: currentPosition, depth: depth + 1))
                try skipBlanksAndComments()
                switch peek() {
                case UInt8(ascii: ","):
                    advance()
                case UInt8(ascii: "]"):
                    continue
                case nil:
                    throw syntaxError("unexpected end of input, expected \"]\"")
                default:
                    throw syntaxError("expected \",\" or \"]\" in a list, found \(describeNext())")
                }
            }
        }

        /// A double-quoted string on one line. `${…}` interpolations are kept as written; quotes
        /// inside them do not end the string.
        mutating func parseString() throws(ConfigError) -> String {
            let start = currentPosition
            advance()
            var scalars = String.UnicodeScalarView()
            var pending: [UInt8] = []
            var interpolationDepth = 0
            func flush() {
                scalars.append(contentsOf: String(decoding: pending, as: UTF8.self).unicodeScalars)
                pending.removeAll()
            }
            while true {
                guard let byte = peek(), byte != UInt8(ascii: "\n") else {
                    throw ConfigError(at: start, keyPath: "", message: "unterminated string")
                }
                if byte == UInt8(ascii: "\""), interpolationDepth == 0 {
                    advance()
                    flush()
                    return String(scalars)
                }
                if byte == UInt8(ascii: "\\") {
                    advance()
                    flush()
                    scalars.append(try parseEscape())
                    continue
                }
                if byte == UInt8(ascii: "$"), peek(at: 1) == UInt8(ascii: "{") {
                    interpolationDepth += 1
                    pending.append(byte)
                    advance()
                } else if byte == UInt8(ascii: "}"), interpolationDepth > 0 {
                    interpolationDepth -= 1
                }
                pending.append(peek() ?? byte)
                advance()
            }
        }

        mutating func parseEscape() throws(ConfigError) -> Unicode.Scalar {
            guard let byte = peek() else { throw syntaxError("unterminated string") }
            advance()
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): return Unicode.Scalar(byte)
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "a"): return "\u{7}"
            case UInt8(ascii: "b"): return "\u{8}"
            case UInt8(ascii: "f"): return "\u{C}"
            case UInt8(ascii: "v"): return "\u{B}"
            case UInt8(ascii: "u"): return try parseHexScalar(digits: 4)
            case UInt8(ascii: "U"): return try parseHexScalar(digits: 8)
            default: throw syntaxError("invalid escape \\\(String(UnicodeScalar(byte)))")
            }
        }

        mutating func parseHexScalar(digits: Int) throws(ConfigError) -> Unicode.Scalar {
            var value: UInt32 = 0
            for _ in 0..<digits {
                guard let byte = peek(), let digit = Self.hexValue(byte) else {
                    throw syntaxError("invalid \\u escape, expected \(digits) hexadecimal digits")
                }
                advance()
                value = value << 4 | digit
            }
            guard let scalar = Unicode.Scalar(value) else { throw syntaxError("invalid code point in escape") }
            return scalar
        }

        /// `<<EOF` lines `EOF`, or `<<-EOF` whose lines lose their common indentation. Each line
        /// keeps its line break, as in HCL 1.
        mutating func parseHeredoc() throws(ConfigError) -> String {
            let start = currentPosition
            guard peek(at: 1) == UInt8(ascii: "<") else { throw syntaxError("expected a value, found \"<\"") }
            advance(2)
            let indented = peek() == UInt8(ascii: "-")
            if indented { advance() }
            guard let byte = peek(), Self.startsIdentifier(byte) else {
                throw syntaxError("expected a heredoc anchor such as EOF after <<")
            }
            let anchor = parseIdentifier()
            if peek() == UInt8(ascii: "\r") { advance() }
            guard peek() == UInt8(ascii: "\n") else { throw syntaxError("expected a line break after <<\(anchor)") }
            advance()
            var lines: [String] = []
            while offset < bytes.count {
                let lineStart = offset
                while let next = peek(), next != UInt8(ascii: "\n") { advance() }
                var text = String(decoding: bytes[lineStart..<offset], as: UTF8.self)
                if text.hasSuffix("\r") { text.removeLast() }
                if peek() == UInt8(ascii: "\n") { advance() }
                let marker = indented ? text.trimmingSpaces() : text
                if marker == anchor {
                    guard indented else { return lines.map { $0 + "\n" }.joined() }
                    let indentation = lines.filter { !$0.trimmingSpaces().isEmpty }
                        .map { $0.prefix { $0 == " " || $0 == "\t" }.count }.min() ?? 0
                    return lines.map { String($0.dropFirst(min(indentation, $0.count))) + "\n" }.joined()
                }
                lines.append(text)
            }
            throw ConfigError(at: start, keyPath: "", message: "heredoc <<\(anchor) is not closed by a line \(anchor)")
        }

        mutating func parseNumber() throws(ConfigError) -> ConfigNode.Value {
            let start = offset
            let startPosition = currentPosition
            if peek() == UInt8(ascii: "-") || peek() == UInt8(ascii: "+") { advance() }
            if peek() == UInt8(ascii: "0"), peek(at: 1) == UInt8(ascii: "x") || peek(at: 1) == UInt8(ascii: "X") {
                advance(2)
                let digitsStart = offset
                while let byte = peek(), Self.hexValue(byte) != nil { advance() }
                let digits = String(decoding: bytes[digitsStart..<offset], as: UTF8.self)
                guard let magnitude = Int64(digits, radix: 16) else {
                    throw ConfigError(at: startPosition, keyPath: "", message: "invalid hexadecimal number")
                }
                return .int(bytes[start] == UInt8(ascii: "-") ? -magnitude : magnitude)
            }
            var isInteger = true
            guard skipDigits() > 0 else { throw syntaxError("invalid number") }
            if peek() == UInt8(ascii: "."), let next = peek(at: 1), Self.isDigit(next) {
                isInteger = false
                advance()
                _ = skipDigits()
            }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                isInteger = false
                advance()
                if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { advance() }
                guard skipDigits() > 0 else { throw syntaxError("invalid number: missing exponent digits") }
            }
            if let byte = peek(), Self.continuesIdentifier(byte) {
                throw syntaxError("invalid number: unexpected \(describeNext()) (strings need double quotes)")
            }
            var literal = String(decoding: bytes[start..<offset], as: UTF8.self)
            if literal.hasPrefix("+") { literal.removeFirst() }
            if isInteger, let integer = Int64(literal) { return .int(integer) }
            guard let number = Double(literal) else {
                throw ConfigError(at: startPosition, keyPath: "", message: "invalid number \(literal)")
            }
            return .double(number)
        }

        mutating func skipDigits() -> Int {
            var count = 0
            while let byte = peek(), Self.isDigit(byte) {
                advance()
                count += 1
            }
            return count
        }

        mutating func parseIdentifier() -> String {
            let start = offset
            while let byte = peek(), Self.continuesIdentifier(byte) { advance() }
            return String(decoding: bytes[start..<offset], as: UTF8.self)
        }

        /// Skips spaces, line breaks and comments (`#`, `//` to the end of the line, `/* … */`).
        mutating func skipBlanksAndComments() throws(ConfigError) {
            while let byte = peek() {
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                    advance()
                case UInt8(ascii: "#"):
                    skipToLineEnd()
                case UInt8(ascii: "/") where peek(at: 1) == UInt8(ascii: "/"):
                    skipToLineEnd()
                case UInt8(ascii: "/") where peek(at: 1) == UInt8(ascii: "*"):
                    let start = currentPosition
                    advance(2)
                    while !(peek() == UInt8(ascii: "*") && peek(at: 1) == UInt8(ascii: "/")) {
                        guard peek() != nil else {
                            throw ConfigError(at: start, keyPath: "", message: "unterminated /* comment")
                        }
                        advance()
                    }
                    advance(2)
                default:
                    return
                }
            }
        }

        mutating func skipToLineEnd() {
            while let byte = peek(), byte != UInt8(ascii: "\n") { advance() }
        }

        func describeNext() -> String {
            guard let byte = peek() else { return "the end of input" }
            let end = min(offset + 4, bytes.count)
            let scalarLength = byte < 0x80 ? 1 : (byte >= 0xF0 ? 4 : (byte >= 0xE0 ? 3 : 2))
            return String(decoding: bytes[offset..<min(offset + scalarLength, end)], as: UTF8.self).debugDescription
        }


        static func isDigit(_ byte: UInt8) -> Bool {
            byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        }

        static func startsIdentifier(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || byte == UInt8(ascii: "_") || byte >= 0x80
        }

        static func continuesIdentifier(_ byte: UInt8) -> Bool {
            startsIdentifier(byte) || isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
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

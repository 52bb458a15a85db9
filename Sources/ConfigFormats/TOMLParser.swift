import TraefikCore

/// A TOML v1.0.0 reader that builds the `ConfigNode` tree directly: every node gets the line and column of its key
/// (of the element, inside an array), tables keep the document's key order, and every mistake — grammar, a key
/// defined twice, a table extended against the spec's rules — is a `ConfigError` at its line and column.
///
/// Dates and times have no node kind of their own: they stay strings, spelled as in the document. The input is a
/// Swift `String`, so it is valid UTF-8 by construction; control characters are checked here. The grammar is read
/// by recursive descent, bounded by `TOMLTableTree.maximumDepth`.
struct TOMLParser {
    var cursor: TOMLCursor
    let file: String
    private var tree: TOMLTableTree

    static func parse(_ text: String, file: String) throws(ConfigError) -> ConfigNode {
        let utf8 = Array(text.utf8)
        return try utf8.withUnsafeBufferPointer { (bytes) throws(ConfigError) -> ConfigNode in
            var parser = TOMLParser(cursor: TOMLCursor(bytes: bytes), file: file)
            return try parser.parseDocument()
        }
    }

    private init(cursor: TOMLCursor, file: String) {
        self.cursor = cursor
        self.file = file
        tree = TOMLTableTree(rootPosition: SourcePosition(file: file, line: 1, column: 1))
    }

    var currentPosition: SourcePosition {
        mutating get { SourcePosition(file: file, line: cursor.line, column: cursor.column()) }
    }

    mutating func syntaxError(_ message: String) -> ConfigError {
        ConfigError(at: currentPosition, keyPath: "", message: message)
    }

    // MARK: Document

    private mutating func parseDocument() throws(ConfigError) -> ConfigNode {
        var currentTable = tree.rootTable
        while true {
            skipBlanks()
            switch cursor.peek() {
            case nil:
                return tree.document()
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "#"):
                try finishLine(after: "")
            case UInt8(ascii: "["):
                currentTable = try parseTableHeader()
                try finishLine(after: " after the table header")
            default:
                try parseKeyValue(in: currentTable)
                try finishLine(after: " after the value")
            }
        }
    }

    /// `[a.b]` or `[[a.b]]`; returns the table the following pairs go into.
    private mutating func parseTableHeader() throws(ConfigError) -> TOMLTableTree.TableID {
        let isArrayOfTables = cursor.peek(at: 1) == UInt8(ascii: "[")
        cursor.advance(isArrayOfTables ? 2 : 1)
        let key = try parseKey(in: "the table header")
        skipBlanks()
        let closing = isArrayOfTables ? "]]" : "]"
        for expected in closing.utf8 {
            guard cursor.peek() == expected else {
                throw syntaxError("expected \".\" or \"\(closing)\" after a key in the table header, found \(currentCharacter)")
            }
            cursor.advance()
        }
        return isArrayOfTables ? try tree.appendArrayElement(at: key) : try tree.defineTable(at: key)
    }

    /// `key = value`, in a table or an inline table.
    private mutating func parseKeyValue(in table: TOMLTableTree.TableID) throws(ConfigError) {
        let key = try parseKey(in: "a key/value pair")
        skipBlanks()
        guard cursor.peek() == UInt8(ascii: "=") else {
            throw syntaxError("expected \".\" or \"=\" after a key, found \(currentCharacter)")
        }
        cursor.advance()
        skipBlanks()
        let target = try tree.tableForAssignment(of: key, in: table)
        let last = key[key.count - 1]
        let value = try parseValue(at: last.position, depth: tree.depth(of: target) + 1)
        tree.assign(value, to: last, in: target)
    }

    /// After a header or a pair only blanks and a comment may follow on the line.
    private mutating func finishLine(after what: String) throws(ConfigError) {
        skipBlanks()
        if cursor.peek() == UInt8(ascii: "#") { try skipComment() }
        switch cursor.peek() {
        case nil:
            return
        case UInt8(ascii: "\n"):
            cursor.advancePastNewline()
        case UInt8(ascii: "\r") where cursor.peek(at: 1) == UInt8(ascii: "\n"):
            cursor.advancePastNewline()
        case UInt8(ascii: "\r"):
            throw syntaxError("a carriage return must be followed by a line feed")
        default:
            throw syntaxError("expected the end of the line\(what), found \(currentCharacter)")
        }
    }

    // MARK: Keys

    /// A bare, quoted or dotted key, each part with its position.
    private mutating func parseKey(in context: String) throws(ConfigError) -> [TOMLKeyPart] {
        var parts: [TOMLKeyPart] = []
        while true {
            skipBlanks()
            let position = currentPosition
            let name: String
            switch cursor.peek() {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                if cursor.peek(at: 1) == cursor.peek(), cursor.peek(at: 2) == cursor.peek() {
                    throw syntaxError("a multi-line string cannot be a key")
                }
                name = cursor.peek() == UInt8(ascii: "\"") ? try parseBasicString() : try parseLiteralString()
            case let byte? where Self.isBareKeyByte(byte):
                let start = cursor.offset
                cursor.advance(over: Self.isBareKeyByte)
                name = String(decoding: cursor.bytes[start..<cursor.offset], as: UTF8.self)
            default:
                throw syntaxError("expected a key in \(context), found \(currentCharacter)")
            }
            parts.append(TOMLKeyPart(name: name, position: position))
            guard parts.count <= TOMLTableTree.maximumDepth else {
                throw ConfigError(at: position, keyPath: "",
                                  message: "a key of more than \(TOMLTableTree.maximumDepth) parts")
            }
            skipBlanks()
            guard cursor.peek() == UInt8(ascii: ".") else { return parts }
            cursor.advance()
        }
    }

    // MARK: Values

    /// A value starting at the cursor; the node takes `position` (its key's, or its own in an array).
    private mutating func parseValue(at position: SourcePosition, depth: Int) throws(ConfigError) -> ConfigNode {
        guard depth <= TOMLTableTree.maximumDepth else {
            throw syntaxError("values nested deeper than \(TOMLTableTree.maximumDepth) levels")
        }
        switch cursor.peek() {
        case UInt8(ascii: "\""):
            let isMultiLine = cursor.peek(at: 1) == UInt8(ascii: "\"") && cursor.peek(at: 2) == UInt8(ascii: "\"")
            return ConfigNode(.string(isMultiLine ? try parseMultiLineBasicString() : try parseBasicString()),
                              position: position)
        case UInt8(ascii: "'"):
            let isMultiLine = cursor.peek(at: 1) == UInt8(ascii: "'") && cursor.peek(at: 2) == UInt8(ascii: "'")
            return ConfigNode(.string(isMultiLine ? try parseMultiLineLiteralString() : try parseLiteralString()),
                              position: position)
        case UInt8(ascii: "["):
            return try parseArray(at: position, depth: depth)
        case UInt8(ascii: "{"):
            return try parseInlineTable(at: position, depth: depth)
        case let byte? where Self.isBareValueByte(byte):
            return ConfigNode(try parseBareValue(), position: position)
        case nil:
            throw syntaxError("expected a value, found the end of the document")
        default:
            throw syntaxError("expected a value, found \(currentCharacter)")
        }
    }

    /// `[ value, value, ]`: any types, newlines and comments between the elements, a trailing comma allowed.
    private mutating func parseArray(at position: SourcePosition, depth: Int) throws(ConfigError) -> ConfigNode {
        cursor.advance()
        var elements: [ConfigNode] = []
        while true {
            try skipBlanksNewlinesAndComments()
            if cursor.peek() == UInt8(ascii: "]") {
                cursor.advance()
                return ConfigNode(.array(elements), position: position)
            }
            elements.append(try parseValue(at: currentPosition, depth: depth + 1))
            try skipBlanksNewlinesAndComments()
            switch cursor.peek() {
            case UInt8(ascii: ","):
                cursor.advance()
            case UInt8(ascii: "]"):
                break
            case nil:
                throw syntaxError("unterminated array: expected \",\" or \"]\", found the end of the document")
            default:
                throw syntaxError("expected \",\" or \"]\" after an array element, found \(currentCharacter)")
            }
        }
    }

    /// `{ key = value, a.b = value }`: on one line, no trailing comma.
    private mutating func parseInlineTable(at position: SourcePosition, depth: Int) throws(ConfigError) -> ConfigNode {
        cursor.advance()
        let table = tree.beginInlineTable(at: position, depth: depth)
        skipBlanks()
        if cursor.peek() == UInt8(ascii: "}") {
            cursor.advance()
            return tree.endInlineTable(table)
        }
        while true {
            skipBlanks()
            if cursor.peek() == UInt8(ascii: "}") {
                throw syntaxError("an inline table cannot end with a comma")
            }
            try parseKeyValue(in: table)
            skipBlanks()
            switch cursor.peek() {
            case UInt8(ascii: ","):
                cursor.advance()
            case UInt8(ascii: "}"):
                cursor.advance()
                return tree.endInlineTable(table)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw syntaxError("an inline table must stay on one line: expected \",\" or \"}\"")
            case nil:
                throw syntaxError("unterminated inline table: expected \",\" or \"}\", found the end of the document")
            default:
                throw syntaxError("expected \",\" or \"}\" in an inline table, found \(currentCharacter)")
            }
        }
    }

    // MARK: Blanks, newlines and comments

    mutating func skipBlanks() {
        cursor.advance(over: Self.isBlank)
    }

    private mutating func skipBlanksNewlinesAndComments() throws(ConfigError) {
        while let byte = cursor.peek() {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                cursor.advance()
            case UInt8(ascii: "\n"):
                cursor.advancePastNewline()
            case UInt8(ascii: "\r"):
                guard cursor.peek(at: 1) == UInt8(ascii: "\n") else {
                    throw syntaxError("a carriage return must be followed by a line feed")
                }
                cursor.advancePastNewline()
            case UInt8(ascii: "#"):
                try skipComment()
            default:
                return
            }
        }
    }

    /// From `#` to the end of the line, which stays; tabs are the only control characters allowed.
    private mutating func skipComment() throws(ConfigError) {
        while let byte = cursor.peek(), byte != UInt8(ascii: "\n") {
            if byte == UInt8(ascii: "\r") && cursor.peek(at: 1) == UInt8(ascii: "\n") { return }
            if Self.isForbiddenControl(byte) {
                throw syntaxError("control character \(currentCharacter) in a comment")
            }
            cursor.advance()
        }
    }

    // MARK: Characters

    /// The character at the offset, for messages: `"="`, `U+0000`, `the end of the line`.
    var currentCharacter: String {
        guard let byte = cursor.peek() else { return "the end of the document" }
        switch byte {
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"): return "the end of the line"
        case 0..<0x20, 0x7F:
            let hex = String(byte, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: 4 - hex.count) + hex
        default:
            var end = cursor.offset + 1
            while end < cursor.bytes.count, cursor.bytes[end] & 0xC0 == 0x80 { end += 1 }
            return String(decoding: cursor.bytes[cursor.offset..<end], as: UTF8.self).debugDescription
        }
    }

    static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    /// Control characters other than tab, which strings must escape and comments cannot hold.
    static func isForbiddenControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != UInt8(ascii: "\t")) || byte == 0x7F
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isBareKeyByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// What numbers, booleans, dates and times are written with.
    static func isBareValueByte(_ byte: UInt8) -> Bool {
        isBareKeyByte(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
    }
}

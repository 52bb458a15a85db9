import TraefikCore

/// TOML's four kinds of string: basic `"…"` with escapes, literal `'…'` without, and their multi-line forms.
/// Multi-line strings drop a newline right after the opening delimiter and keep CRLF line ends as LF.
extension TOMLParser {
    mutating func parseBasicString() throws(ConfigError) -> String {
        cursor.advance()
        var content: [UInt8] = []
        while true {
            guard let byte = cursor.peek() else { throw syntaxError("unterminated string: expected \", found the end of the document") }
            switch byte {
            case UInt8(ascii: "\""):
                cursor.advance()
                return String(decoding: content, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &content)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw syntaxError("unterminated string: a \"…\" string ends on its line (\"\"\" starts a multi-line one)")
            case _ where Self.isForbiddenControl(byte):
                throw syntaxError("control character \(currentCharacter) in a string: write it as an escape")
            default:
                let start = cursor.offset
                cursor.advance(over: Self.isPlainBasicStringByte)
                content.append(contentsOf: cursor.bytes[start..<cursor.offset])
            }
        }
    }

    mutating func parseLiteralString() throws(ConfigError) -> String {
        cursor.advance()
        let start = cursor.offset
        while true {
            guard let byte = cursor.peek() else { throw syntaxError("unterminated string: expected ', found the end of the document") }
            switch byte {
            case UInt8(ascii: "'"):
                let content = String(decoding: cursor.bytes[start..<cursor.offset], as: UTF8.self)
                cursor.advance()
                return content
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw syntaxError("unterminated string: a '…' string ends on its line (''' starts a multi-line one)")
            case _ where Self.isForbiddenControl(byte):
                throw syntaxError("control character \(currentCharacter) in a literal string")
            default:
                cursor.advance()
            }
        }
    }

    mutating func parseMultiLineBasicString() throws(ConfigError) -> String {
        let opening = currentPosition
        cursor.advance(3)
        try skipNewlineAfterOpeningDelimiter()
        var content: [UInt8] = []
        while true {
            guard let byte = cursor.peek() else {
                throw ConfigError(at: opening, keyPath: "", message: "unterminated multi-line string: no closing \"\"\"")
            }
            switch byte {
            case UInt8(ascii: "\""):
                if try endsMultiLineString(appendingQuotesTo: &content) { return String(decoding: content, as: UTF8.self) }
            case UInt8(ascii: "\\"):
                switch cursor.peek(at: 1) {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                    try skipLineEndingBackslash()
                default:
                    try parseEscape(into: &content)
                }
            default:
                try appendMultiLineContent(byte, to: &content)
            }
        }
    }

    mutating func parseMultiLineLiteralString() throws(ConfigError) -> String {
        let opening = currentPosition
        cursor.advance(3)
        try skipNewlineAfterOpeningDelimiter()
        var content: [UInt8] = []
        while true {
            guard let byte = cursor.peek() else {
                throw ConfigError(at: opening, keyPath: "", message: "unterminated multi-line string: no closing '''")
            }
            if byte == UInt8(ascii: "'") {
                if try endsMultiLineString(appendingQuotesTo: &content) { return String(decoding: content, as: UTF8.self) }
            } else {
                try appendMultiLineContent(byte, to: &content)
            }
        }
    }

    /// At a quote inside a multi-line string: three or more close it, and up to two more before the closing three
    /// belong to the content; fewer than three are content.
    private mutating func endsMultiLineString(appendingQuotesTo content: inout [UInt8]) throws(ConfigError) -> Bool {
        guard let quote = cursor.peek() else { return false }
        var count = 1
        while cursor.peek(at: count) == quote { count += 1 }
        guard count <= 5 else {
            throw syntaxError("\(count) quotes in a row: at most two may come right before the closing delimiter")
        }
        let closes = count >= 3
        content.append(contentsOf: repeatElement(quote, count: closes ? count - 3 : count))
        cursor.advance(count)
        return closes
    }

    private mutating func appendMultiLineContent(_ byte: UInt8, to content: inout [UInt8]) throws(ConfigError) {
        switch byte {
        case UInt8(ascii: "\n"):
            content.append(byte)
            cursor.advancePastNewline()
        case UInt8(ascii: "\r"):
            guard cursor.peek(at: 1) == UInt8(ascii: "\n") else {
                throw syntaxError("a carriage return must be followed by a line feed")
            }
            content.append(UInt8(ascii: "\n"))
            cursor.advancePastNewline()
        case _ where Self.isForbiddenControl(byte):
            throw syntaxError("control character \(currentCharacter) in a string")
        default:
            content.append(byte)
            cursor.advance()
        }
    }

    private mutating func skipNewlineAfterOpeningDelimiter() throws(ConfigError) {
        if cursor.peek() == UInt8(ascii: "\n") || (cursor.peek() == UInt8(ascii: "\r") && cursor.peek(at: 1) == UInt8(ascii: "\n")) {
            cursor.advancePastNewline()
        }
    }

    /// A backslash ending a line (blanks may follow it) removes the line end and the blanks and newlines after it.
    private mutating func skipLineEndingBackslash() throws(ConfigError) {
        let backslash = currentPosition
        cursor.advance()
        skipBlanks()
        guard cursor.peek() == UInt8(ascii: "\n") || (cursor.peek() == UInt8(ascii: "\r") && cursor.peek(at: 1) == UInt8(ascii: "\n")) else {
            throw ConfigError(at: backslash, keyPath: "",
                              message: "invalid escape: a backslash followed by blanks must end the line")
        }
        while let byte = cursor.peek() {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                cursor.advance()
            case UInt8(ascii: "\n"):
                cursor.advancePastNewline()
            case UInt8(ascii: "\r") where cursor.peek(at: 1) == UInt8(ascii: "\n"):
                cursor.advancePastNewline()
            default:
                return
            }
        }
    }

    /// At a backslash: `\b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX`.
    private mutating func parseEscape(into content: inout [UInt8]) throws(ConfigError) {
        let backslash = currentPosition
        cursor.advance()
        guard let escaped = cursor.peek() else { throw syntaxError("unterminated string: expected an escape, found the end of the document") }
        let spelling = currentCharacter
        cursor.advance()
        switch escaped {
        case UInt8(ascii: "b"): content.append(0x08)
        case UInt8(ascii: "t"): content.append(0x09)
        case UInt8(ascii: "n"): content.append(0x0A)
        case UInt8(ascii: "f"): content.append(0x0C)
        case UInt8(ascii: "r"): content.append(0x0D)
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): content.append(escaped)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let digits = escaped == UInt8(ascii: "u") ? 4 : 8
            var code: UInt32 = 0
            for _ in 0..<digits {
                guard let byte = cursor.peek(), let digit = Self.hexDigitValue(byte) else {
                    throw ConfigError(at: backslash, keyPath: "",
                                      message: "invalid escape: \\\(Character(Unicode.Scalar(escaped))) needs \(digits) hexadecimal digits")
                }
                code = code << 4 | UInt32(digit)
                cursor.advance()
            }
            guard let scalar = Unicode.Scalar(code) else {
                throw ConfigError(at: backslash, keyPath: "", message: "invalid escape: U+"
                    + String(code, radix: 16, uppercase: true) + " is not a Unicode scalar value")
            }
            UTF8.encode(scalar) { content.append($0) }
        default:
            throw ConfigError(at: backslash, keyPath: "", message: "invalid escape: a backslash followed by \(spelling)")
        }
    }

    /// Bytes a basic string holds as they are: not its quote, a backslash or a control character (tab is fine).
    private static func isPlainBasicStringByte(_ byte: UInt8) -> Bool {
        byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") && !isForbiddenControl(byte)
    }

    static func hexDigitValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

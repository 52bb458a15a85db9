/// Byte range of a token or node in the template text, for error positions and the `at <…>` context.
struct SourceSpan: Sendable {
    let start: Int
    let end: Int
}

enum TokenKind: Equatable {
    case text(String)
    case leftDelimiter
    case rightDelimiter
    case identifier(String)
    /// `.Name`, stored without the dot.
    case field(String)
    case dot
    /// `$name`, stored with the dollar; `$` alone is the template's data.
    case variable(String)
    case string(String)
    case number(TemplateValue)
    case pipe
    case leftParen
    case rightParen
    case declare
    case assign
    case comma
    case endOfInput
}

struct Token {
    let kind: TokenKind
    let span: SourceSpan
    /// Whether white space separates this token from the previous one inside an action; operands must be separated,
    /// and `.Field` right after a term continues that term's field chain.
    let followsSpace: Bool
}

/// Splits template text into text runs and action tokens, applying `{{- ` / ` -}}` trimming and dropping comments.
struct Lexer {
    private let bytes: [UInt8]
    private let fail: (Int, String) -> TemplateError
    private var position = 0
    private var tokens: [Token] = []
    private var trimLeadingSpaceOfNextText = false

    init(text: String, fail: @escaping (Int, String) -> TemplateError) {
        bytes = Array(text.utf8)
        self.fail = fail
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        // Bytes of multi-byte scalars count as letters: Go accepts Unicode letters in names.
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x5F || byte >= 0x80
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= 0x30 && byte <= 0x39
    }

    private func byte(at index: Int) -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private func hasPrefix(_ prefix: StaticString, at index: Int) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let start = prefix.utf8Start
        for offset in 0..<count where bytes[index + offset] != start[offset] {
            return false
        }
        return true
    }

    /// ` -}}` or `}}` at `index`: returns the length of the delimiter and whether it trims.
    private func rightDelimiter(at index: Int) -> (length: Int, trims: Bool)? {
        if let first = byte(at: index), Self.isSpace(first), byte(at: index + 1) == UInt8(ascii: "-"),
            hasPrefix("}}", at: index + 2)
        {
            return (4, true)
        }
        return hasPrefix("}}", at: index) ? (2, false) : nil
    }

    mutating func tokenize() throws -> [Token] {
        while position < bytes.count {
            var delimiter: Int? = nil
            var search = position
            while search + 1 < bytes.count {
                if bytes[search] == UInt8(ascii: "{") && bytes[search + 1] == UInt8(ascii: "{") {
                    delimiter = search
                    break
                }
                search += 1
            }
            var textStart = position
            var textEnd = delimiter ?? bytes.count
            if trimLeadingSpaceOfNextText {
                while textStart < textEnd && Self.isSpace(bytes[textStart]) { textStart += 1 }
                trimLeadingSpaceOfNextText = false
            }
            guard let delimiterStart = delimiter else {
                emitText(textStart, textEnd)
                position = bytes.count
                break
            }
            let trimsLeft =
                byte(at: delimiterStart + 2) == UInt8(ascii: "-")
                && byte(at: delimiterStart + 3).map(Self.isSpace) == true
            if trimsLeft {
                while textEnd > textStart && Self.isSpace(bytes[textEnd - 1]) { textEnd -= 1 }
            }
            emitText(textStart, textEnd)
            position = delimiterStart + (trimsLeft ? 4 : 2)
            if hasPrefix("/*", at: position) {
                try skipComment(delimiterStart: delimiterStart)
            } else {
                tokens.append(
                    Token(
                        kind: .leftDelimiter,
                        span: SourceSpan(start: delimiterStart, end: position),
                        followsSpace: false
                    )
                )
                try lexAction(delimiterStart: delimiterStart)
            }
        }
        tokens.append(
            Token(kind: .endOfInput, span: SourceSpan(start: bytes.count, end: bytes.count), followsSpace: false)
        )
        return tokens
    }

    private mutating func emitText(_ start: Int, _ end: Int) {
        guard start < end else { return }
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        tokens.append(Token(kind: .text(text), span: SourceSpan(start: start, end: end), followsSpace: false))
    }

    private mutating func skipComment(delimiterStart: Int) throws {
        var index = position + 2
        while index + 1 < bytes.count && !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) {
            index += 1
        }
        guard index + 1 < bytes.count else {
            throw fail(delimiterStart, "unclosed comment")
        }
        guard let delimiter = rightDelimiter(at: index + 2) else {
            throw fail(delimiterStart, "comment ends before closing delimiter")
        }
        trimLeadingSpaceOfNextText = delimiter.trims
        position = index + 2 + delimiter.length
    }

    private mutating func lexAction(delimiterStart: Int) throws {
        var followsSpace = false
        var parenDepth = 0
        while true {
            guard position < bytes.count else {
                throw fail(delimiterStart, "unclosed action")
            }
            if let delimiter = rightDelimiter(at: position) {
                guard parenDepth == 0 else {
                    throw fail(position, "unclosed left paren")
                }
                tokens.append(
                    Token(
                        kind: .rightDelimiter,
                        span: SourceSpan(start: position, end: position + delimiter.length),
                        followsSpace: followsSpace
                    )
                )
                position += delimiter.length
                trimLeadingSpaceOfNextText = delimiter.trims
                return
            }
            let start = position
            let current = bytes[position]
            if Self.isSpace(current) {
                position += 1
                followsSpace = true
                continue
            }
            let kind: TokenKind
            switch current {
            case UInt8(ascii: "|"):
                position += 1
                kind = .pipe
            case UInt8(ascii: "("):
                position += 1
                parenDepth += 1
                kind = .leftParen
            case UInt8(ascii: ")"):
                guard parenDepth > 0 else {
                    throw fail(start, "unexpected right paren")
                }
                position += 1
                parenDepth -= 1
                kind = .rightParen
            case UInt8(ascii: ","):
                position += 1
                kind = .comma
            case UInt8(ascii: "="):
                position += 1
                kind = .assign
            case UInt8(ascii: ":"):
                guard byte(at: position + 1) == UInt8(ascii: "=") else {
                    throw fail(start, "expected :=")
                }
                position += 2
                kind = .declare
            case UInt8(ascii: "\""):
                kind = .string(try lexQuoted())
            case UInt8(ascii: "`"):
                kind = .string(try lexRawString())
            case UInt8(ascii: "'"):
                kind = .number(.int(try lexCharacter()))
            case UInt8(ascii: "$"):
                position += 1
                let name = scanName()
                kind = .variable("$" + name)
                try checkTerminator()
            case UInt8(ascii: "."):
                if let next = byte(at: position + 1), Self.isDigit(next) {
                    kind = .number(try lexNumber())
                } else {
                    position += 1
                    let name = scanName()
                    kind = name.isEmpty ? .dot : .field(name)
                    try checkTerminator()
                }
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                kind = .number(try lexNumber())
            default:
                guard Self.isAlphanumeric(current) else {
                    throw fail(start, "unrecognized character in action: \(describeCharacter(at: start))")
                }
                kind = .identifier(scanName())
                try checkTerminator()
            }
            tokens.append(Token(kind: kind, span: SourceSpan(start: start, end: position), followsSpace: followsSpace))
            followsSpace = false
        }
    }

    private func describeCharacter(at index: Int) -> String {
        var end = index + 1
        while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
        return ValueFormatter.quoted(String(decoding: bytes[index..<end], as: UTF8.self))
    }

    private mutating func scanName() -> String {
        let start = position
        while position < bytes.count && Self.isAlphanumeric(bytes[position]) { position += 1 }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    /// Go requires a name to end at a space, a delimiter or punctuation that can follow it.
    private func checkTerminator() throws {
        guard let next = byte(at: position) else { return }
        if Self.isSpace(next) || rightDelimiter(at: position) != nil { return }
        switch next {
        case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "|"), UInt8(ascii: ":"), UInt8(ascii: ")"),
            UInt8(ascii: "("), UInt8(ascii: "="):
            return
        default:
            throw fail(position, "bad character \(describeCharacter(at: position))")
        }
    }

    private mutating func lexQuoted() throws -> String {
        let start = position
        var decoded: [UInt8] = []
        position += 1
        while true {
            guard let current = byte(at: position), current != UInt8(ascii: "\n") else {
                throw fail(start, "unterminated quoted string")
            }
            if current == UInt8(ascii: "\"") {
                position += 1
                return String(decoding: decoded, as: UTF8.self)
            }
            if current == UInt8(ascii: "\\") {
                try decodeEscape(into: &decoded, quote: UInt8(ascii: "\""), tokenStart: start)
            } else {
                decoded.append(current)
                position += 1
            }
        }
    }

    private mutating func lexRawString() throws -> String {
        let start = position
        position += 1
        var decoded: [UInt8] = []
        while true {
            guard let current = byte(at: position) else {
                throw fail(start, "unterminated raw quoted string")
            }
            position += 1
            if current == UInt8(ascii: "`") {
                return String(decoding: decoded, as: UTF8.self)
            }
            // Go drops carriage returns from raw strings.
            if current != UInt8(ascii: "\r") {
                decoded.append(current)
            }
        }
    }

    private mutating func lexCharacter() throws -> Int {
        let start = position
        position += 1
        var decoded: [UInt8] = []
        guard let first = byte(at: position), first != UInt8(ascii: "\n"), first != UInt8(ascii: "'") else {
            throw fail(start, "unterminated character constant")
        }
        if first == UInt8(ascii: "\\") {
            try decodeEscape(into: &decoded, quote: UInt8(ascii: "'"), tokenStart: start)
            if decoded.count == 1 {
                // \x and octal escapes give a byte value, not a UTF-8 sequence.
                guard byte(at: position) == UInt8(ascii: "'") else {
                    throw fail(start, "unterminated character constant")
                }
                position += 1
                return Int(decoded[0])
            }
        } else {
            decoded.append(first)
            position += 1
            while let next = byte(at: position), next & 0xC0 == 0x80 {
                decoded.append(next)
                position += 1
            }
        }
        guard byte(at: position) == UInt8(ascii: "'"),
            let scalar = String(decoding: decoded, as: UTF8.self).unicodeScalars.first
        else {
            throw fail(start, "unterminated character constant")
        }
        position += 1
        return Int(scalar.value)
    }

    /// Decodes one Go escape sequence starting at the backslash at `position`.
    private mutating func decodeEscape(into output: inout [UInt8], quote: UInt8, tokenStart: Int) throws {
        guard let code = byte(at: position + 1) else {
            throw fail(tokenStart, "unterminated quoted string")
        }
        position += 2
        let simple: UInt8?
        switch code {
        case UInt8(ascii: "a"): simple = 0x07
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "v"): simple = 0x0B
        case UInt8(ascii: "\\"): simple = 0x5C
        case quote: simple = quote
        default: simple = nil
        }
        if let simple {
            output.append(simple)
            return
        }
        switch code {
        case UInt8(ascii: "x"):
            output.append(UInt8(try readDigits(count: 2, radix: 16, tokenStart: tokenStart)))
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            position -= 1
            let value = try readDigits(count: 3, radix: 8, tokenStart: tokenStart)
            guard value <= 255 else { throw fail(tokenStart, "invalid syntax") }
            output.append(UInt8(value))
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let value = try readDigits(count: code == UInt8(ascii: "u") ? 4 : 8, radix: 16, tokenStart: tokenStart)
            guard let scalar = Unicode.Scalar(UInt32(value)) else { throw fail(tokenStart, "invalid syntax") }
            output.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            throw fail(tokenStart, "invalid syntax")
        }
    }

    private mutating func readDigits(count: Int, radix: Int, tokenStart: Int) throws -> Int {
        var value = 0
        for _ in 0..<count {
            guard let current = byte(at: position),
                let digit = Int(String(UnicodeScalar(current)), radix: radix)
            else {
                throw fail(tokenStart, "invalid syntax")
            }
            value = value * radix + digit
            position += 1
        }
        return value
    }

    private mutating func lexNumber() throws -> TemplateValue {
        let start = position
        if byte(at: position) == UInt8(ascii: "+") || byte(at: position) == UInt8(ascii: "-") { position += 1 }
        var digits = "0123456789_"
        var radixPrefix = false
        if byte(at: position) == UInt8(ascii: "0"), let marker = byte(at: position + 1) {
            switch marker | 0x20 {
            case UInt8(ascii: "x"): digits = "0123456789abcdefABCDEF_"
            case UInt8(ascii: "o"): digits = "01234567_"
            case UInt8(ascii: "b"): digits = "01_"
            default: break
            }
            if digits != "0123456789_" {
                radixPrefix = true
                position += 2
            }
        }
        let allowed = Set(digits.utf8)
        func skipRun(_ set: Set<UInt8>) {
            while let current = byte(at: position), set.contains(current) { position += 1 }
        }
        skipRun(allowed)
        if !radixPrefix && byte(at: position) == UInt8(ascii: ".") {
            position += 1
            skipRun(allowed)
        }
        if !radixPrefix, let marker = byte(at: position), marker | 0x20 == UInt8(ascii: "e") {
            position += 1
            if byte(at: position) == UInt8(ascii: "+") || byte(at: position) == UInt8(ascii: "-") { position += 1 }
            skipRun(Set("0123456789_".utf8))
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if let next = byte(at: position), Self.isAlphanumeric(next) || next == UInt8(ascii: ".") {
            while let current = byte(at: position), Self.isAlphanumeric(current) || current == UInt8(ascii: ".") {
                position += 1
            }
            let bad = String(decoding: bytes[start..<position], as: UTF8.self)
            throw fail(start, "bad number syntax: \(ValueFormatter.quoted(bad))")
        }
        guard let value = Self.numberValue(text) else {
            throw fail(start, "bad number syntax: \(ValueFormatter.quoted(text))")
        }
        return value
    }

    /// Go's rules: `0x`, `0o`, `0b` and a leading `0` pick the base; a `.` or an exponent makes a float.
    static func numberValue(_ text: String) -> TemplateValue? {
        var body = Substring(text.replacing("_", with: ""))
        var negative = false
        if let sign = body.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        guard !body.isEmpty else { return nil }
        let lowered = body.lowercased()
        var radix = 10
        var magnitudeDigits = Substring(lowered)
        if lowered.hasPrefix("0x") {
            radix = 16
            magnitudeDigits = magnitudeDigits.dropFirst(2)
        } else if lowered.hasPrefix("0o") {
            radix = 8
            magnitudeDigits = magnitudeDigits.dropFirst(2)
        } else if lowered.hasPrefix("0b") {
            radix = 2
            magnitudeDigits = magnitudeDigits.dropFirst(2)
        } else if lowered.contains(".") || lowered.contains("e") {
            guard let double = Double(lowered) else { return nil }
            return .double(negative ? -double : double)
        } else if lowered.count > 1 && lowered.hasPrefix("0") {
            radix = 8
            magnitudeDigits = magnitudeDigits.dropFirst()
        }
        guard !magnitudeDigits.isEmpty else { return nil }
        if let magnitude = Int(magnitudeDigits, radix: radix) {
            return .int(negative ? -magnitude : magnitude)
        }
        // Too big for an Int: Go keeps it as a float constant.
        guard radix == 10, let double = Double(magnitudeDigits) else { return nil }
        return .double(negative ? -double : double)
    }
}

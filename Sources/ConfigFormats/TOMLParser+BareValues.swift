import TraefikCore

/// Values written without quotes or brackets: booleans, numbers, and dates and times (kept as their spelling).
extension TOMLParser {
    mutating func parseBareValue() throws(ConfigError) -> ConfigNode.Value {
        if startsDateOrTime { return .string(try parseDateOrTime()) }
        let position = currentPosition
        let start = cursor.offset
        cursor.advance(over: Self.isBareValueByte)
        let token = cursor.bytes[start..<cursor.offset]
        if token.elementsEqual("true".utf8) { return .bool(true) }
        if token.elementsEqual("false".utf8) { return .bool(false) }
        do {
            return try TOMLNumber.value(of: token)
        } catch {
            let spelling = String(decoding: token, as: UTF8.self)
            let startsWithLetter = token.first.map { !Self.isDigit($0) && $0 != UInt8(ascii: "+")
                && $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: ".") } ?? false
            let message = startsWithLetter
                ? "invalid value \(spelling.debugDescription): strings need quotes, booleans are true or false"
                : error.message
            throw ConfigError(at: position, keyPath: "", message: message)
        }
    }

    /// `1979-05-27…` or `07:32…`.
    private var startsDateOrTime: Bool {
        let cursor = cursor
        let isDigitAt = { (distance: Int) in cursor.peek(at: distance).map(Self.isDigit) ?? false }
        return (isDigitAt(0) && isDigitAt(1) && isDigitAt(2) && isDigitAt(3) && cursor.peek(at: 4) == UInt8(ascii: "-"))
            || (isDigitAt(0) && isDigitAt(1) && cursor.peek(at: 2) == UInt8(ascii: ":"))
    }

    /// An offset date-time, local date-time, local date or local time (RFC 3339, `T` or a space between date and
    /// time), checked field by field; returns its spelling.
    private mutating func parseDateOrTime() throws(ConfigError) -> String {
        let start = cursor.offset
        let position = currentPosition
        if cursor.peek(at: 2) == UInt8(ascii: ":") {
            try readTime(startingAt: position)
        } else {
            try readDate(startingAt: position)
            let spaceBeforeTime = cursor.peek() == UInt8(ascii: " ") && (cursor.peek(at: 1).map(Self.isDigit) ?? false)
                && (cursor.peek(at: 2).map(Self.isDigit) ?? false) && cursor.peek(at: 3) == UInt8(ascii: ":")
            if cursor.peek() == UInt8(ascii: "T") || cursor.peek() == UInt8(ascii: "t") || spaceBeforeTime {
                cursor.advance()
                try readTime(startingAt: position)
                try readOffset(startingAt: position)
            }
        }
        return String(decoding: cursor.bytes[start..<cursor.offset], as: UTF8.self)
    }

    private mutating func readDate(startingAt position: SourcePosition) throws(ConfigError) {
        let year = try readNumber(digits: 4, of: "date")
        try expectSeparator("-", of: "date")
        let month = try readNumber(digits: 2, of: "date")
        try expectSeparator("-", of: "date")
        let day = try readNumber(digits: 2, of: "date")
        guard (1...12).contains(month) else {
            throw ConfigError(at: position, keyPath: "", message: "invalid date: there is no month \(month)")
        }
        let isLeapYear = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let daysInMonth = [31, isLeapYear ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...daysInMonth).contains(day) else {
            throw ConfigError(at: position, keyPath: "", message: "invalid date: month \(month) of \(year) has no day \(day)")
        }
    }

    /// `HH:MM:SS` with optional fractional seconds; TOML 1.0 requires the seconds. Second 60 is a leap second.
    private mutating func readTime(startingAt position: SourcePosition) throws(ConfigError) {
        let hour = try readNumber(digits: 2, of: "time")
        try expectSeparator(":", of: "time")
        let minute = try readNumber(digits: 2, of: "time")
        try expectSeparator(":", of: "time")
        let second = try readNumber(digits: 2, of: "time")
        if cursor.peek() == UInt8(ascii: ".") {
            cursor.advance()
            guard cursor.peek().map(Self.isDigit) ?? false else { throw syntaxError("invalid time: digits expected after \".\"") }
            while let byte = cursor.peek(), Self.isDigit(byte) { cursor.advance() }
        }
        guard hour < 24, minute < 60, second <= 60 else {
            throw ConfigError(at: position, keyPath: "", message: "invalid time: \(hour):\(minute):\(second) is out of range")
        }
    }

    /// `Z` or `±HH:MM` after a date-time's time; absent for a local date-time.
    private mutating func readOffset(startingAt position: SourcePosition) throws(ConfigError) {
        switch cursor.peek() {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            cursor.advance()
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            cursor.advance()
            let hours = try readNumber(digits: 2, of: "time offset")
            try expectSeparator(":", of: "time offset")
            let minutes = try readNumber(digits: 2, of: "time offset")
            guard hours < 24, minutes < 60 else {
                throw ConfigError(at: position, keyPath: "", message: "invalid time offset: \(hours):\(minutes) is out of range")
            }
        default:
            return
        }
    }

    private mutating func readNumber(digits: Int, of what: String) throws(ConfigError) -> Int {
        var number = 0
        for _ in 0..<digits {
            guard let byte = cursor.peek(), Self.isDigit(byte) else {
                throw syntaxError("invalid \(what): expected a digit, found \(currentCharacter)")
            }
            number = number * 10 + Int(byte - UInt8(ascii: "0"))
            cursor.advance()
        }
        return number
    }

    private mutating func expectSeparator(_ separator: Unicode.Scalar, of what: String) throws(ConfigError) {
        guard cursor.peek() == UInt8(ascii: separator) else {
            throw syntaxError("invalid \(what): expected \"\(separator)\", found \(currentCharacter)")
        }
        cursor.advance()
    }
}

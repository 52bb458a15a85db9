/// Reads a TOML number from its spelling: decimal integers (a sign, no leading zeros, underscores between digits),
/// `0x`/`0o`/`0b` integers (no sign), and floats with a fraction and/or an exponent, or `inf`/`nan` with a sign.
/// Integers must fit in 64 bits.
enum TOMLNumber {
    struct Invalid: Error {
        var message: String
    }

    static func value(of token: Slice<UnsafeBufferPointer<UInt8>>) throws(Invalid) -> ConfigNode.Value {
        let spelling = String(decoding: token, as: UTF8.self)
        var rest = token
        var sign: UInt8?
        if let first = rest.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            sign = first
            rest = rest.dropFirst()
        }
        let isNegative = sign == UInt8(ascii: "-")
        switch String(decoding: rest, as: UTF8.self) {
        case "inf": return .double(isNegative ? -.infinity : .infinity)
        case "nan": return .double(isNegative ? -.nan : .nan)
        default: break
        }
        if rest.count >= 2, rest.first == UInt8(ascii: "0"), let radix = radix(of: rest[rest.startIndex + 1]) {
            guard sign == nil else {
                throw Invalid(message: "invalid number \(spelling.debugDescription): a hexadecimal, octal or binary integer has no sign")
            }
            let digits = try digits(rest.dropFirst(2), radix: radix, in: spelling)
            guard let number = Int64(String(decoding: digits, as: UTF8.self), radix: radix) else {
                throw Invalid(message: "integer \(spelling) does not fit in 64 bits")
            }
            return .int(number)
        }
        return try decimal(rest, negative: isNegative, spelling: spelling)
    }

    private static func decimal(_ text: Slice<UnsafeBufferPointer<UInt8>>, negative: Bool, spelling: String) throws(Invalid) -> ConfigNode.Value {
        let isExponentMark = { (byte: UInt8) in byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") }
        let integerEnd = text.firstIndex { $0 == UInt8(ascii: ".") || isExponentMark($0) } ?? text.endIndex
        let integer = try digits(text[..<integerEnd], radix: 10, in: spelling)
        if integer.count > 1 && integer.first == UInt8(ascii: "0") {
            throw Invalid(message: "invalid number \(spelling.debugDescription): leading zeros are not allowed")
        }
        var literal = (negative ? "-" : "") + String(decoding: integer, as: UTF8.self)
        var rest = text[integerEnd...]
        let isInteger = rest.isEmpty
        if rest.first == UInt8(ascii: ".") {
            let fractionEnd = rest.firstIndex(where: isExponentMark) ?? rest.endIndex
            literal += "." + String(decoding: try digits(rest[(rest.startIndex + 1)..<fractionEnd], radix: 10, in: spelling),
                                    as: UTF8.self)
            rest = rest[fractionEnd...]
        }
        if let mark = rest.first, isExponentMark(mark) {
            var exponent = rest.dropFirst()
            literal += "e"
            if let exponentSign = exponent.first, exponentSign == UInt8(ascii: "+") || exponentSign == UInt8(ascii: "-") {
                literal.append(Character(Unicode.Scalar(exponentSign)))
                exponent = exponent.dropFirst()
            }
            literal += String(decoding: try digits(exponent, radix: 10, in: spelling), as: UTF8.self)
            rest = rest[rest.endIndex...]
        }
        guard rest.isEmpty else { throw Invalid(message: "invalid number \(spelling.debugDescription)") }
        if isInteger {
            guard let number = Int64(literal) else { throw Invalid(message: "integer \(spelling) does not fit in 64 bits") }
            return .int(number)
        }
        guard let number = Double(literal) else { throw Invalid(message: "invalid number \(spelling.debugDescription)") }
        return .double(number)
    }

    /// The digits of `part` without its underscores; each underscore must stand between two digits.
    private static func digits(_ part: Slice<UnsafeBufferPointer<UInt8>>, radix: Int, in spelling: String) throws(Invalid) -> [UInt8] {
        guard !part.isEmpty else {
            throw Invalid(message: "invalid number \(spelling.debugDescription): digits expected")
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(part.count)
        var previousIsDigit = false
        for byte in part {
            if byte == UInt8(ascii: "_") {
                guard previousIsDigit else { throw underscoreError(spelling) }
                previousIsDigit = false
                continue
            }
            guard let value = TOMLParser.hexDigitValue(byte), Int(value) < radix else {
                throw Invalid(message: "invalid number \(spelling.debugDescription)")
            }
            digits.append(byte)
            previousIsDigit = true
        }
        guard previousIsDigit else { throw underscoreError(spelling) }
        return digits
    }

    private static func underscoreError(_ spelling: String) -> Invalid {
        Invalid(message: "invalid number \(spelling.debugDescription): an underscore must stand between two digits")
    }

    private static func radix(of prefix: UInt8) -> Int? {
        switch prefix {
        case UInt8(ascii: "x"): 16
        case UInt8(ascii: "o"): 8
        case UInt8(ascii: "b"): 2
        default: nil
        }
    }
}

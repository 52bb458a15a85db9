/// Go's `fmt` printing for template values: `%v` for `{{.}}`, `print`, `println` and `printf`.
enum ValueFormatter {
    // MARK: %v

    /// A render stops with an error past this (Go has no limit): a width of up to ten million applies to every
    /// element of a list or map, so a short template could otherwise build gigabytes. Rendered configuration is
    /// far smaller; `printf` stops formatting once its own result is past it.
    static let maximumOutputBytes = 16 << 20

    /// What an action prints: Go shows a missing value (nil) as `<no value>`.
    static func appendAction(_ value: TemplateValue, to output: inout String) {
        switch value {
        case .null: output += "<no value>"
        case .string(let text): output += text
        default: appendDefault(value, to: &output)
        }
    }

    static func appendDefault(_ value: TemplateValue, to output: inout String) {
        switch value {
        case .null: output += "<nil>"
        case .bool(let flag): output += flag ? "true" : "false"
        case .int(let number): output += String(number)
        case .double(let number): output += shortestFloat(number)
        case .string(let text): output += text
        case .list(let items):
            output += "["
            for (position, item) in items.enumerated() {
                if position > 0 { output += " " }
                appendDefault(item, to: &output)
            }
            output += "]"
        case .map(let entries):
            output += "map["
            for (position, key) in entries.keys.sorted(by: goStringLess).enumerated() {
                if position > 0 { output += " " }
                output += key
                output += ":"
                appendDefault(entries[key] ?? .null, to: &output)
            }
            output += "]"
        }
    }

    /// `fmt.Sprint`: a space between operands when neither is a string.
    static func sprint(_ values: [TemplateValue]) -> String {
        var output = ""
        var previousIsString = false
        for (position, value) in values.enumerated() {
            let isString = value.asString != nil
            if position > 0 && !isString && !previousIsString { output += " " }
            appendDefault(value, to: &output)
            previousIsString = isString
        }
        return output
    }

    /// `fmt.Sprintln`: always a space between operands, and a final newline.
    static func sprintln(_ values: [TemplateValue]) -> String {
        var output = ""
        for (position, value) in values.enumerated() {
            if position > 0 { output += " " }
            appendDefault(value, to: &output)
        }
        return output + "\n"
    }

    // MARK: printf

    private struct Directive {
        var leftAlign = false
        var plus = false
        var zeroPad = false
        var space = false
        var sharp = false
        var width: Int? = nil
        var precision: Int? = nil
        var verb: Unicode.Scalar = "v"
    }

    /// `fmt.Sprintf` for the verbs templates use: v s q d t x X o b c U e E f F g G and `%%`, with flags
    /// `-+ 0`, width and precision; mistakes print Go's `%!verb(type=value)` forms.
    static func sprintf(_ format: String, _ arguments: [TemplateValue]) -> String {
        var output = ""
        let scalars = Array(format.unicodeScalars)
        var position = 0
        var nextArgument = 0
        // Go's parsenum: a number already above 1e6 when another digit comes is "crazy long": the rest of the
        // format is skipped, which then reports %!(NOVERB).
        func readNumber() -> Int? {
            var value: Int? = nil
            while position < scalars.count, let digit = Int(String(scalars[position])), digit >= 0,
                scalars[position].isASCII
            {
                if let value, value > 1_000_000 {
                    position = scalars.count
                    return nil
                }
                value = (value ?? 0) * 10 + digit
                position += 1
            }
            return value
        }
        while position < scalars.count, output.utf8.count <= maximumOutputBytes {
            let scalar = scalars[position]
            position += 1
            guard scalar == "%" else {
                output.unicodeScalars.append(scalar)
                continue
            }
            var directive = Directive()
            flags: while position < scalars.count {
                switch scalars[position] {
                case "-": directive.leftAlign = true
                case "+": directive.plus = true
                case "0": directive.zeroPad = true
                case " ": directive.space = true
                case "#": directive.sharp = true
                default: break flags
                }
                position += 1
            }
            directive.width = readNumber()
            if position < scalars.count && scalars[position] == "." {
                position += 1
                directive.precision = readNumber() ?? 0
            }
            guard position < scalars.count else {
                output += "%!(NOVERB)"
                break
            }
            directive.verb = scalars[position]
            position += 1
            if directive.verb == "%" {
                output += "%"
                continue
            }
            guard nextArgument < arguments.count else {
                output += "%!\(directive.verb)(MISSING)"
                continue
            }
            append(arguments[nextArgument], directive, to: &output)
            nextArgument += 1
        }
        if nextArgument < arguments.count {
            let extras = arguments[nextArgument...].map { value in
                value == .null ? "<nil>" : "\(value.goTypeName)=\(value.printed)"
            }
            output += "%!(EXTRA \(extras.joined(separator: ", ")))"
        }
        return output
    }

    private static func append(_ value: TemplateValue, _ directive: Directive, to output: inout String) {
        switch value {
        case .list(let items):
            // Like Go, a list applies the verb (and width) to each element.
            output += "["
            for (position, item) in items.enumerated() {
                if output.utf8.count > maximumOutputBytes { return }
                if position > 0 { output += " " }
                append(item, directive, to: &output)
            }
            output += "]"
            return
        case .map(let entries):
            output += "map["
            for (position, key) in entries.keys.sorted(by: goStringLess).enumerated() {
                if output.utf8.count > maximumOutputBytes { return }
                if position > 0 { output += " " }
                append(.string(key), directive, to: &output)
                output += ":"
                append(entries[key] ?? .null, directive, to: &output)
            }
            output += "]"
            return
        default:
            break
        }
        guard let (text, isNumeric) = formatScalar(value, directive) else {
            output += "%!\(directive.verb)("
            output += value == .null ? "<nil>" : "\(value.goTypeName)=\(value.printed)"
            output += ")"
            return
        }
        output += pad(text, directive, isNumeric: isNumeric)
    }

    /// The text for one non-collection value, or nil when the verb doesn't apply to it.
    private static func formatScalar(_ value: TemplateValue, _ directive: Directive) -> (String, Bool)? {
        let verb = directive.verb
        switch (value, verb) {
        case (.null, "v"):
            return ("<nil>", false)
        case (.bool(let flag), "v"), (.bool(let flag), "t"):
            return (flag ? "true" : "false", false)
        case (.int(let number), "v"), (.int(let number), "d"):
            return (signed(number, radix: 10, uppercase: false, directive), true)
        case (.int(let number), "x"), (.int(let number), "X"):
            return (signed(number, radix: 16, uppercase: verb == "X", directive), true)
        case (.int(let number), "o"):
            return (signed(number, radix: 8, uppercase: false, directive), true)
        case (.int(let number), "b"):
            return (signed(number, radix: 2, uppercase: false, directive), true)
        case (.int(let number), "c"):
            return (String(Character(Unicode.Scalar(UInt32(clamping: max(number, 0))) ?? "\u{FFFD}")), false)
        case (.int(let number), "q"):
            let scalar = Unicode.Scalar(UInt32(clamping: max(number, 0))) ?? "\u{FFFD}"
            return (quotedRune(scalar), false)
        case (.int(let number), "U"):
            return ("U+" + hexDigits(number, uppercase: true, minimumWidth: 4), false)
        case (.double(let number), "v"):
            let text = directive.precision.map { floatText(number, verb: "g", precision: $0) } ?? shortestFloat(number)
            return (withSign(text, number < 0 || (number == 0 && number.sign == .minus), directive), true)
        case (.double(let number), "e"), (.double(let number), "E"), (.double(let number), "f"),
            (.double(let number), "F"), (.double(let number), "g"), (.double(let number), "G"):
            let lowered: Unicode.Scalar = verb == "E" ? "e" : verb == "F" ? "f" : verb == "G" ? "g" : verb
            var text: String
            if lowered == "g" && directive.precision == nil {
                text = shortestFloat(number)
            } else {
                text = floatText(number, verb: lowered, precision: directive.precision ?? 6)
            }
            if verb == "E" || verb == "G" { text = text.uppercased() }
            return (withSign(text, number.sign == .minus, directive), true)
        case (.string(let text), "v"), (.string(let text), "s"):
            return (truncated(text, directive.precision), false)
        case (.string(let text), "q"):
            return (quoted(truncated(text, directive.precision)), false)
        case (.string(let text), "x"), (.string(let text), "X"):
            var hex = ""
            for byte in text.utf8 {
                hex += hexDigits(Int(byte), uppercase: verb == "X", minimumWidth: 2)
            }
            return (hex, false)
        default:
            return nil
        }
    }

    private static func truncated(_ text: String, _ precision: Int?) -> String {
        guard let precision, text.unicodeScalars.count > precision else { return text }
        var result = ""
        result.unicodeScalars.append(contentsOf: text.unicodeScalars.prefix(precision))
        return result
    }

    private static func signed(_ number: Int, radix: Int, uppercase: Bool, _ directive: Directive) -> String {
        var digits = String(number.magnitude, radix: radix, uppercase: uppercase)
        if let precision = directive.precision, digits.count < precision {
            digits = String(repeating: "0", count: precision - digits.count) + digits
        }
        if directive.sharp {
            switch radix {
            case 16: digits = (uppercase ? "0X" : "0x") + digits
            case 8: digits = "0" + digits
            case 2: digits = "0b" + digits
            default: break
            }
        }
        return withSign(digits, number < 0, directive)
    }

    private static func withSign(_ digits: String, _ negative: Bool, _ directive: Directive) -> String {
        let unsigned = digits.hasPrefix("-") ? String(digits.dropFirst()) : digits
        if negative { return "-" + unsigned }
        if directive.plus { return "+" + unsigned }
        if directive.space { return " " + unsigned }
        return unsigned
    }

    private static func pad(_ text: String, _ directive: Directive, isNumeric: Bool) -> String {
        guard let width = directive.width else { return text }
        let length = text.unicodeScalars.count
        guard length < width else { return text }
        let fill = width - length
        if directive.leftAlign {
            return text + String(repeating: " ", count: fill)
        }
        if directive.zeroPad {
            // Zeros go after the sign of a number.
            if isNumeric, let sign = text.first, sign == "-" || sign == "+" || sign == " " {
                return String(sign) + String(repeating: "0", count: fill) + text.dropFirst()
            }
            return String(repeating: "0", count: fill) + text
        }
        return String(repeating: " ", count: fill) + text
    }

    // MARK: Floats

    /// Decimal digits of a finite, non-negative double, as Swift's shortest round-trip text gives them:
    /// value = 0.d₁d₂… × 10^pointPosition, without leading or trailing zeros.
    private static func decimalDigits(_ magnitude: Double) -> (digits: [UInt8], pointPosition: Int) {
        let text = magnitude.description
        var mantissa = Substring(text)
        var exponent = 0
        if let marker = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<marker]
            exponent = Int(text[text.index(after: marker)...]) ?? 0
        }
        var digits: [UInt8] = []
        var integerDigits = 0
        var seenPoint = false
        for character in mantissa.utf8 {
            if character == UInt8(ascii: ".") {
                seenPoint = true
                continue
            }
            digits.append(character - UInt8(ascii: "0"))
            if !seenPoint { integerDigits += 1 }
        }
        var pointPosition = integerDigits + exponent
        while let first = digits.first, first == 0 {
            digits.removeFirst()
            pointPosition -= 1
        }
        while let last = digits.last, last == 0 { digits.removeLast() }
        if digits.isEmpty { pointPosition = 0 }
        return (digits, pointPosition)
    }

    /// The exact decimal digits of a finite, non-negative double (a binary fraction always has a finite decimal
    /// expansion), so that `%f`/`%e`/`%g` with a precision round exactly as Go does.
    private static func exactDecimalDigits(_ magnitude: Double) -> (digits: [UInt8], pointPosition: Int) {
        guard magnitude != 0 else { return ([], 0) }
        let isNormal = magnitude.exponentBitPattern != 0
        let significand = magnitude.significandBitPattern | (isNormal ? 1 << 52 : 0)
        let binaryExponent = isNormal ? Int(magnitude.exponentBitPattern) - 1075 : -1074
        // Little-endian limbs in base 10⁹, which turn into decimal text directly.
        var limbs: [UInt64] = [significand % 1_000_000_000, significand / 1_000_000_000]  // significand < 2⁵³
        func multiply(by factor: UInt64) {
            var carry: UInt64 = 0
            for index in limbs.indices {
                let product = limbs[index] * factor + carry
                limbs[index] = product % 1_000_000_000
                carry = product / 1_000_000_000
            }
            while carry > 0 {
                limbs.append(carry % 1_000_000_000)
                carry /= 1_000_000_000
            }
        }
        // m·2^e is m·2^e for e ≥ 0, and m·5^(−e) / 10^(−e) for e < 0.
        var remaining = abs(binaryExponent)
        let (chunk, chunkPower): (UInt64, Int) = binaryExponent >= 0 ? (1 << 29, 29) : (1_220_703_125, 13)
        while remaining >= chunkPower {
            multiply(by: chunk)
            remaining -= chunkPower
        }
        if remaining > 0 {
            var factor: UInt64 = 1
            for _ in 0..<remaining { factor *= binaryExponent >= 0 ? 2 : 5 }
            multiply(by: factor)
        }
        while limbs.count > 1 && limbs[limbs.count - 1] == 0 { limbs.removeLast() }
        var digits: [UInt8] = []
        for (position, limb) in limbs.reversed().enumerated() {
            let text = Array(String(limb).utf8)
            if position > 0 {
                digits.append(contentsOf: repeatElement(0, count: 9 - text.count))
            }
            digits.append(contentsOf: text.map { $0 - UInt8(ascii: "0") })
        }
        let pointPosition = digits.count + min(binaryExponent, 0)
        while let last = digits.last, last == 0 { digits.removeLast() }
        return (digits, pointPosition)
    }

    /// Rounds exact digits to `count` significant digits, half to even as Go's strconv does.
    private static func rounded(
        _ digits: [UInt8],
        _ pointPosition: Int,
        significant count: Int
    ) -> ([UInt8], Int) {
        guard count < digits.count else { return (digits, pointPosition) }
        guard count >= 0 else { return ([], pointPosition) }
        var kept = Array(digits[0..<count])
        var position = pointPosition
        let next = digits[count]
        let isTie = next == 5 && count + 1 == digits.count
        let roundsUp = next > 5 || (next == 5 && (!isTie || (kept.last.map { $0 % 2 == 1 } ?? false)))
        if roundsUp {
            var index = count - 1
            while index >= 0 && kept[index] == 9 {
                kept[index] = 0
                index -= 1
            }
            if index >= 0 {
                kept[index] += 1
            } else {
                kept.insert(1, at: 0)
                position += 1
            }
        }
        while let last = kept.last, last == 0 { kept.removeLast() }
        if kept.isEmpty { position = 0 }
        return (kept, position)
    }

    private static func specialFloat(_ number: Double) -> String? {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Inf" : "+Inf" }
        return nil
    }

    /// `%v` / `%g` with the shortest digits that read back as the same double; Go switches to the exponent form
    /// from 1e+06 on and below 1e-04.
    static func shortestFloat(_ number: Double) -> String {
        if let special = specialFloat(number) { return special }
        let (digits, pointPosition) = decimalDigits(number.magnitude)
        let sign = number.sign == .minus ? "-" : ""
        let exponent = pointPosition - 1
        if !digits.isEmpty && (exponent < -4 || exponent >= 6) {
            return sign + exponentForm(digits, exponent: exponent, fractionDigits: digits.count - 1)
        }
        return sign + fixedForm(digits, pointPosition, fractionDigits: max(digits.count - pointPosition, 0))
    }

    private static func floatText(_ number: Double, verb: Unicode.Scalar, precision: Int) -> String {
        if let special = specialFloat(number) { return special }
        let sign = number.sign == .minus ? "-" : ""
        let (digits, pointPosition) = exactDecimalDigits(number.magnitude)
        switch verb {
        case "e":
            let (kept, position) = rounded(digits, pointPosition, significant: precision + 1)
            return sign + exponentForm(kept, exponent: kept.isEmpty ? 0 : position - 1, fractionDigits: precision)
        case "f":
            let (kept, position) = rounded(digits, pointPosition, significant: pointPosition + precision)
            return sign + fixedForm(kept, position, fractionDigits: precision)
        default:
            let significant = max(precision, 1)
            let (kept, position) = rounded(digits, pointPosition, significant: significant)
            let exponent = position - 1
            if !kept.isEmpty && (exponent < -4 || exponent >= significant) {
                return sign + exponentForm(kept, exponent: exponent, fractionDigits: max(kept.count - 1, 0))
            }
            return sign + fixedForm(kept, position, fractionDigits: max(kept.count - position, 0))
        }
    }

    private static func exponentForm(_ digits: [UInt8], exponent: Int, fractionDigits: Int) -> String {
        var text = String(digits.first ?? 0)
        if fractionDigits > 0 {
            text += "."
            for index in 1...fractionDigits {
                text += String(index < digits.count ? digits[index] : 0)
            }
        }
        let magnitude = String(exponent.magnitude)
        text += exponent < 0 ? "e-" : "e+"
        text += magnitude.count < 2 ? "0" + magnitude : magnitude
        return text
    }

    private static func fixedForm(_ digits: [UInt8], _ pointPosition: Int, fractionDigits: Int) -> String {
        func digit(_ index: Int) -> String {
            index >= 0 && index < digits.count ? String(digits[index]) : "0"
        }
        var text = ""
        if pointPosition <= 0 {
            text = "0"
        } else {
            for index in 0..<pointPosition { text += digit(index) }
        }
        if fractionDigits > 0 {
            text += "."
            for index in 0..<fractionDigits { text += digit(pointPosition + index) }
        }
        return text
    }

    // MARK: Quoting

    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x20 || value == 0x7F { return false }
        if value >= 0x80 && value < 0xA0 { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator:
            return false
        case .spaceSeparator:
            return value == 0x20
        default:
            return true
        }
    }

    static func hexDigits(_ number: Int, uppercase: Bool, minimumWidth: Int) -> String {
        let digits = String(number, radix: 16, uppercase: uppercase)
        return digits.count < minimumWidth ? String(repeating: "0", count: minimumWidth - digits.count) + digits : digits
    }

    /// `strconv.Quote`.
    static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            appendEscaped(scalar, quote: "\"", to: &output)
        }
        return output + "\""
    }

    private static func quotedRune(_ scalar: Unicode.Scalar) -> String {
        var output = "'"
        appendEscaped(scalar, quote: "'", to: &output)
        return output + "'"
    }

    private static func appendEscaped(_ scalar: Unicode.Scalar, quote: Unicode.Scalar, to output: inout String) {
        switch scalar {
        case quote: output += "\\" + String(quote)
        case "\\": output += "\\\\"
        case "\u{07}": output += "\\a"
        case "\u{08}": output += "\\b"
        case "\u{0C}": output += "\\f"
        case "\n": output += "\\n"
        case "\r": output += "\\r"
        case "\t": output += "\\t"
        case "\u{0B}": output += "\\v"
        default:
            if isPrintable(scalar) {
                output.unicodeScalars.append(scalar)
            } else if scalar.value < 0x80 {
                output += "\\x" + hexDigits(Int(scalar.value), uppercase: false, minimumWidth: 2)
            } else if scalar.value < 0x10000 {
                output += "\\u" + hexDigits(Int(scalar.value), uppercase: false, minimumWidth: 4)
            } else {
                output += "\\U" + hexDigits(Int(scalar.value), uppercase: false, minimumWidth: 8)
            }
        }
    }
}

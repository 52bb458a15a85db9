/// Go text/template's predefined functions (`call` is absent: template values are never functions).
enum Builtin: String, CaseIterable, Sendable {
    case and, or, not, len, index, slice
    case eq, ne, lt, le, gt, ge
    case print, printf, println
    case urlquery, html, js
}

enum Builtins {
    static func call(_ builtin: Builtin, _ arguments: [TemplateValue]) throws(EvaluationFailure) -> TemplateValue {
        switch builtin {
        case .and, .or:
            try requireAtLeast(1, arguments, builtin)
            // The executor short-circuits; this path only sees already evaluated arguments.
            let decisive = arguments.first { $0.isTruthy == (builtin == .or) }
            return decisive ?? arguments[arguments.count - 1]
        case .not:
            try requireExactly(1, arguments, builtin)
            return .bool(!arguments[0].isTruthy)
        case .len:
            try requireExactly(1, arguments, builtin)
            return .int(try length(arguments[0]))
        case .index:
            try requireAtLeast(1, arguments, builtin)
            return try index(arguments[0], by: arguments.dropFirst())
        case .slice:
            try requireAtLeast(1, arguments, builtin)
            return try slice(arguments[0], by: Array(arguments.dropFirst()))
        case .eq:
            try requireAtLeast(1, arguments, builtin)
            guard arguments.count > 1 else { throw .failed("missing argument for comparison") }
            for other in arguments.dropFirst() where try equal(arguments[0], other) {
                return .bool(true)
            }
            return .bool(false)
        case .ne:
            try requireExactly(2, arguments, builtin)
            return .bool(!(try equal(arguments[0], arguments[1])))
        case .lt:
            try requireExactly(2, arguments, builtin)
            return .bool(try less(arguments[0], arguments[1]))
        case .le:
            try requireExactly(2, arguments, builtin)
            return .bool(try lessOrEqual(arguments[0], arguments[1]))
        case .gt:
            try requireExactly(2, arguments, builtin)
            return .bool(!(try lessOrEqual(arguments[0], arguments[1])))
        case .ge:
            try requireExactly(2, arguments, builtin)
            return .bool(!(try less(arguments[0], arguments[1])))
        case .print:
            return .string(ValueFormatter.sprint(arguments))
        case .println:
            return .string(ValueFormatter.sprintln(arguments))
        case .printf:
            try requireAtLeast(1, arguments, builtin)
            guard case .string(let format) = arguments[0] else {
                throw .wrongArguments("wrong type for value; expected string; got \(arguments[0].goTypeName)")
            }
            return .string(ValueFormatter.sprintf(format, Array(arguments.dropFirst())))
        case .urlquery:
            return .string(Escaping.urlQuery(escapingText(arguments)))
        case .html:
            return .string(Escaping.html(escapingText(arguments)))
        case .js:
            return .string(Escaping.javaScript(escapingText(arguments)))
        }
    }

    private static func requireExactly(
        _ count: Int,
        _ arguments: [TemplateValue],
        _ builtin: Builtin
    ) throws(EvaluationFailure) {
        guard arguments.count == count else {
            throw .wrongArguments("wrong number of args for \(builtin.rawValue): want \(count) got \(arguments.count)")
        }
    }

    private static func requireAtLeast(
        _ count: Int,
        _ arguments: [TemplateValue],
        _ builtin: Builtin
    ) throws(EvaluationFailure) {
        guard arguments.count >= count else {
            throw .wrongArguments(
                "wrong number of args for \(builtin.rawValue): want at least \(count) got \(arguments.count)"
            )
        }
    }

    /// The escaping functions take their single string argument as is, and `fmt.Sprint` of anything else.
    private static func escapingText(_ arguments: [TemplateValue]) -> String {
        if arguments.count == 1, case .string(let text) = arguments[0] {
            return text
        }
        return ValueFormatter.sprint(arguments)
    }

    private static func length(_ value: TemplateValue) throws(EvaluationFailure) -> Int {
        switch value {
        case .string(let text): return text.utf8.count  // Go counts bytes
        case .list(let items): return items.count
        case .map(let entries): return entries.count
        case .null: throw .failed("len of nil pointer")
        default: throw .failed("len of type \(value.goTypeName)")
        }
    }

    private static func integerIndex(_ value: TemplateValue) throws(EvaluationFailure) -> Int {
        switch value {
        case .int(let position): return position
        case .null: throw .failed("cannot index slice/array with nil")
        default: throw .failed("cannot index slice/array with type \(value.goTypeName)")
        }
    }

    private static func index(
        _ item: TemplateValue,
        by indexes: ArraySlice<TemplateValue>
    ) throws(EvaluationFailure) -> TemplateValue {
        var current = item
        for index in indexes {
            switch current {
            case .null:
                throw .failed("index of untyped nil")
            case .list(let items):
                let position = try integerIndex(index)
                guard position >= 0 && position < items.count else { throw .failed("index out of range: \(position)") }
                current = items[position]
            case .string(let text):
                let position = try integerIndex(index)
                let bytes = text.utf8
                guard position >= 0 && position < bytes.count else {
                    throw .failed("index out of range: \(position)")
                }
                current = .int(Int(bytes[bytes.index(bytes.startIndex, offsetBy: position)]))
            case .map(let entries):
                guard case .string(let key) = index else {
                    if index == .null { throw .failed("value is nil; should be of type string") }
                    throw .failed("value has type \(index.goTypeName); should be string")
                }
                current = entries[key] ?? .null
            default:
                throw .failed("can't index item of type \(current.goTypeName)")
            }
        }
        return current
    }

    private static func slice(
        _ item: TemplateValue,
        by indexes: [TemplateValue]
    ) throws(EvaluationFailure) -> TemplateValue {
        guard indexes.count <= 3 else { throw .failed("too many slice indexes: \(indexes.count)") }
        let length: Int
        switch item {
        case .null:
            throw .failed("slice of untyped nil")
        case .string(let text):
            guard indexes.count < 3 else { throw .failed("cannot 3-index slice a string") }
            length = text.utf8.count
        case .list(let items):
            length = items.count
        default:
            throw .failed("can't slice item of type \(item.goTypeName)")
        }
        var bounds = [0, length, length]
        for (position, index) in indexes.enumerated() {
            let value = try integerIndex(index)
            guard value >= 0 && value <= length else { throw .failed("index out of range: \(value)") }
            bounds[position] = value
        }
        guard bounds[0] <= bounds[1] else { throw .failed("invalid slice index: \(bounds[0]) > \(bounds[1])") }
        if indexes.count == 3 && bounds[1] > bounds[2] {
            throw .failed("invalid slice index: \(bounds[1]) > \(bounds[2])")
        }
        switch item {
        case .string(let text):
            let bytes = Array(text.utf8)[bounds[0]..<bounds[1]]
            return .string(String(decoding: bytes, as: UTF8.self))
        case .list(let items):
            return .list(Array(items[bounds[0]..<bounds[1]]))
        default:
            return item
        }
    }

    /// Go's `eq`: nil equals only nil; basic values of the same kind compare by value. Unlike Go, an int and a
    /// float compare numerically instead of failing, which only accepts more templates.
    static func equal(_ left: TemplateValue, _ right: TemplateValue) throws(EvaluationFailure) -> Bool {
        switch (left, right) {
        case (.null, .null): return true
        case (.null, _), (_, .null): return false
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.int(let a), .double(let b)): return Double(a) == b
        case (.double(let a), .int(let b)): return a == Double(b)
        case (.list, .list), (.map, .map):
            throw .failed("non-comparable type \(left.printed): \(left.goTypeName)")
        default:
            throw .failed("incompatible types for comparison")
        }
    }

    static func less(_ left: TemplateValue, _ right: TemplateValue) throws(EvaluationFailure) -> Bool {
        switch (left, right) {
        case (.int(let a), .int(let b)): return a < b
        case (.double(let a), .double(let b)): return a < b
        case (.int(let a), .double(let b)): return Double(a) < b
        case (.double(let a), .int(let b)): return a < Double(b)
        case (.string(let a), .string(let b)): return goStringLess(a, b)
        default:
            if isOrderable(left) && isOrderable(right) {
                throw .failed("incompatible types for comparison")
            }
            throw .failed("invalid type for comparison")
        }
    }

    private static func isOrderable(_ value: TemplateValue) -> Bool {
        switch value {
        case .int, .double, .string: true
        default: false
        }
    }

    private static func lessOrEqual(_ left: TemplateValue, _ right: TemplateValue) throws(EvaluationFailure) -> Bool {
        if try less(left, right) { return true }
        return try equal(left, right)
    }
}

/// The escaping functions of Go's text/template.
enum Escaping {
    private static let upperHex = Array("0123456789ABCDEF".utf8)

    /// `url.QueryEscape`: unreserved characters stay, a space becomes `+`, every other byte `%XX`.
    static func urlQuery(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                output.append(byte)
            case UInt8(ascii: " "):
                output.append(UInt8(ascii: "+"))
            default:
                output.append(UInt8(ascii: "%"))
                output.append(upperHex[Int(byte >> 4)])
                output.append(upperHex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func html(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "&#34;"
            case "'": output += "&#39;"
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\0": output += "\u{FFFD}"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    static func javaScript(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": output += "\\\\"
            case "'": output += "\\'"
            case "\"": output += "\\\""
            case "<": output += "\\u003C"
            case ">": output += "\\u003E"
            case "&": output += "\\u0026"
            case "=": output += "\\u003D"
            default:
                if scalar.value < 0x20 {
                    output += "\\u00"
                    output.unicodeScalars.append(Unicode.Scalar(upperHex[Int(scalar.value >> 4)]))
                    output.unicodeScalars.append(Unicode.Scalar(upperHex[Int(scalar.value & 0x0F)]))
                } else if scalar.value >= 0x80 && !ValueFormatter.isPrintable(scalar) {
                    output += "\\u" + ValueFormatter.hexDigits(Int(scalar.value), uppercase: true, minimumWidth: 4)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output
    }
}

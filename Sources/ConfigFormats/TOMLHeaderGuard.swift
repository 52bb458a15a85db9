import TraefikCore

/// Finds table headers with a malformed key (`[=`, `[ #`, `[é]`, `[a.]`) before TOMLKit sees the text: the toml++
/// parser bundled in TOMLKit 0.6.0 asserts on them (the process aborts) instead of reporting an error, so a typo in a
/// watched routes file or a store value rendered by a template would kill the proxy. Found by `make fuzz`.
///
/// One pass, no recursion (a deeply nested value cannot exhaust the stack): strings, comments and bracketed values
/// are skipped; a `[` at the start of a line outside any value is a header and its keys are checked against the
/// TOML grammar (bare `A-Za-z0-9_-` or quoted, separated by dots).
enum TOMLHeaderGuard {
    struct Problem: Error, Equatable {
        var line: Int
        var column: Int
        var message: String
    }

    static func firstProblem(in text: String) -> Problem? {
        let bytes = Array(text.utf8)
        // toml++ skips a UTF-8 byte order mark; the first line starts after it.
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        var lineStart = 0
        var depth = 0
        var atStatementStart = true

        func byte(_ offset: Int) -> UInt8? { offset < bytes.count ? bytes[offset] : nil }
        func problem(at offset: Int, _ message: String) -> Problem {
            Problem(line: line, column: offset - lineStart + 1, message: message)
        }
        /// Past the string starting at `start` (its opening quote); multi-line strings may span lines.
        func skipString(from start: Int) -> Int {
            let quote = bytes[start]
            let multiLine = byte(start + 1) == quote && byte(start + 2) == quote
            var offset = start + (multiLine ? 3 : 1)
            while offset < bytes.count {
                let current = bytes[offset]
                if current == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") {
                    offset += 2
                    continue
                }
                if current == UInt8(ascii: "\n") {
                    guard multiLine else { return offset }  // unterminated: TOMLKit reports it
                    line += 1
                    lineStart = offset + 1
                } else if current == quote && (!multiLine || (byte(offset + 1) == quote && byte(offset + 2) == quote)) {
                    return offset + (multiLine ? 3 : 1)
                }
                offset += 1
            }
            return offset
        }
        /// Checks the header starting at `start` (`[`); returns the offset past it, or the problem.
        func checkHeader(from start: Int) -> Result<Int, Problem> {
            var offset = start + 1
            if byte(offset) == UInt8(ascii: "[") { offset += 1 }
            while true {
                while let current = byte(offset), current == UInt8(ascii: " ") || current == UInt8(ascii: "\t") {
                    offset += 1
                }
                guard let first = byte(offset) else { return .failure(problem(at: offset, "unterminated table header")) }
                if isBareKeyByte(first) {
                    while let current = byte(offset), isBareKeyByte(current) { offset += 1 }
                } else if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
                    offset = skipString(from: offset)
                } else {
                    return .failure(problem(at: offset, "table header: expected a key"))
                }
                while let current = byte(offset), current == UInt8(ascii: " ") || current == UInt8(ascii: "\t") {
                    offset += 1
                }
                switch byte(offset) {
                case UInt8(ascii: "."): offset += 1
                case UInt8(ascii: "]"): return .success(offset + 1)
                default: return .failure(problem(at: offset, "table header: expected \".\" or \"]\" after a key"))
                }
            }
        }

        while index < bytes.count {
            let current = bytes[index]
            switch current {
            case UInt8(ascii: "\n"):
                line += 1
                lineStart = index + 1
                atStatementStart = depth == 0
                index += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "#"):
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                index = skipString(from: index)
                atStatementStart = false
            case UInt8(ascii: "[") where atStatementStart:
                switch checkHeader(from: index) {
                case .success(let end): index = end
                case .failure(let problem): return problem
                }
                atStatementStart = false
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                atStatementStart = false
                index += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
                atStatementStart = false
                index += 1
            default:
                atStatementStart = false
                index += 1
            }
        }
        return nil
    }

    private static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}

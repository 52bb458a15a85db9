/// A route template whose variables are all plain `{name}`: each matches one or more bytes other than the
/// separator (`/` in a path, `.` in a host). Matched without a regex: the template and the text are split at the
/// separator and each segment pair goes through a wildcard matcher that is O(n·m) at worst. A backtracking regex
/// is exponential in the number of variables: `/{a}{b}{c}…` against a long non-matching segment took the fuzzer
/// over 10 s per request, which any client could have sent. Bytes are compared, as Go's RE2 does; for valid
/// UTF-8 that is the same as comparing Unicode scalars. A class for the same reason as `SendableRegex`.
final class WildcardTemplate: Sendable {
    enum Token: Sendable, Equatable {
        case byte(UInt8)
        /// Exactly one byte (the first byte of a variable: it matches at least one).
        case one
        /// Any number of bytes.
        case any
    }

    let separator: UInt8
    /// The template split at the separator: one token list per segment.
    let segments: [[Token]]

    /// - Parameter pieces: the template in order, literal text and variables (`nil`).
    init(pieces: [Substring?], separator: UInt8) {
        self.separator = separator
        var segments: [[Token]] = [[]]
        for piece in pieces {
            guard let literal = piece else {
                segments[segments.count - 1] += [.one, .any]
                continue
            }
            for byte in literal.utf8 {
                if byte == separator {
                    segments.append([])
                } else {
                    segments[segments.count - 1].append(.byte(byte))
                }
            }
        }
        self.segments = segments
    }

    func matchesWhole(_ text: String) -> Bool { matches(text, prefixOnly: false) }

    /// True when the template matches the start of `text` (PathPrefix: no segment boundary needed after it).
    func matchesPrefix(_ text: String) -> Bool { matches(text, prefixOnly: true) }

    private func matches(_ text: String, prefixOnly: Bool) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var segmentStart = 0
            for (index, tokens) in segments.enumerated() {
                let isLast = index == segments.count - 1
                var segmentEnd = segmentStart
                while segmentEnd < bytes.count, bytes[segmentEnd] != separator { segmentEnd += 1 }
                let segment = UnsafeBufferPointer(rebasing: bytes[segmentStart..<segmentEnd])
                if isLast {
                    if prefixOnly { return Self.match(tokens, segment, trailingAny: true) }
                    return segmentEnd == bytes.count && Self.match(tokens, segment, trailingAny: false)
                }
                guard segmentEnd < bytes.count, Self.match(tokens, segment, trailingAny: false) else { return false }
                segmentStart = segmentEnd + 1
            }
            return false  // `segments` is never empty
        }
    }

    /// Classic wildcard matching: on a mismatch, resume just after the last `.any`, which then takes one more
    /// byte. Correct for `.one`/`.any` patterns because a later `.any` can absorb whatever an earlier one would
    /// have taken in another split. `trailingAny` matches a prefix of `text`.
    private static func match(_ tokens: [Token], _ text: UnsafeBufferPointer<UInt8>, trailingAny: Bool) -> Bool {
        var tokenIndex = 0
        var textIndex = 0
        var resumeToken = -1
        var resumeText = 0
        while textIndex < text.count {
            if tokenIndex < tokens.count {
                switch tokens[tokenIndex] {
                case .one:
                    tokenIndex += 1
                    textIndex += 1
                    continue
                case .byte(let expected) where expected == text[textIndex]:
                    tokenIndex += 1
                    textIndex += 1
                    continue
                case .any:
                    resumeToken = tokenIndex
                    resumeText = textIndex
                    tokenIndex += 1
                    continue
                case .byte:
                    break
                }
            } else if trailingAny {
                return true
            }
            guard resumeToken >= 0 else { return false }
            tokenIndex = resumeToken + 1
            resumeText += 1
            textIndex = resumeText
        }
        while tokenIndex < tokens.count, tokens[tokenIndex] == .any { tokenIndex += 1 }
        return tokenIndex == tokens.count
    }
}

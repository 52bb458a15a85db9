/// A gorilla/mux route template (`Host`, `Path`, `PathPrefix` values): literal text with
/// `{name}` or `{name:regex}` variables. A template without variables stays a literal, so the
/// common case is a plain string comparison; one with only `{name}` variables is a wildcard match.
enum RouteTemplate {
    case literal(String)
    /// Only `{name}` variables: one or more bytes other than the separator each.
    case wildcards(WildcardTemplate)
    /// The template as one unanchored regex (some variable has its own regex); the caller anchors it by choosing
    /// whole or prefix matching.
    case pattern(SendableRegex)

    /// - Parameter separator: what `{name}` never matches (`.` for hosts, `/` for paths).
    static func parse(_ template: String, separator: Character) throws(TemplateError) -> RouteTemplate {
        let variables = try braceRanges(in: template)
        guard !variables.isEmpty else { return .literal(template) }
        let pieces = try self.pieces(of: template, variables: variables)

        let hasOwnRegex = pieces.contains { if case .variable(pattern: .some) = $0 { true } else { false } }
        if !hasOwnRegex, let byte = separator.asciiValue {
            let wildcardPieces: [Substring?] = pieces.map { if case .literal(let text) = $0 { text } else { nil } }
            return .wildcards(WildcardTemplate(pieces: wildcardPieces, separator: byte))
        }

        var pattern = ""
        for piece in pieces {
            switch piece {
            case .literal(let text): pattern += quoted(text)
            case .variable(let variablePattern): pattern += "(?:\(variablePattern ?? "[^\(separator)]+"))"
            }
        }
        do {
            return .pattern(try SendableRegex(pattern))
        } catch {
            throw TemplateError("bad regular expression: \(error)")
        }
    }

    private enum Piece {
        case literal(Substring)
        /// `{name}` (nil pattern) or `{name:regex}`.
        case variable(pattern: Substring?)
    }

    /// The template as literal text and variables, in order; a variable without a name or with an empty
    /// pattern is an error.
    private static func pieces(
        of template: String, variables: [Range<String.Index>]
    ) throws(TemplateError) -> [Piece] {
        var pieces: [Piece] = []
        var literalStart = template.startIndex
        for variable in variables {
            pieces.append(.literal(template[literalStart..<variable.lowerBound]))
            // Inside the braces: `name` or `name:regex`; the regex may itself contain ':' and braces.
            let inner = template[template.index(after: variable.lowerBound)..<template.index(before: variable.upperBound)]
            let name: Substring
            var pattern: Substring?
            if let colon = inner.firstIndex(of: ":") {
                name = inner[..<colon]
                pattern = inner[inner.index(after: colon)...]
            } else {
                name = inner
            }
            guard !name.isEmpty, pattern?.isEmpty != true else {
                throw TemplateError("missing name or pattern in \"{\(inner)}\"")
            }
            pieces.append(.variable(pattern: pattern))
            literalStart = variable.upperBound
        }
        pieces.append(.literal(template[literalStart...]))
        return pieces
    }

    /// The ranges of the top-level `{…}` groups, braces included; nested braces belong to the
    /// variable's regex (`{id:[0-9]{3}}`).
    private static func braceRanges(in template: String) throws(TemplateError) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        var depth = 0
        var openedAt = template.startIndex
        for index in template.indices {
            switch template[index] {
            case "{":
                if depth == 0 { openedAt = index }
                depth += 1
            case "}":
                depth -= 1
                if depth == 0 {
                    ranges.append(openedAt..<template.index(after: index))
                } else if depth < 0 {
                    throw TemplateError("unbalanced braces")
                }
            default:
                break
            }
        }
        guard depth == 0 else { throw TemplateError("unbalanced braces") }
        return ranges
    }

    /// Escapes regex metacharacters so literal template text matches itself.
    private static func quoted(_ text: Substring) -> String {
        var result = ""
        for character in text {
            if "\\.+*?()|[]{}^$#".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }
}

struct TemplateError: Error {
    let reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}

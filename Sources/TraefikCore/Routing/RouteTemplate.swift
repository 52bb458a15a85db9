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
        if let pieces = try plainVariablePieces(of: template, variables: variables), let byte = separator.asciiValue {
            return .wildcards(WildcardTemplate(pieces: pieces, separator: byte))
        }

        let defaultVariablePattern = "[^\(separator)]+"
        var pattern = ""
        var literalStart = template.startIndex
        for variable in variables {
            pattern += quoted(template[literalStart..<variable.lowerBound])
            // Inside the braces: `name` or `name:regex`; the regex may itself contain ':' and braces.
            let inner = template[template.index(after: variable.lowerBound)..<template.index(before: variable.upperBound)]
            let name: Substring
            let variablePattern: Substring
            if let colon = inner.firstIndex(of: ":") {
                name = inner[..<colon]
                variablePattern = inner[inner.index(after: colon)...]
            } else {
                name = inner
                variablePattern = Substring(defaultVariablePattern)
            }
            guard !name.isEmpty, !variablePattern.isEmpty else {
                throw TemplateError("missing name or pattern in \"{\(inner)}\"")
            }
            pattern += "(?:\(variablePattern))"
            literalStart = variable.upperBound
        }
        pattern += quoted(template[literalStart...])

        do {
            return .pattern(try SendableRegex(pattern))
        } catch {
            throw TemplateError("bad regular expression: \(error)")
        }
    }

    /// The template as literal pieces and variables (nil) when every variable is a plain `{name}`; nil otherwise.
    private static func plainVariablePieces(
        of template: String, variables: [Range<String.Index>]
    ) throws(TemplateError) -> [Substring?]? {
        var pieces: [Substring?] = []
        var literalStart = template.startIndex
        for variable in variables {
            let inner = template[template.index(after: variable.lowerBound)..<template.index(before: variable.upperBound)]
            if inner.contains(":") { return nil }
            guard !inner.isEmpty else { throw TemplateError("missing name or pattern in \"{}\"") }
            pieces.append(template[literalStart..<variable.lowerBound])
            pieces.append(nil)
            literalStart = variable.upperBound
        }
        pieces.append(template[literalStart...])
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

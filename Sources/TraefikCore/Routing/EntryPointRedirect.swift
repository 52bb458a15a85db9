/// An entry point's `redirect` section, compiled (spec §3.3, §3.4; decisions D2, D3).
///
/// A redirecting entry point answers every request with the decision of `location(...)`:
/// `302 Found`, `Location: …`, body `Found`, whether or not a frontend matches (D3).
public struct EntryPointRedirect: Sendable, CustomStringConvertible {
    private enum Rule: Sendable {
        /// To another entry point: same host, same path and query, the target's scheme and port.
        case entryPoint(name: String, scheme: String, port: Int)
        /// Go's `regexp.ReplaceAllString(sourceURL, replacement)`.
        case pattern(source: String, regex: SendableRegex, replacement: GoReplacementTemplate)
    }

    private let rule: Rule

    /// Checks the section against the entry points of the same launch configuration.
    /// Empty strings count as absent, as in the original (`len(x) > 0`).
    public static func compile(
        _ redirect: RedirectConfig,
        entryPoints: [String: EntryPointConfig]
    ) throws(RedirectConfigError) -> EntryPointRedirect {
        let targetName = redirect.entryPoint.flatMap { $0.isEmpty ? nil : $0 }
        let pattern = redirect.regex.flatMap { $0.isEmpty ? nil : $0 }
        let replacement = redirect.replacement.flatMap { $0.isEmpty ? nil : $0 }

        if let targetName {
            guard pattern == nil, replacement == nil else { throw .entryPointAndRegex }
            return EntryPointRedirect(rule: try entryPointRule(targetName, entryPoints: entryPoints))
        }
        switch (pattern, replacement) {
        case (nil, nil):
            throw .nothingToRedirectTo
        case (_?, nil):
            throw .regexWithoutReplacement
        case (nil, _?):
            throw .replacementWithoutRegex
        case let (pattern?, replacement?):
            guard !replacement.contains("{{") else { throw .templateInReplacement(replacement) }
            // The expanded groups come from a validated request; only the configuration could put
            // a line break (header injection) into the Location.
            guard !replacement.unicodeScalars.contains(where: isControl) else {
                throw .controlCharacterInReplacement(replacement)
            }
            let regex: SendableRegex
            do {
                regex = try SendableRegex(pattern)
            } catch {
                throw .invalidRegex(pattern, reason: "\(error)")
            }
            return EntryPointRedirect(
                rule: .pattern(source: pattern, regex: regex, replacement: GoReplacementTemplate(replacement))
            )
        }
    }

    private static func entryPointRule(
        _ name: String,
        entryPoints: [String: EntryPointConfig]
    ) throws(RedirectConfigError) -> Rule {
        guard let target = entryPoints[name] else { throw .unknownEntryPoint(name) }
        let address: ListenAddress
        do {
            address = try ListenAddress.parse(target.address)
        } catch {
            throw .unusableTargetAddress(entryPoint: name, address: target.address, reason: error.reason)
        }
        guard address.port != 0 else {
            throw .unusableTargetAddress(
                entryPoint: name,
                address: target.address,
                reason: "port 0 is chosen by the system at start-up, so a redirect cannot name it"
            )
        }
        let hasTLS = !(target.tls?.certificates.isEmpty ?? true)
        return .entryPoint(name: name, scheme: hasTLS ? "https" : "http", port: address.port)
    }

    /// The answer for one request.
    /// - Parameters:
    ///   - scheme: `https` when the request came over TLS or carried `X-Forwarded-Proto: https`;
    ///     anything else counts as `http`.
    ///   - host: the raw `Host` header value (may carry a port, may be `[v6]:port`).
    ///   - requestURI: the raw request target: origin-form (`/a?b=1`), absolute-form
    ///     (`http://h/a`, whose authority then replaces `host`, as RFC 9112 §3.2.2 requires) or `*`.
    public func location(scheme: String, host: String, requestURI: String) -> RedirectDecision {
        guard let target = RequestTarget(requestURI),
              let authority = HostAuthority(target.authority ?? Substring(host))
        else { return .badHost }
        let incomingScheme = scheme.lowercased() == "https" ? "https" : "http"

        switch rule {
        case .entryPoint(_, let targetScheme, let targetPort):
            let location = Self.url(
                scheme: targetScheme, hostname: authority.hostname, port: targetPort, path: target.pathAndQuery
            )
            let source = Self.url(
                scheme: incomingScheme,
                hostname: authority.hostname,
                port: authority.port ?? Self.defaultPort(of: incomingScheme),
                path: target.pathAndQuery
            )
            // An entry point redirecting to itself would loop; serve the request instead.
            return location == source ? .noRedirect : .redirect(location: location)
        case .pattern(_, let regex, let replacement):
            let source = "\(incomingScheme)://\(authority.text)\(target.pathAndQuery)"
            guard let replaced = replacement.replaceAll(regex, in: source), replaced != source else {
                return .noRedirect
            }
            return .redirect(location: replaced)
        }
    }

    public var description: String {
        switch rule {
        case .entryPoint(let name, let scheme, let port):
            "redirect to entry point \"\(name)\" (\(scheme), port \(port))"
        case .pattern(let source, _, let replacement):
            "redirect matching \"\(source)\" to \"\(replacement.source)\""
        }
    }

    private static func url(scheme: String, hostname: String, port: Int, path: Substring) -> String {
        port == defaultPort(of: scheme) ? "\(scheme)://\(hostname)\(path)" : "\(scheme)://\(hostname):\(port)\(path)"
    }

    private static func defaultPort(of scheme: String) -> Int {
        scheme == "https" ? 443 : 80
    }
}

/// What a redirecting entry point does with one request.
public enum RedirectDecision: Sendable, Equatable {
    /// Answer `302 Found` with this `Location` and the body `Found`.
    case redirect(location: String)
    /// The regex did not match, or the new URL is the request's own: serve the request as if the
    /// entry point had no redirect (our decision for testable B12).
    case noRedirect
    /// The Host (or the absolute-form authority) is not a plain host[:port], or the request
    /// target is neither `/…`, `*` nor an http(s) absolute URL: answer `400 Bad Request` rather
    /// than build a Location from it (open-redirect and header-injection safety).
    case badHost
}

/// Why an entry point's `redirect` section was rejected; the message names the offending key.
public enum RedirectConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownEntryPoint(String)
    case unusableTargetAddress(entryPoint: String, address: String, reason: String)
    case entryPointAndRegex
    case regexWithoutReplacement
    case replacementWithoutRegex
    case invalidRegex(String, reason: String)
    case templateInReplacement(String)
    case controlCharacterInReplacement(String)
    case nothingToRedirectTo

    public var description: String {
        switch self {
        case .unknownEntryPoint(let name):
            "redirect.entryPoint: unknown entry point \"\(name)\""
        case .unusableTargetAddress(let name, let address, let reason):
            "redirect.entryPoint: entry point \"\(name)\" has address \"\(address)\" without a usable port: \(reason)"
        case .entryPointAndRegex:
            "redirect: give either entryPoint or regex and replacement, not both"
        case .regexWithoutReplacement:
            "redirect.regex needs redirect.replacement"
        case .replacementWithoutRegex:
            "redirect.replacement needs redirect.regex"
        case .invalidRegex(let pattern, let reason):
            "redirect.regex: invalid regular expression \"\(pattern)\": \(reason)"
        case .templateInReplacement(let replacement):
            "redirect.replacement \"\(replacement)\": Go template syntax \"{{\" is not supported; "
                + "use $1, ${1} or ${name} to insert regex groups"
        case .controlCharacterInReplacement(let replacement):
            "redirect.replacement \(replacement.debugDescription): control characters are not allowed in a Location"
        case .nothingToRedirectTo:
            "redirect: needs entryPoint, or regex and replacement"
        }
    }
}

private func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || scalar.value == 0x7F
}

/// The request target split into the parts a Location may reuse.
private struct RequestTarget {
    /// The authority of an absolute-form target; nil for origin-form and `*`.
    let authority: Substring?
    /// Starts with `/`.
    let pathAndQuery: Substring

    init?(_ requestURI: String) {
        guard !requestURI.unicodeScalars.contains(where: { isControl($0) || $0 == " " }) else { return nil }
        if requestURI == "*" {
            authority = nil
            pathAndQuery = "/"
            return
        }
        if requestURI.hasPrefix("/") {
            authority = nil
            pathAndQuery = requestURI[...]
            return
        }
        let lowered = requestURI.lowercased()
        let schemeLength: Int
        if lowered.hasPrefix("http://") {
            schemeLength = 7
        } else if lowered.hasPrefix("https://") {
            schemeLength = 8
        } else {
            // Authority-form (`CONNECT`) or garbage: nothing safe to redirect to.
            return nil
        }
        let afterScheme = requestURI.dropFirst(schemeLength)
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        authority = afterScheme[..<authorityEnd]
        let rest = afterScheme[authorityEnd...]
        pathAndQuery = rest.hasPrefix("/") ? rest : Substring("/" + rest)
    }
}

/// A Host value accepted for a Location: a reg-name of letters, digits, `-`, `.`, `_` (which
/// covers IPv4), or a bracketed IPv6 literal, then an optional `:port` (0-65535).
/// Anything else (`/`, `@`, `\`, `%`, spaces, an unbracketed `a:b:c`) is rejected.
private struct HostAuthority {
    /// Lowercased, brackets kept for IPv6.
    let hostname: String
    let port: Int?

    /// `hostname[:port]`.
    var text: String {
        port.map { "\(hostname):\($0)" } ?? hostname
    }

    init?(_ value: Substring) {
        guard value.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        let hostPart: Substring
        let portPart: Substring?
        if value.hasPrefix("[") {
            guard let closing = value.firstIndex(of: "]") else { return nil }
            hostPart = value[...closing]
            let rest = value[value.index(after: closing)...]
            guard rest.isEmpty || rest.hasPrefix(":") else { return nil }
            portPart = rest.isEmpty ? nil : rest.dropFirst()
            guard Self.isIPv6(hostPart.dropFirst().dropLast()) else { return nil }
        } else {
            let pieces = value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            hostPart = pieces[0]
            portPart = pieces.count == 2 ? pieces[1] : nil
            guard !hostPart.isEmpty, hostPart.allSatisfy(Self.isRegNameCharacter) else { return nil }
        }
        if let portPart {
            guard (1...5).contains(portPart.count), portPart.allSatisfy(\.isASCIIDigit),
                  let port = Int(portPart), port <= 65535
            else { return nil }
            self.port = port
        } else {
            self.port = nil
        }
        hostname = hostPart.lowercased()
    }

    private static func isRegNameCharacter(_ character: Character) -> Bool {
        character.isASCIILetter || character.isASCIIDigit || character == "-" || character == "." || character == "_"
    }

    /// RFC 4291 text form: eight hex groups, one `::` standing for one or more zero groups, and
    /// optionally an IPv4 address as the last two groups. No zone identifiers.
    private static func isIPv6(_ text: Substring) -> Bool {
        if let gap = text.firstRange(of: "::") {
            let after = text[gap.upperBound...]
            guard !after.contains("::"),
                  let before = groupCount(text[..<gap.lowerBound], allowsIPv4Tail: false),
                  let following = groupCount(after, allowsIPv4Tail: true)
            else { return false }
            return before + following <= 7
        }
        return groupCount(text, allowsIPv4Tail: true) == 8
    }

    private static func groupCount(_ text: Substring, allowsIPv4Tail: Bool) -> Int? {
        if text.isEmpty { return 0 }
        let groups = text.split(separator: ":", omittingEmptySubsequences: false)
        var count = 0
        for (position, group) in groups.enumerated() {
            if allowsIPv4Tail, position == groups.count - 1, group.contains(".") {
                guard isIPv4(group) else { return nil }
                count += 2
            } else {
                guard (1...4).contains(group.count), group.allSatisfy(\.isASCIIHexDigit) else { return nil }
                count += 1
            }
        }
        return count
    }

    private static func isIPv4(_ text: Substring) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { octet in
            (1...3).contains(octet.count) && octet.allSatisfy(\.isASCIIDigit) && Int(octet).map { $0 <= 255 } == true
        }
    }
}

/// A replacement string in Go's `regexp.Expand` syntax, parsed once: `$1`, `${1}`, `$name`,
/// `${name}`; `$name` takes the longest run of letters, digits and `_`; `$$` is a `$`; a `$`
/// not followed by a valid name is kept as is; an unknown or unmatched group expands to nothing.
private struct GoReplacementTemplate: Sendable {
    private enum Piece: Sendable {
        case literal(String)
        case group(Int)
        case namedGroup(String)
    }

    let source: String
    private let pieces: [Piece]

    init(_ replacement: String) {
        source = replacement
        var pieces: [Piece] = []
        var literal = String.UnicodeScalarView()
        var rest = replacement.unicodeScalars[...]
        while let dollar = rest.firstIndex(of: "$") {
            literal.append(contentsOf: rest[..<dollar])
            rest = rest[rest.index(after: dollar)...]
            if rest.first == "$" {
                literal.append("$")
                rest = rest.dropFirst()
                continue
            }
            guard let (name, remainder) = Self.groupName(at: rest) else {
                literal.append("$")
                continue
            }
            rest = remainder
            if !literal.isEmpty {
                pieces.append(.literal(String(literal)))
                literal = String.UnicodeScalarView()
            }
            pieces.append(Self.reference(to: name))
        }
        literal.append(contentsOf: rest)
        if !literal.isEmpty {
            pieces.append(.literal(String(literal)))
        }
        self.pieces = pieces
    }

    /// Go's `ReplaceAllString`: every non-overlapping match, except an empty match right after
    /// the previous match. nil when nothing matched.
    func replaceAll(_ regex: SendableRegex, in text: String) -> String? {
        var result = ""
        var lastMatchEnd = text.startIndex
        var matched = false
        for match in text.matches(of: regex.regex) {
            matched = true
            result += text[lastMatchEnd..<match.range.lowerBound]
            if match.range.upperBound > lastMatchEnd || match.range.lowerBound == text.startIndex {
                append(match.output, to: &result)
            }
            lastMatchEnd = match.range.upperBound
        }
        guard matched else { return nil }
        result += text[lastMatchEnd...]
        return result
    }

    private func append(_ groups: AnyRegexOutput, to result: inout String) {
        for piece in pieces {
            switch piece {
            case .literal(let text):
                result += text
            case .group(let number):
                if number < groups.count, let captured = groups[number].substring {
                    result += captured
                }
            case .namedGroup(let name):
                if let captured = groups[name]?.substring {
                    result += captured
                }
            }
        }
    }

    /// After a `$`: `name` or `{name}` and what follows it, or nil when malformed.
    private static func groupName(
        at text: Substring.UnicodeScalarView
    ) -> (String, Substring.UnicodeScalarView)? {
        let braced = text.first == "{"
        let nameStart = braced ? text.index(after: text.startIndex) : text.startIndex
        let nameEnd = text[nameStart...].firstIndex { !isNameScalar($0) } ?? text.endIndex
        guard nameStart < nameEnd else { return nil }
        let name = String(String.UnicodeScalarView(text[nameStart..<nameEnd]))
        guard braced else { return (name, text[nameEnd...]) }
        guard nameEnd < text.endIndex, text[nameEnd] == "}" else { return nil }
        return (name, text[text.index(after: nameEnd)...])
    }

    /// Go reads all-digit names of up to nine digits without a leading zero as group numbers.
    private static func reference(to name: String) -> Piece {
        let isNumber = name.count <= 9 && name.allSatisfy(\.isASCIIDigit) && (name == "0" || !name.hasPrefix("0"))
        if isNumber, let number = Int(name) {
            return .group(number)
        }
        return .namedGroup(name)
    }

    /// Go's `unicode.IsLetter`, `unicode.IsDigit` or `_`.
    private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
            true
        default:
            scalar == "_"
        }
    }
}

private extension Character {
    var isASCIIDigit: Bool { asciiValue.map { (0x30...0x39).contains($0) } ?? false }
    var isASCIILetter: Bool { asciiValue.map { (0x41...0x5A).contains($0 & ~0x20) } ?? false }
    var isASCIIHexDigit: Bool { isASCIIDigit || (asciiValue.map { (0x41...0x46).contains($0 & ~0x20) } ?? false) }
}

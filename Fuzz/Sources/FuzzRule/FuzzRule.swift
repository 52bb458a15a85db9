import TraefikCore

/// A frontend route (`rule` + `value`, spec §4.1) compiled as a configuration gives it, then matched against a
/// request built from the input and against requests the rule must accept: the value itself for a template without
/// variables, the template with `{name}` variables filled in, each listed method, each `Name,Value` header pair.
///
/// Input lines: rule, value, method, host, path, then `Name: value` header lines; missing lines are empty.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.split(separator: "\n", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
    func line(_ index: Int) -> String { index < lines.count ? lines[index] : "" }
    let (rule, value) = (line(0), line(1))
    guard let matcher = try? RuleMatcher.compile(rule: rule, value: value) else { return 0 }
    guard let again = try? RuleMatcher.compile(rule: rule, value: value) else {
        fatalError("\(rule):\(value) compiled once, not twice")
    }

    // A rule with an operator-written regex (`{name:regex}`, HeadersRegexp) runs on Swift's backtracking engine:
    // its worst case is the regex's own (README "Rules"), not ours, so its subjects stay short here.
    let subjectLimit = usesOperatorRegex(rule: rule, value: value) ? 24 : Int.max
    func subject(_ text: String) -> String { String(text.prefix(subjectLimit)) }
    var headers: [String: [String]] = [:]
    for header in line(5).split(separator: "\n") {
        let parts = header.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        headers[parts[0].lowercased(), default: []].append(parts.count > 1 ? subject(String(parts[1])) : "")
    }
    let request = FuzzRequest(method: line(2), host: subject(line(3)), path: subject(line(4)), headers: headers)
    if matcher.matches(request) != again.matches(request) {
        fatalError("\(rule):\(value) matched \(request) differently when compiled again")
    }

    // What the rule must accept is only worked out for ASCII values: beyond ASCII, Unicode equivalence makes the
    // literal comparison and the regex differ in ways that are not a bug (Go compares bytes either way).
    guard value.utf8.allSatisfy({ $0 < 0x80 }) else { return 0 }
    for accepted in requestsAccepted(by: matcher) where !matcher.matches(accepted) {
        fatalError("\(rule):\(value.debugDescription) does not match \(accepted)")
    }
    return 0
}

struct FuzzRequest: RoutableRequest, CustomStringConvertible {
    var method = "GET"
    var host = "example.com"
    var path = "/"
    /// By lowercased name.
    var headers: [String: [String]] = [:]

    func headerValues(named lowercasedName: String) -> [String] { headers[lowercasedName] ?? [] }

    var description: String { "\(method) \(host.debugDescription) \(path.debugDescription) \(headers)" }
}

/// Requests the compiled rule must match (none for regex-valued rules, which cannot be inverted cheaply).
func requestsAccepted(by matcher: RuleMatcher) -> [FuzzRequest] {
    let value = matcher.value
    switch matcher.kind {
    case .host:
        guard let host = filledTemplate(value, variableText: "x") else { return [] }
        return [FuzzRequest(host: host)]
    case .path:
        guard let path = filledTemplate(value, variableText: "x") else { return [] }
        return [FuzzRequest(path: path)]
    case .pathPrefix:
        guard let path = filledTemplate(value, variableText: "x") else { return [] }
        return [FuzzRequest(path: path), FuzzRequest(path: path + "/more")]
    case .methods:
        return value.split(separator: ",").map { FuzzRequest(method: trimmed($0).lowercased()) }
    case .headers:
        let items = value.split(separator: ",", omittingEmptySubsequences: false).map(trimmed)
        var headers: [String: [String]] = [:]
        for pairStart in stride(from: 0, to: items.count - 1, by: 2) {
            let expected = items[pairStart + 1]
            headers[items[pairStart].lowercased(), default: []].append(expected.isEmpty ? "anything" : " \(expected) ")
        }
        return [FuzzRequest(headers: headers)]
    case .headersRegexp:
        return []
    }
}

/// The template with every `{name}` variable replaced by `variableText`; nil when a variable has its own regex
/// (`{name:regex}`), or braces nest.
func filledTemplate(_ template: String, variableText: String) -> String? {
    var filled = ""
    var inVariable = false
    for character in template {
        switch character {
        case "{":
            guard !inVariable else { return nil }
            inVariable = true
        case "}":
            guard inVariable else { return nil }
            inVariable = false
            filled += variableText
        case ":" where inVariable:
            return nil
        default:
            if !inVariable { filled.append(character) }
        }
    }
    return inVariable ? nil : filled
}

func trimmed(_ text: Substring) -> String {
    String(text.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
}

/// HeadersRegexp, or a template with a `{name:regex}` variable.
func usesOperatorRegex(rule: String, value: String) -> Bool {
    if rule == "HeadersRegexp" { return true }
    var depth = 0
    for character in value {
        switch character {
        case "{": depth += 1
        case "}": depth -= 1
        case ":" where depth == 1: return true
        default: continue
        }
    }
    return false
}

import TraefikCore

/// A command line that cannot be used: unknown flag, missing or malformed value, unknown command.
/// Prints as one line, such as `unknown flag: --dockr (did you mean --docker?)`.
public struct FlagError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// The commands `traefik` accepts besides running the proxy.
public enum LaunchSubcommand: String, Sendable, CaseIterable {
    /// Print the version and exit.
    case version
    /// Load and validate the configuration, report problems, and exit.
    case check
}

/// What the command line asks for. The configuration part is `overlay`, a tree with the same keys as
/// the configuration file; `applying(to:)` lays it over the file's tree.
public struct ParsedFlags: Equatable, Sendable {
    /// `-c` / `--configFile`; nil to search the default places.
    public var configFile: String?
    /// Every configuration flag given, as a tree (`docker.endpoint`, `entryPoints.http.address`,
    /// `logLevel` …). Values are strings as written, except booleans, integers and lists.
    public var overlay: ConfigNode = .emptyTable
    /// `-h`, `--help` or `traefik help`.
    public var showHelp = false
    public var subcommand: LaunchSubcommand?
    /// Whether `--entryPoints` was given: the file's entry points are then replaced, not merged.
    public var replacesEntryPoints = false
    /// Sections switched off with `--docker=false`, `--docker.tls=false` (dotted paths): they are
    /// removed from the file's tree too.
    public var disabledSections: [String] = []

    public init() {}

    /// The configuration the process runs with: the flags over the file (arguments > file; the
    /// defaults come from decoding). The file's entry points give way to `--entryPoints` as a whole,
    /// and disabled sections are dropped.
    public func applying(to file: ConfigNode) -> ConfigNode {
        var base = file
        if replacesEntryPoints { base = base.removing(path: ["entryPoints"]) }
        for section in disabledSections {
            base = base.removing(path: section.split(separator: ".").map(String.init))
        }
        return overlay.merging(over: base)
    }
}

/// The `traefik` command line, parsed the way the seed's pflag does: `--name=value`,
/// `--name value`, `-c value`, `-cvalue`, `-c=value`, bare booleans (`--web`) and
/// `--docker.watch=false`; `--` ends the flags. Long names also match ignoring case.
///
/// Provider flags follow decision D24: a sub-flag such as `--docker.endpoint` sets that one key over
/// the file's section (and, like a bare `--docker`, enables the section when the file has none);
/// `--docker=false` switches the section off whatever else sets it.
public enum LaunchFlags {
    public static func parse(_ arguments: [String]) throws(FlagError) -> ParsedFlags {
        var parser = Parser()
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || argument == "-" || !argument.hasPrefix("-") {
                parser.positional(argument)
                continue
            }
            if argument == "--" {
                onlyPositionals = true
                continue
            }
            let nextArgument: () -> String? = {
                guard index < arguments.count else { return nil }
                index += 1
                return arguments[index - 1]
            }
            if argument.hasPrefix("--") {
                try parser.longFlag(argument.dropFirst(2), next: nextArgument)
            } else {
                try parser.shortFlag(argument.dropFirst(), next: nextArgument)
            }
        }
        return try parser.finish()
    }

    /// The flag with this long name: the exact spelling, otherwise ignoring case.
    public static func flag(named name: String) -> LaunchFlag? {
        if let exact = flagsByName[name] { return exact }
        return flagsByFoldedName[name.lowercased()]
    }

    static let flagsByName = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
    static let flagsByFoldedName = Dictionary(uniqueKeysWithValues: all.map { ($0.name.lowercased(), $0) })

    private struct Parser {
        var result = ParsedFlags()
        /// Enabled (true) or disabled (false) sections by key path; the last flag wins.
        var sectionStates: [(path: String, enabled: Bool)] = []
        var lists: [(path: String, items: [String])] = []
        var entryPoints: [(name: String, node: ConfigNode)] = []
        var positionals: [String] = []

        mutating func positional(_ argument: String) {
            positionals.append(argument)
        }

        mutating func longFlag(_ body: Substring, next: () -> String?) throws(FlagError) {
            let name: String
            let inlineValue: String?
            if let equals = body.firstIndex(of: "=") {
                name = String(body[..<equals])
                inlineValue = String(body[body.index(after: equals)...])
            } else {
                name = String(body)
                inlineValue = nil
            }
            if name == "help" {
                result.showHelp = try inlineValue.map { text throws(FlagError) in
                    try LaunchFlags.parseBool(text, flag: "--help")
                } ?? true
                return
            }
            guard let flag = LaunchFlags.flag(named: name) else {
                let names = LaunchFlags.all.map(\.name) + ["help"]
                throw FlagError("unknown flag: --\(name)"
                                + LaunchFlags.hint(Suggestions.nearest(to: name, among: names).map { "--" + $0 }))
            }
            if flag.takesValue {
                guard let value = inlineValue ?? next() else {
                    throw FlagError("flag needs an argument: --\(name)")
                }
                try apply(flag, value: value, spelled: "--" + name)
            } else {
                try apply(flag, value: inlineValue ?? "true", spelled: "--" + name)
            }
        }

        mutating func shortFlag(_ body: Substring, next: () -> String?) throws(FlagError) {
            let name = body.prefix { $0 != "=" }
            // pflag would read `-logLevel` as `-l ogLevel`; a long name after one dash is a typo.
            if name.count > 1, let flag = LaunchFlags.flag(named: String(name)) {
                throw FlagError("unknown shorthand flag: '\(name.first!)' in -\(body) (did you mean --\(flag.name)?)")
            }
            guard let letter = body.first else { return }
            let rest = body.dropFirst()
            if letter == "h", rest.isEmpty {
                result.showHelp = true
                return
            }
            guard let flag = LaunchFlags.all.first(where: { $0.shorthand == letter }) else {
                throw FlagError("unknown shorthand flag: '\(letter)' in -\(body)")
            }
            let value: String
            if rest.hasPrefix("=") {
                value = String(rest.dropFirst())
            } else if !rest.isEmpty {
                value = String(rest)
            } else if let following = next() {
                value = following
            } else {
                throw FlagError("flag needs an argument: '\(letter)' in -\(letter)")
            }
            try apply(flag, value: value, spelled: "-\(letter)")
        }

        mutating func apply(_ flag: LaunchFlag, value: String, spelled: String) throws(FlagError) {
            guard let path = flag.keyPath else {
                result.configFile = value
                return
            }
            func invalid(_ reason: String) -> FlagError {
                FlagError("invalid argument \(value.debugDescription) for \"\(spelled)\" flag: \(reason)")
            }
            switch flag.kind {
            case .section:
                let enabled = try LaunchFlags.parseBool(value, flag: spelled)
                sectionStates.append((path, enabled))
                if enabled { set(path, ConfigNode.emptyTable) }
            case .bool:
                set(path, ConfigNode(.bool(try LaunchFlags.parseBool(value, flag: spelled))))
            case .string:
                set(path, ConfigNode(.string(value)))
            case .address:
                do {
                    _ = try ListenAddress.parse(value)
                } catch {
                    throw invalid(error.reason)
                }
                set(path, ConfigNode(.string(value)))
            case .int:
                guard let number = Int64(value) else { throw invalid("expected an integer") }
                set(path, ConfigNode(.int(number)))
            case .duration:
                if Int64(value) == nil {
                    do {
                        _ = try GoDuration.parse(value)
                    } catch {
                        throw invalid("expected whole seconds or a duration such as \"10s\" (\(error.reason))")
                    }
                }
                set(path, ConfigNode(.string(value)))
            case .list:
                let items = value.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
                if let index = lists.firstIndex(where: { $0.path == path }) {
                    lists[index].items += items
                } else {
                    lists.append((path, items))
                }
            case .entryPoints:
                let definition: EntryPointDefinition
                do {
                    definition = try EntryPointDefinition.parse(value)
                } catch {
                    throw invalid(error.message)
                }
                entryPoints.removeAll { $0.name == definition.name }
                entryPoints.append((definition.name, definition.node))
            }
        }

        mutating func set(_ path: String, _ node: ConfigNode) {
            result.overlay = ConfigNode.fromPath(path, value: node).merging(over: result.overlay)
        }

        /// The command words: `version`, `check`, `help` or `help <command>`.
        mutating func interpretPositionals() throws(FlagError) {
            guard let first = positionals.first else { return }
            let commands = LaunchSubcommand.allCases.map(\.rawValue) + ["help"]
            guard commands.contains(first) else {
                throw FlagError("unknown command \"\(first)\" for \"traefik\""
                                + LaunchFlags.hint(Suggestions.nearest(to: first, among: commands)))
            }
            let extra = positionals.dropFirst()
            if first == "help" {
                result.showHelp = true
                if let topic = extra.first, LaunchSubcommand(rawValue: topic) != nil, extra.count == 1 { return }
            } else {
                result.subcommand = LaunchSubcommand(rawValue: first)
            }
            if let unexpected = extra.first {
                throw FlagError("unexpected argument \"\(unexpected)\" after \"\(first)\"")
            }
        }

        mutating func finish() throws(FlagError) -> ParsedFlags {
            try interpretPositionals()
            for (path, items) in lists {
                set(path, ConfigNode(.array(items.map { ConfigNode(.string($0)) })))
            }
            if !entryPoints.isEmpty {
                result.replacesEntryPoints = true
                let table = ConfigNode(.table(entryPoints.map { ConfigNode.Entry(key: $0.name, node: $0.node) }))
                set("entryPoints", table)
            }
            var disabled: [String] = []
            for (path, _) in sectionStates where !disabled.contains(path) {
                if sectionStates.last(where: { $0.path == path })?.enabled == false { disabled.append(path) }
            }
            for path in disabled {
                result.overlay = result.overlay.removing(path: path.split(separator: ".").map(String.init))
            }
            result.disabledSections = disabled
            return result
        }
    }

    /// The spellings Go's `strconv.ParseBool` accepts.
    static func parseBool(_ text: String, flag: String) throws(FlagError) -> Bool {
        switch text {
        case "1", "t", "T", "true", "TRUE", "True": return true
        case "0", "f", "F", "false", "FALSE", "False": return false
        default: throw FlagError("invalid argument \(text.debugDescription) for \"\(flag)\" flag: expected true or false")
        }
    }

    static func hint(_ suggestion: String?) -> String {
        suggestion.map { " (did you mean \($0)?)" } ?? ""
    }
}

extension ConfigNode {
    /// This tree without the node at `path` (keys matched as `subscript(key:)` does); unchanged when
    /// the path does not lead anywhere.
    func removing(path: [String]) -> ConfigNode {
        guard let first = path.first, case .table(var entries) = value,
              let index = Self.entryIndex(of: first, in: entries) else { return self }
        if path.count == 1 {
            entries.remove(at: index)
        } else {
            entries[index].node = entries[index].node.removing(path: Array(path.dropFirst()))
        }
        return ConfigNode(.table(entries), position: position)
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        let characters = Array(self)
        guard let first = characters.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = characters.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return String(characters[first...last])
    }
}

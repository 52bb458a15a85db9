import GoTemplate
import KVStores
import TraefikCore

/// `filename = "x.tmpl"` for a KV provider (spec §12B, decision D22): the user's Go template, fed `.Prefix` and the
/// functions `List`, `Get`, `SplitGet` and `Last` over the listed tree, renders TOML routes. The file is read at
/// every reload; a template or TOML error keeps the last good routes (reported as `unavailable`).
enum KVTemplateRendering {
    static func event(templateFile: String, tree: KVTree, prefix: String) -> ProviderEvent {
        ProviderTemplate.event(templateFile: templateFile, data: data(prefix: prefix), functions: functions(tree: tree))
    }

    private static func data(prefix: String) -> TemplateValue { .map(["Prefix": .string(prefix)]) }

    /// The KV template functions of spec §12B.
    static func functions(tree: KVTree) -> TemplateFunctions {
        TemplateFunctions([
            // List parts…: the full paths of the distinct first-level children of the joined directory.
            "List": { arguments in
                let directory = KVKeyPath.normalised(joined(arguments))
                let base = directory == "/" ? "" : directory
                return .list(tree.children(of: directory).map { .string("\(base)/\($0)") })
            },
            // Get default parts…: the joined key's value, or the default.
            "Get": { arguments in
                guard let first = arguments.first else { throw TemplateFunctionError("Get needs a default value") }
                return .string(tree.value(at: joined(arguments.dropFirst())) ?? text(first))
            },
            // SplitGet parts…: the value split on commas; [] when missing.
            "SplitGet": { arguments in
                guard let value = tree.value(at: joined(arguments)) else { return .list([]) }
                return .list(value.split(separator: ",", omittingEmptySubsequences: false).map { .string(String($0)) })
            },
            // Last key: the last `/`-separated segment.
            "Last": { arguments in
                guard arguments.count == 1 else { throw TemplateFunctionError("Last takes one key") }
                return .string(String(text(arguments[0]).split(separator: "/").last ?? ""))
            },
        ])
    }

    private static func joined(_ arguments: some Collection<TemplateValue>) -> String {
        arguments.map(text).joined()
    }

    private static func text(_ value: TemplateValue) -> String {
        switch value {
        case .string(let string): string
        case .int(let int): String(int)
        case .double(let double): String(double)
        case .bool(let bool): String(bool)
        default: ""
        }
    }
}

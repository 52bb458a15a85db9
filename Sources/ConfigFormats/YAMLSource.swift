import Yams
import TraefikCore

/// Reads a YAML document into a `ConfigNode` tree whose nodes carry their line and column.
///
/// Plain scalars take their YAML 1.1 type (`true`, `10`, `1.5`; quoted ones stay strings), aliases
/// are expanded, `<<` merge keys are applied, and a key without a value (`web:`) is an empty table,
/// as `[web]` is in TOML.
public enum YAMLSource {
    /// - Parameter file: the name used in positions and error messages, such as `traefik.yaml`.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> ConfigNode {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw ConfigError(file: file, keyPath: "", line: nil, column: nil, message: "\(error)")
        }
        let start = SourcePosition(file: file, line: 1, column: 1)
        guard let root else { return ConfigNode(.table([]), position: start) }
        let converter = Converter(file: file)
        guard case .mapping = root else {
            throw ConfigError(at: converter.position(of: root) ?? start, keyPath: "",
                              message: "the document must be a mapping of keys to values")
        }
        return try converter.node(for: root, at: [], position: start, depth: 0)
    }

    /// Nesting beyond this is rejected instead of risking the stack (aliases can nest deeply).
    static let maximumDepth = 256

    private static func syntaxError(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) (\($0.text) at line \($0.mark.line))" } ?? problem
            return ConfigError(file: file, keyPath: "", line: mark.line, column: mark.column, message: detail)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigError(file: file, keyPath: "", line: context.mark.line, column: context.mark.column,
                               message: "duplicate key \(duplicates.joined(separator: ", ")) \(context.text)")
        default:
            return ConfigError(file: file, keyPath: "", line: nil, column: nil, message: "\(error)")
        }
    }

    private struct Converter {
        let file: String

        func position(of node: Node) -> SourcePosition? {
            node.mark.map { SourcePosition(file: file, line: $0.line, column: $0.column) }
        }

        func node(for yaml: Node, at path: [ConfigPathComponent], position: SourcePosition?,
                  depth: Int) throws(ConfigError) -> ConfigNode {
            guard depth < YAMLSource.maximumDepth else {
                throw ConfigError(at: position, keyPath: path.dottedKeyPath, message: "nesting too deep")
            }
            switch yaml {
            case .mapping(let mapping):
                return ConfigNode(.table(try entries(of: mapping, at: path, depth: depth)), position: position)
            case .sequence(let sequence):
                var elements: [ConfigNode] = []
                for (index, element) in sequence.enumerated() {
                    let elementPath = path + [.index(index)]
                    if element.resolvedTagName == .null {
                        throw ConfigError(at: self.position(of: element), keyPath: elementPath.dottedKeyPath,
                                          message: "null is not supported inside a list")
                    }
                    elements.append(try node(for: element, at: elementPath, position: self.position(of: element),
                                             depth: depth + 1))
                }
                return ConfigNode(.array(elements), position: position)
            case .scalar(let scalar):
                return ConfigNode(scalarValue(yaml, text: scalar.string), position: position)
            case .alias:
                // `compose` already replaces aliases by the anchored node.
                throw ConfigError(at: position, keyPath: path.dottedKeyPath, message: "unresolved alias")
            }
        }

        /// The table entries of a mapping, keys at their own positions. `<<: *base` (or a list of
        /// them) adds the keys of the merged mappings that the mapping does not set itself.
        func entries(of mapping: Node.Mapping, at path: [ConfigPathComponent],
                     depth: Int) throws(ConfigError) -> [ConfigNode.Entry] {
            var own: [ConfigNode.Entry] = []
            var merged: [ConfigNode.Entry] = []
            for (key, value) in mapping {
                if key.resolvedTagName == .merge {
                    let sources: [Node] = if case .sequence(let list) = value { Array(list) } else { [value] }
                    for source in sources {
                        guard case .mapping(let base) = source else {
                            throw ConfigError(at: position(of: source), keyPath: path.dottedKeyPath,
                                              message: "a << merge key needs a mapping or a list of mappings")
                        }
                        merged += try entries(of: base, at: path, depth: depth + 1)
                    }
                    continue
                }
                guard case .scalar(let keyScalar) = key else {
                    throw ConfigError(at: position(of: key), keyPath: path.dottedKeyPath,
                                      message: "keys must be plain strings, not lists or mappings")
                }
                let childPath = path + [.key(keyScalar.string)]
                let keyPosition = position(of: key)
                let child: ConfigNode = if value.resolvedTagName == .null {
                    ConfigNode(.table([]), position: keyPosition)
                } else {
                    try node(for: value, at: childPath, position: keyPosition, depth: depth + 1)
                }
                own.append(ConfigNode.Entry(key: keyScalar.string, node: child))
            }
            let ownKeys = Set(own.map { $0.key.lowercased() })
            var seenMerged = Set<String>()
            let inherited = merged.filter { entry in
                let folded = entry.key.lowercased()
                return !ownKeys.contains(folded) && seenMerged.insert(folded).inserted
            }
            return own + inherited
        }

        /// Resolved by the YAML 1.1 rules Yams applies to plain scalars; quoted scalars are strings.
        func scalarValue(_ yaml: Node, text: String) -> ConfigNode.Value {
            switch yaml.resolvedTagName {
            case .bool:
                if let flag = yaml.bool { return .bool(flag) }
            case .int:
                if let number = yaml.int { return .int(Int64(number)) }
            case .float:
                if let number = yaml.float { return .double(number) }
            default:
                break
            }
            return .string(text)
        }
    }
}

extension Node {
    /// The node's tag after resolution (`tag:yaml.org,2002:bool` for a plain `true`).
    fileprivate var resolvedTagName: Tag.Name {
        Tag.Name(rawValue: tag.rawValue)
    }
}

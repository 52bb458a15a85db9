import TOMLKit
import TraefikCore

/// Reads a TOML document into a `ConfigNode` tree whose nodes carry their line and column.
public enum TOMLSource {
    /// - Parameter file: the name used in positions and error messages, such as `traefik.toml`.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> ConfigNode {
        if let problem = TOMLHeaderGuard.firstProblem(in: text) {
            throw ConfigError(file: file, keyPath: "", line: problem.line, column: problem.column, message: problem.message)
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, keyPath: "", line: error.source.begin.line,
                              column: error.source.begin.column, message: error.description)
        } catch {
            throw ConfigError(file: file, keyPath: "", line: nil, column: nil, message: "\(error)")
        }
        let converter = Converter(positions: TOMLPositionScanner.positions(in: text, file: file))
        return converter.node(for: table, at: [], position: SourcePosition(file: file, line: 1, column: 1))
    }

    private struct Converter {
        let positions: [[ConfigPathComponent]: SourcePosition]

        func node(for table: TOMLTable, at path: [ConfigPathComponent], position: SourcePosition?) -> ConfigNode {
            var entries: [(entry: ConfigNode.Entry, position: SourcePosition?)] = []
            for (key, value) in table {
                let childPath = path + [.key(key)]
                let childPosition = positions[childPath]
                let child = node(for: value, at: childPath, position: childPosition)
                entries.append((ConfigNode.Entry(key: key, node: child), childPosition))
            }
            // TOMLKit returns keys sorted; the positions restore the order of the document.
            let ordered = entries.enumerated().sorted { lhs, rhs in
                Self.precedes(lhs.element.position, lhs.offset, rhs.element.position, rhs.offset)
            }
            return ConfigNode(.table(ordered.map(\.element.entry)), position: position)
        }

        func node(for value: any TOMLValueConvertible, at path: [ConfigPathComponent],
                  position: SourcePosition?) -> ConfigNode {
            switch value.type {
            case .table:
                if let table = value.table { return node(for: table, at: path, position: position) }
            case .array:
                if let array = value.array {
                    let elements = array.enumerated().map { index, element in
                        let elementPath = path + [.index(index)]
                        return node(for: element, at: elementPath, position: positions[elementPath])
                    }
                    return ConfigNode(.array(elements), position: position)
                }
            case .bool:
                if let flag = value.bool { return ConfigNode(.bool(flag), position: position) }
            case .int:
                if let number = value.int { return ConfigNode(.int(Int64(number)), position: position) }
            case .double:
                if let number = value.double { return ConfigNode(.double(number), position: position) }
            case .string:
                if let text = value.string { return ConfigNode(.string(text), position: position) }
            case .date, .time, .dateTime:
                break
            }
            // Dates and times have no node kind of their own; they keep their TOML spelling.
            return ConfigNode(.string(value.debugDescription), position: position)
        }

        private static func precedes(_ lhs: SourcePosition?, _ lhsOffset: Int,
                                     _ rhs: SourcePosition?, _ rhsOffset: Int) -> Bool {
            switch (lhs, rhs) {
            case let (lhs?, rhs?):
                (lhs.line, lhs.column, lhsOffset) < (rhs.line, rhs.column, rhsOffset)
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): lhsOffset < rhsOffset
            }
        }
    }
}

import TraefikCore

/// One part of a TOML key (`a."b.c".d` has three) with where it is written.
struct TOMLKeyPart {
    var name: String
    var position: SourcePosition
}

/// The tables of a TOML document while it is read, and the spec's rules on who may add to which table: a table is
/// defined once (by a `[header]`, by dotted keys, or as an element of `[[array]]`); a header may still define a table
/// that an earlier header only created on its way; dotted keys add only to tables that dotted keys created; values,
/// static arrays and inline tables never change once written.
///
/// Tables live in one array and refer to each other by index, so that adding a key deep in the tree is a
/// dictionary lookup per key part, and keys keep the order in which the document first wrote them.
struct TOMLTableTree {
    typealias TableID = Int

    /// Nesting deeper than this (tables, arrays and inline tables together) is refused: the tree is built and
    /// turned into a `ConfigNode` recursively, and hostile input must not exhaust the stack.
    static let maximumDepth = 128

    private enum Origin {
        case root
        /// Created on the way to a deeper `[a.b]` header; a later `[a]` may still define it.
        case pathOfHeader
        case header
        case dottedKeys
        case arrayElement
        /// The table of an inline table (or one its dotted keys created); removed once read.
        case inline
    }

    private enum Slot {
        /// A scalar, a static array or an inline table: never extended.
        case value(ConfigNode)
        case table(TableID)
        /// An index into `arraysOfTables`, where appending an element does not copy the others.
        case arrayOfTables(Int)
    }

    private struct ArrayOfTables {
        var elements: [TableID]
        var position: SourcePosition
    }

    private struct Entry {
        var key: String
        var slot: Slot
    }

    private struct Table {
        var origin: Origin
        var position: SourcePosition
        /// The dotted path for messages, array elements as `[index]`.
        var path: String
        var depth: Int
        var entries: [Entry] = []
        var indexByKey: [String: Int] = [:]
    }

    private var tables: [Table]
    private var arraysOfTables: [ArrayOfTables] = []
    let rootTable: TableID = 0

    init(rootPosition: SourcePosition) {
        tables = [Table(origin: .root, position: rootPosition, path: "", depth: 0)]
    }

    func depth(of table: TableID) -> Int { tables[table].depth }

    // MARK: Headers

    /// `[a.b.c]`: the table the following key/value pairs go into.
    mutating func defineTable(at key: [TOMLKeyPart]) throws(ConfigError) -> TableID {
        let parent = try tableOnTheWay(to: key)
        let last = key[key.count - 1]
        guard let index = tables[parent].indexByKey[last.name] else {
            return try addTable(named: last, in: parent, origin: .header)
        }
        let path = childPath(last.name, in: parent)
        switch tables[parent].entries[index].slot {
        case .table(let existing):
            switch tables[existing].origin {
            case .pathOfHeader:
                tables[existing].origin = .header
                tables[existing].position = last.position
                return existing
            case .dottedKeys:
                throw Self.error(at: last, "table \(path.debugDescription) was already defined by dotted keys at "
                    + "\(Self.place(tables[existing].position)); a [table] header cannot define it again")
            case .header, .arrayElement, .inline, .root:
                throw Self.error(at: last, "table \(path.debugDescription) is defined twice "
                    + "(first at \(Self.place(tables[existing].position)))")
            }
        case .arrayOfTables(let array):
            throw Self.error(at: last, "\(path.debugDescription) is an array of tables "
                + "(\(Self.place(arraysOfTables[array].position))); [\(path)] cannot define it as a table")
        case .value(let node):
            throw Self.error(at: last, Self.notATable(path, node))
        }
    }

    /// `[[a.b.c]]`: a new element appended to the array of tables, the table the following pairs go into.
    mutating func appendArrayElement(at key: [TOMLKeyPart]) throws(ConfigError) -> TableID {
        let parent = try tableOnTheWay(to: key)
        let last = key[key.count - 1]
        let path = childPath(last.name, in: parent)
        guard let index = tables[parent].indexByKey[last.name] else {
            let element = try newTable(origin: .arrayElement, position: last.position, path: path + "[0]",
                                       depth: tables[parent].depth + 2, key: last)
            arraysOfTables.append(ArrayOfTables(elements: [element], position: last.position))
            insert(Entry(key: last.name, slot: .arrayOfTables(arraysOfTables.count - 1)), in: parent)
            return element
        }
        switch tables[parent].entries[index].slot {
        case .arrayOfTables(let array):
            let element = try newTable(origin: .arrayElement, position: last.position,
                                       path: path + "[\(arraysOfTables[array].elements.count)]",
                                       depth: tables[parent].depth + 2, key: last)
            arraysOfTables[array].elements.append(element)
            return element
        case .table(let existing):
            throw Self.error(at: last, "\(path.debugDescription) is a table (\(Self.place(tables[existing].position))), "
                + "not an array of tables; [[\(path)]] cannot append to it")
        case .value(let node):
            if case .array = node.value {
                throw Self.error(at: last, "\(path.debugDescription) is a static array (\(Self.place(node.position))); "
                    + "[[\(path)]] cannot append to it")
            }
            throw Self.error(at: last, Self.notATable(path, node))
        }
    }

    /// The table holding the last part of a header's key: tables on the way are created (a later header may
    /// define them) or entered, an array of tables by its latest element.
    private mutating func tableOnTheWay(to key: [TOMLKeyPart]) throws(ConfigError) -> TableID {
        var table = rootTable
        for part in key.dropLast() {
            guard let index = tables[table].indexByKey[part.name] else {
                table = try addTable(named: part, in: table, origin: .pathOfHeader)
                continue
            }
            switch tables[table].entries[index].slot {
            case .table(let child):
                table = child
            case .arrayOfTables(let array):
                table = arraysOfTables[array].elements[arraysOfTables[array].elements.count - 1]
            case .value(let node):
                throw Self.error(at: part, Self.notATable(childPath(part.name, in: table), node))
            }
        }
        return table
    }

    // MARK: Key/value pairs

    /// For `a.b.c = value` in `table`: the table that will hold `c`, creating `a` and `b` as dotted-key tables.
    /// Fails if `c` already exists, or if `a` or `b` is a value or a table that dotted keys may not add to.
    mutating func tableForAssignment(of key: [TOMLKeyPart], in table: TableID) throws(ConfigError) -> TableID {
        var current = table
        for part in key.dropLast() {
            guard let index = tables[current].indexByKey[part.name] else {
                current = try addTable(named: part, in: current,
                                       origin: tables[current].origin == .inline ? .inline : .dottedKeys)
                continue
            }
            let path = childPath(part.name, in: current)
            switch tables[current].entries[index].slot {
            case .table(let child):
                switch tables[child].origin {
                case .dottedKeys, .inline:
                    current = child
                case .header, .pathOfHeader, .arrayElement, .root:
                    throw Self.error(at: part, "\(path.debugDescription) is a table created by a [table] header at "
                        + "\(Self.place(tables[child].position)); dotted keys cannot add to it")
                }
            case .arrayOfTables(let array):
                throw Self.error(at: part, "\(path.debugDescription) is an array of tables "
                    + "(\(Self.place(arraysOfTables[array].position))); dotted keys cannot add to it")
            case .value(let node):
                throw Self.error(at: part, Self.notATable(path, node))
            }
        }
        let last = key[key.count - 1]
        if let index = tables[current].indexByKey[last.name] {
            throw Self.error(at: last, "duplicate key \(childPath(last.name, in: current).debugDescription) "
                + "(first defined at \(Self.place(position(of: tables[current].entries[index].slot))))")
        }
        return current
    }

    /// Stores a value under a key part that `tableForAssignment` checked.
    mutating func assign(_ value: ConfigNode, to key: TOMLKeyPart, in table: TableID) {
        insert(Entry(key: key.name, slot: .value(value)), in: table)
    }

    // MARK: Inline tables

    /// Starts reading `{ … }`: its pairs go into the returned table, through `tableForAssignment`.
    mutating func beginInlineTable(at position: SourcePosition, depth: Int) -> TableID {
        tables.append(Table(origin: .inline, position: position, path: "", depth: depth))
        return tables.count - 1
    }

    /// The finished inline table as a value; its tables leave the tree (an inline table is never extended, so
    /// nothing refers to them any more).
    mutating func endInlineTable(_ table: TableID) -> ConfigNode {
        let node = node(of: table)
        tables.removeSubrange(table...)
        return node
    }

    // MARK: Result

    func document() -> ConfigNode { node(of: rootTable) }

    /// Recursion is bounded by `maximumDepth`, which every table's creation checks.
    private func node(of table: TableID) -> ConfigNode {
        let entries = tables[table].entries.map { entry in
            let node: ConfigNode
            switch entry.slot {
            case .value(let value):
                node = value
            case .table(let child):
                node = self.node(of: child)
            case .arrayOfTables(let array):
                node = ConfigNode(.array(arraysOfTables[array].elements.map { self.node(of: $0) }),
                                  position: arraysOfTables[array].position)
            }
            return ConfigNode.Entry(key: entry.key, node: node)
        }
        return ConfigNode(.table(entries), position: tables[table].position)
    }

    // MARK: Helpers

    private mutating func addTable(named key: TOMLKeyPart, in parent: TableID, origin: Origin) throws(ConfigError)
        -> TableID {
        let child = try newTable(origin: origin, position: key.position, path: childPath(key.name, in: parent),
                                 depth: tables[parent].depth + 1, key: key)
        insert(Entry(key: key.name, slot: .table(child)), in: parent)
        return child
    }

    private mutating func newTable(origin: Origin, position: SourcePosition, path: String, depth: Int,
                                   key: TOMLKeyPart) throws(ConfigError) -> TableID {
        guard depth <= Self.maximumDepth else {
            throw Self.error(at: key, "tables nested deeper than \(Self.maximumDepth) levels")
        }
        tables.append(Table(origin: origin, position: position, path: path, depth: depth))
        return tables.count - 1
    }

    private mutating func insert(_ entry: Entry, in table: TableID) {
        tables[table].indexByKey[entry.key] = tables[table].entries.count
        tables[table].entries.append(entry)
    }

    private func childPath(_ key: String, in table: TableID) -> String {
        let parent = tables[table].path
        return parent.isEmpty ? key : parent + "." + key
    }

    private func position(of slot: Slot) -> SourcePosition? {
        switch slot {
        case .value(let node): node.position
        case .table(let table): tables[table].position
        case .arrayOfTables(let array): arraysOfTables[array].position
        }
    }

    private static func notATable(_ path: String, _ node: ConfigNode) -> String {
        let kind: String
        switch node.value {
        case .table: return "\(path.debugDescription) is an inline table (\(place(node.position))); "
            + "inline tables cannot be extended"
        case .array: kind = "an array"
        case .string: kind = "a string"
        case .int: kind = "an integer"
        case .double: kind = "a float"
        case .bool: kind = "a boolean"
        }
        return "\(path.debugDescription) is already \(kind) (\(place(node.position))), not a table"
    }

    private static func place(_ position: SourcePosition?) -> String {
        guard let position else { return "an earlier line" }
        return "line \(position.line), column \(position.column)"
    }

    private static func error(at key: TOMLKeyPart, _ message: String) -> ConfigError {
        ConfigError(at: key.position, keyPath: "", message: message)
    }
}

/// Walks a parsed template once for one render; holds the output and the variable stack.
struct Executor {
    /// Go allows 100 000 nested `{{template}}` calls; a Swift thread's stack holds far fewer frames.
    static let maximumTemplateDepth = 200

    static let outputTooLarge = "output exceeds \(ValueFormatter.maximumOutputBytes >> 20) MiB"

    private enum Flow {
        case normal
        case breakLoop
        case continueLoop
    }

    private let definitions: [String: TemplateDefinition]
    private let locator: SourceLocator
    private let fileName: String
    private var templateName: String
    private var output = ""
    /// Innermost last; `$` is the bottom entry of every template invocation.
    private var variables: [(name: String, value: TemplateValue)] = []
    private var depth = 0

    init(definitions: [String: TemplateDefinition], locator: SourceLocator, fileName: String) {
        self.definitions = definitions
        self.locator = locator
        self.fileName = fileName
        templateName = fileName
    }

    mutating func render(_ definition: TemplateDefinition, data: TemplateValue) throws -> String {
        templateName = definition.name
        variables = [("$", data)]
        _ = try walk(definition.body, dot: data)
        return output
    }

    private func failure(_ span: SourceSpan, context: String? = nil, _ message: String) -> TemplateError {
        let (line, column) = locator.location(of: span.start)
        var shown = context ?? locator.text(span)
        if shown.count > 20 {
            // Go cuts the context to 20 characters too.
            shown = String(shown.prefix(20)) + "..."
        }
        return TemplateError(
            phase: .execution,
            templateName: fileName,
            line: line,
            column: column,
            message: "executing \(ValueFormatter.quoted(templateName)) at <\(shown)>: \(message)"
        )
    }

    // MARK: Nodes

    private mutating func walk(_ nodes: [TemplateNode], dot: TemplateValue) throws -> Flow {
        for node in nodes {
            let flow = try walk(node, dot: dot)
            if flow != .normal { return flow }
        }
        return .normal
    }

    private mutating func walk(_ node: TemplateNode, dot: TemplateValue) throws -> Flow {
        switch node {
        case .text(let text):
            output += text
            if output.utf8.count > ValueFormatter.maximumOutputBytes {
                throw TemplateError(
                    phase: .execution, templateName: fileName, line: 0, column: 0,
                    message: "executing \(ValueFormatter.quoted(templateName)): \(Self.outputTooLarge)")
            }
        case .action(let pipeline):
            let value = try evaluate(pipeline, dot: dot)
            if pipeline.declarations.isEmpty {
                ValueFormatter.appendAction(value, to: &output)
                if output.utf8.count > ValueFormatter.maximumOutputBytes {
                    throw failure(pipeline.span, Self.outputTooLarge)
                }
            }
        case .conditional(let conditional):
            let scope = variables.count
            defer { variables.removeSubrange(scope...) }
            let value = try evaluate(conditional.pipeline, dot: dot)
            if value.isTruthy {
                return try walk(conditional.body, dot: conditional.isWith ? value : dot)
            }
            if let elseBody = conditional.elseBody {
                return try walk(elseBody, dot: dot)
            }
        case .range(let loop):
            return try walkRange(loop, dot: dot)
        case .include(let include):
            try walkInclude(include, dot: dot)
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        }
        return .normal
    }

    private mutating func walkRange(_ loop: RangeLoop, dot: TemplateValue) throws -> Flow {
        let scope = variables.count
        defer { variables.removeSubrange(scope...) }
        let value = try evaluate(loop.pipeline, dot: dot)
        let iterationScope = variables.count
        switch value {
        case .list(let items) where !items.isEmpty:
            for (position, item) in items.enumerated() {
                let flow = try iterate(loop, index: .int(position), element: item, scope: iterationScope)
                if flow == .breakLoop { break }
            }
            return .normal
        case .map(let entries) where !entries.isEmpty:
            for key in entries.keys.sorted(by: goStringLess) {
                let element = entries[key] ?? .null
                let flow = try iterate(loop, index: .string(key), element: element, scope: iterationScope)
                if flow == .breakLoop { break }
            }
            return .normal
        case .int(let count) where count > 0:
            guard loop.pipeline.declarations.count < 2 else {
                throw failure(loop.pipeline.span, "can't use \(count) to iterate over more than one variable")
            }
            for number in 0..<count {
                let flow = try iterate(loop, index: .int(number), element: .int(number), scope: iterationScope)
                if flow == .breakLoop { break }
            }
            return .normal
        case .list, .map, .int, .null:
            break
        default:
            throw failure(loop.pipeline.span, "range can't iterate over \(value.printed)")
        }
        if let elseBody = loop.elseBody {
            return try walk(elseBody, dot: dot)
        }
        return .normal
    }

    /// One pass of a range body: binds `$i, $e` (or `$e`), walks, and drops what the body declared.
    private mutating func iterate(
        _ loop: RangeLoop,
        index: TemplateValue,
        element: TemplateValue,
        scope: Int
    ) throws -> Flow {
        let declarations = loop.pipeline.declarations
        if loop.pipeline.isAssignment {
            if declarations.count == 2 {
                assign(declarations[0], index)
                assign(declarations[1], element)
            } else if let only = declarations.first {
                assign(only, element)
            }
        } else {
            // The range pipeline pushed its variables last: the element on top, the index below it.
            if !declarations.isEmpty { variables[scope - 1].value = element }
            if declarations.count == 2 { variables[scope - 2].value = index }
        }
        defer { variables.removeSubrange(scope...) }
        return try walk(loop.body, dot: element)
    }

    private mutating func walkInclude(_ include: Include, dot: TemplateValue) throws {
        let context = "{{template \(ValueFormatter.quoted(include.name))}}"
        guard let definition = definitions[include.name] else {
            throw failure(include.span, context: context, "template \(ValueFormatter.quoted(include.name)) not defined")
        }
        guard depth < Self.maximumTemplateDepth else {
            throw failure(
                include.span,
                context: context,
                "exceeded maximum template depth (\(Self.maximumTemplateDepth))"
            )
        }
        let argument = try include.pipeline.map { try evaluate($0, dot: dot) } ?? .null
        let savedVariables = variables
        let savedName = templateName
        variables = [("$", argument)]
        templateName = definition.name
        depth += 1
        defer {
            variables = savedVariables
            templateName = savedName
            depth -= 1
        }
        _ = try walk(definition.body, dot: argument)
    }

    // MARK: Variables

    private func lookup(_ name: String) -> TemplateValue {
        // The parser has checked that the name is in scope.
        variables.last { $0.name == name }?.value ?? .null
    }

    private mutating func assign(_ name: String, _ value: TemplateValue) {
        if let index = variables.lastIndex(where: { $0.name == name }) {
            variables[index].value = value
        }
    }

    // MARK: Pipelines

    private mutating func evaluate(_ pipeline: Pipeline, dot: TemplateValue) throws -> TemplateValue {
        var value: TemplateValue? = nil
        for command in pipeline.commands {
            value = try evaluate(command, dot: dot, piped: value)
        }
        let result = value ?? .null
        for name in pipeline.declarations {
            if pipeline.isAssignment {
                assign(name, result)
            } else {
                variables.append((name, result))
            }
        }
        return result
    }

    /// `piped` is the previous command's result, passed as the last argument (nil for the first command).
    private mutating func evaluate(_ command: Command, dot: TemplateValue, piped: TemplateValue?) throws
        -> TemplateValue
    {
        let first = command.operands[0]
        let hasArguments = command.operands.count > 1 || piped != nil
        switch first.kind {
        case .function(let name, let function):
            return try call(name, function, command: command, dot: dot, piped: piped)
        case .fields(let fields):
            return try fieldChain(dot, fields, span: first.span, hasArguments: hasArguments)
        case .variable(let name, let fields):
            let value = lookup(name)
            if fields.isEmpty {
                try rejectArguments(command, hasArguments)
                return value
            }
            return try fieldChain(value, fields, span: first.span, hasArguments: hasArguments)
        case .chain(let base, let fields):
            let value = try evaluateArgument(base, dot: dot)
            return try fieldChain(value, fields, span: first.span, hasArguments: hasArguments)
        case .pipeline(let pipeline):
            try rejectArguments(command, hasArguments)
            return try evaluate(pipeline, dot: dot)
        case .dot:
            try rejectArguments(command, hasArguments)
            return dot
        case .constant(let value):
            try rejectArguments(command, hasArguments)
            return value
        case .nilLiteral:
            throw failure(first.span, "nil is not a command")
        }
    }

    private func rejectArguments(_ command: Command, _ hasArguments: Bool) throws {
        guard !hasArguments else {
            let first = command.operands[0]
            throw failure(command.span, "can't give argument to non-function \(locator.text(first.span))")
        }
    }

    private mutating func evaluateArgument(_ operand: Operand, dot: TemplateValue) throws -> TemplateValue {
        switch operand.kind {
        case .dot:
            return dot
        case .nilLiteral:
            return .null
        case .constant(let value):
            return value
        case .fields(let fields):
            return try fieldChain(dot, fields, span: operand.span, hasArguments: false)
        case .variable(let name, let fields):
            let value = lookup(name)
            return fields.isEmpty ? value : try fieldChain(value, fields, span: operand.span, hasArguments: false)
        case .chain(let base, let fields):
            let value = try evaluateArgument(base, dot: dot)
            return try fieldChain(value, fields, span: operand.span, hasArguments: false)
        case .pipeline(let pipeline):
            return try evaluate(pipeline, dot: dot)
        case .function(let name, let function):
            return try invoke(name, function, arguments: [], span: operand.span)
        }
    }

    /// Field lookups on maps. A missing key gives nil; like Go, a chain that starts from nil stays nil, but looking
    /// a field up on a nil found along the chain is an error.
    private func fieldChain(
        _ receiver: TemplateValue,
        _ fields: [String],
        span: SourceSpan,
        hasArguments: Bool
    ) throws -> TemplateValue {
        var value = receiver
        var foundByLookup = false
        for (position, name) in fields.enumerated() {
            switch value {
            case .map(let entries):
                if hasArguments && position == fields.count - 1 {
                    throw failure(span, "\(name) is not a method but has arguments")
                }
                value = entries[name] ?? .null
                foundByLookup = true
            case .null:
                if foundByLookup {
                    throw failure(span, "nil pointer evaluating interface {}.\(name)")
                }
                return .null
            default:
                throw failure(span, "can't evaluate field \(name) in type \(value.goTypeName)")
            }
        }
        return value
    }

    // MARK: Functions

    private mutating func call(
        _ name: String,
        _ function: FunctionReference,
        command: Command,
        dot: TemplateValue,
        piped: TemplateValue?
    ) throws -> TemplateValue {
        let operands = command.operands.dropFirst()
        if case .builtin(let builtin) = function, builtin == .and || builtin == .or {
            // Go evaluates `and`/`or` arguments only until the result is decided.
            guard !operands.isEmpty || piped != nil else {
                throw failure(command.span, "wrong number of args for \(name): want at least 1 got 0")
            }
            var value = TemplateValue.null
            for operand in operands {
                value = try evaluateArgument(operand, dot: dot)
                if value.isTruthy == (builtin == .or) { return value }
            }
            return piped ?? value
        }
        var arguments: [TemplateValue] = []
        arguments.reserveCapacity(operands.count + 1)
        for operand in operands {
            arguments.append(try evaluateArgument(operand, dot: dot))
        }
        if let piped { arguments.append(piped) }
        return try invoke(name, function, arguments: arguments, span: command.span)
    }

    private func invoke(
        _ name: String,
        _ function: FunctionReference,
        arguments: [TemplateValue],
        span: SourceSpan
    ) throws -> TemplateValue {
        switch function {
        case .builtin(let builtin):
            do {
                return try Builtins.call(builtin, arguments)
            } catch .wrongArguments(let message) {
                throw failure(span, message)
            } catch .failed(let message) {
                throw failure(span, "error calling \(name): \(message)")
            }
        case .custom(let custom):
            do {
                return try custom(arguments)
            } catch let error as TemplateError {
                // A function that renders another template reports that template's own position.
                throw error
            } catch {
                throw failure(span, "error calling \(name): \(error)")
            }
        }
    }
}

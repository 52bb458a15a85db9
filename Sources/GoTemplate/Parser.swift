/// Recursive-descent parser over the lexer's tokens. Like Go's, it rejects undefined functions and variables,
/// `{{break}}` outside `{{range}}`, and unbalanced control structures at parse time.
struct Parser {
    private enum ElseContinuation {
        case plain
        case ifChain
        case withChain
    }

    private enum ActionResult {
        case node(TemplateNode)
        case end(position: Int)
        case elseClause(position: Int, continuation: ElseContinuation)
    }

    private static let keywords: Set<String> = [
        "block", "break", "continue", "define", "else", "end", "if", "range", "template", "with",
    ]

    private let tokens: [Token]
    private let functions: TemplateFunctions
    private let locator: SourceLocator
    private let fail: (Int, String) -> TemplateError
    private var index = 0
    /// Variables in scope, innermost last; a control structure drops what it declared at its `{{end}}`.
    private var variables: [String] = ["$"]
    private var rangeDepth = 0
    private var definitions: [String: TemplateDefinition] = [:]

    init(
        tokens: [Token],
        functions: TemplateFunctions,
        locator: SourceLocator,
        fail: @escaping (Int, String) -> TemplateError
    ) {
        self.tokens = tokens
        self.functions = functions
        self.locator = locator
        self.fail = fail
    }

    /// Parses the whole text; the result holds the main template under `mainName` and every `define`/`block`.
    mutating func parse(mainName: String) throws -> [String: TemplateDefinition] {
        var body: [TemplateNode] = []
        while true {
            let token = peek
            switch token.kind {
            case .endOfInput:
                try addDefinition(TemplateDefinition(name: mainName, body: body), position: 0)
                return definitions
            case .text(let text):
                advance()
                body.append(.text(text))
            case .leftDelimiter:
                if case .identifier("define") = tokens[index + 1].kind {
                    index += 2
                    try parseDefine(start: token.span.start)
                    continue
                }
                switch try parseAction() {
                case .node(let node): body.append(node)
                case .end(let position): throw fail(position, "unexpected {{end}}")
                case .elseClause(let position, _): throw fail(position, "unexpected {{else}}")
                }
            default:
                throw unexpected(token, in: "template")
            }
        }
    }

    private var peek: Token { tokens[index] }

    @discardableResult
    private mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private func unexpected(_ token: Token, in context: String) -> TemplateError {
        let description: String
        switch token.kind {
        case .endOfInput: description = "EOF"
        case .identifier(let name) where Self.keywords.contains(name): description = "<\(name)>"
        default: description = ValueFormatter.quoted(locator.text(token.span))
        }
        return fail(token.span.start, "unexpected \(description) in \(context)")
    }

    private mutating func expectRightDelimiter(in context: String) throws {
        let token = advance()
        guard token.kind == .rightDelimiter else { throw unexpected(token, in: context) }
    }

    private mutating func expectTemplateName(in context: String) throws -> String {
        let token = advance()
        guard case .string(let name) = token.kind else { throw unexpected(token, in: context) }
        return name
    }

    /// Items up to the `{{end}}` or `{{else}}` that closes the enclosing control structure.
    private mutating func parseList() throws -> ([TemplateNode], ActionResult) {
        var nodes: [TemplateNode] = []
        while true {
            let token = peek
            switch token.kind {
            case .text(let text):
                advance()
                nodes.append(.text(text))
            case .leftDelimiter:
                let result = try parseAction()
                guard case .node(let node) = result else { return (nodes, result) }
                nodes.append(node)
            case .endOfInput:
                throw fail(token.span.start, "unexpected EOF")
            default:
                throw unexpected(token, in: "template")
            }
        }
    }

    private mutating func parseAction() throws -> ActionResult {
        advance()  // {{
        let keyword = peek
        if case .identifier(let word) = keyword.kind, Self.keywords.contains(word) {
            advance()
            let start = keyword.span.start
            switch word {
            case "block":
                return .node(try parseBlock(start: start))
            case "break", "continue":
                try expectRightDelimiter(in: "{{\(word)}}")
                guard rangeDepth > 0 else { throw fail(start, "{{\(word)}} outside {{range}}") }
                return .node(word == "break" ? .breakLoop : .continueLoop)
            case "else":
                // `else if` / `else with` leave the keyword for the enclosing structure to parse as a nested one.
                if case .identifier("if") = peek.kind { return .elseClause(position: start, continuation: .ifChain) }
                if case .identifier("with") = peek.kind {
                    return .elseClause(position: start, continuation: .withChain)
                }
                try expectRightDelimiter(in: "else")
                return .elseClause(position: start, continuation: .plain)
            case "end":
                try expectRightDelimiter(in: "end")
                return .end(position: start)
            case "if":
                return .node(.conditional(try parseConditional(isWith: false)))
            case "with":
                return .node(.conditional(try parseConditional(isWith: true)))
            case "range":
                return .node(.range(try parseRange()))
            case "template":
                return .node(try parseInclude(start: start))
            default:
                throw fail(start, "unexpected <\(word)>: {{\(word)}} is only allowed at the top level")
            }
        }
        return .node(.action(try parsePipeline(context: "command", closing: .rightDelimiter)))
    }

    private mutating func parseConditional(isWith: Bool) throws -> Conditional {
        let context = isWith ? "with" : "if"
        let scope = variables.count
        defer { variables.removeSubrange(scope...) }
        let pipeline = try parsePipeline(context: context, closing: .rightDelimiter)
        let (body, terminator) = try parseList()
        var elseBody: [TemplateNode]? = nil
        if case .elseClause(let position, let continuation) = terminator {
            switch continuation {
            case .ifChain where !isWith, .withChain where isWith:
                advance()  // the `if` / `with` after `else`
                elseBody = [.conditional(try parseConditional(isWith: isWith))]
            case .plain:
                elseBody = try parseElseBody()
            case .ifChain, .withChain:
                throw fail(position, "unexpected {{else \(isWith ? "if" : "with")}} in {{\(context)}}")
            }
        }
        return Conditional(isWith: isWith, pipeline: pipeline, body: body, elseBody: elseBody)
    }

    private mutating func parseElseBody() throws -> [TemplateNode] {
        let (elseBody, terminator) = try parseList()
        if case .elseClause(let position, _) = terminator {
            throw fail(position, "expected end; found {{else}}")
        }
        return elseBody
    }

    private mutating func parseRange() throws -> RangeLoop {
        let scope = variables.count
        defer { variables.removeSubrange(scope...) }
        let pipeline = try parsePipeline(context: "range", closing: .rightDelimiter)
        rangeDepth += 1
        let (body, terminator) = try parseList()
        rangeDepth -= 1
        var elseBody: [TemplateNode]? = nil
        if case .elseClause(let position, let continuation) = terminator {
            guard continuation == .plain else { throw fail(position, "unexpected {{else if}} in {{range}}") }
            elseBody = try parseElseBody()
        }
        return RangeLoop(pipeline: pipeline, body: body, elseBody: elseBody)
    }

    private mutating func parseInclude(start: Int) throws -> TemplateNode {
        let name = try expectTemplateName(in: "template clause")
        var pipeline: Pipeline? = nil
        if peek.kind == .rightDelimiter {
            advance()
        } else {
            pipeline = try parsePipeline(context: "template clause", closing: .rightDelimiter)
        }
        return .include(Include(name: name, pipeline: pipeline, span: SourceSpan(start: start, end: start)))
    }

    /// `{{block "name" pipeline}}body{{end}}`: defines `name` and includes it right here.
    private mutating func parseBlock(start: Int) throws -> TemplateNode {
        let name = try expectTemplateName(in: "block clause")
        let pipeline = try parsePipeline(context: "block clause", closing: .rightDelimiter)
        let body = try parseDefinitionBody(context: "block clause")
        try addDefinition(TemplateDefinition(name: name, body: body), position: start)
        return .include(Include(name: name, pipeline: pipeline, span: SourceSpan(start: start, end: start)))
    }

    private mutating func parseDefine(start: Int) throws {
        let name = try expectTemplateName(in: "define clause")
        try expectRightDelimiter(in: "define clause")
        let body = try parseDefinitionBody(context: "define clause")
        try addDefinition(TemplateDefinition(name: name, body: body), position: start)
    }

    /// A definition body is a template of its own: only `$` is in scope and no `{{range}}` encloses it.
    private mutating func parseDefinitionBody(context: String) throws -> [TemplateNode] {
        let savedVariables = variables
        let savedRangeDepth = rangeDepth
        variables = ["$"]
        rangeDepth = 0
        defer {
            variables = savedVariables
            rangeDepth = savedRangeDepth
        }
        let (body, terminator) = try parseList()
        if case .elseClause(let position, _) = terminator {
            throw fail(position, "unexpected {{else}} in \(context)")
        }
        return body
    }

    /// Go's rule: an empty (white-space only) definition never replaces a real one, and two real ones clash.
    private mutating func addDefinition(_ definition: TemplateDefinition, position: Int) throws {
        if let existing = definitions[definition.name], !Self.isEmpty(existing.body) {
            guard Self.isEmpty(definition.body) else {
                throw fail(position, "multiple definition of template \(ValueFormatter.quoted(definition.name))")
            }
            return
        }
        definitions[definition.name] = definition
    }

    private static func isEmpty(_ body: [TemplateNode]) -> Bool {
        body.allSatisfy { node in
            guard case .text(let text) = node else { return false }
            return text.utf8.allSatisfy(Lexer.isSpace)
        }
    }

    // MARK: Pipelines

    private mutating func parsePipeline(context: String, closing: TokenKind) throws -> Pipeline {
        let start = peek.span.start
        var declarations: [String] = []
        var isAssignment = false
        if case .variable(let first) = peek.kind {
            let next = tokens[index + 1]
            switch next.kind {
            case .declare, .assign:
                isAssignment = next.kind == .assign
                declarations = [first]
                index += 2
            case .comma:
                guard context == "range" else {
                    throw fail(next.span.start, "too many declarations in \(context)")
                }
                let second = tokens[index + 2]
                let operation = tokens[index + 3]
                guard case .variable(let secondName) = second.kind,
                    operation.kind == .declare || operation.kind == .assign
                else {
                    throw fail(second.span.start, "range can only initialize variables")
                }
                isAssignment = operation.kind == .assign
                declarations = [first, secondName]
                index += 4
            default:
                break
            }
            if isAssignment {
                for name in declarations where !variables.contains(name) {
                    throw fail(start, "undefined variable \(ValueFormatter.quoted(name))")
                }
            }
            variables.append(contentsOf: declarations)
        }
        var commands: [Command] = []
        while true {
            let token = peek
            if token.kind == closing {
                advance()
                guard !commands.isEmpty else { throw fail(token.span.start, "missing value for \(context)") }
                for (stage, command) in commands.enumerated().dropFirst() {
                    switch command.operands[0].kind {
                    case .dot, .nilLiteral, .constant:
                        throw fail(command.span.start, "non executable command in pipeline stage \(stage + 1)")
                    default:
                        continue
                    }
                }
                let span = SourceSpan(start: start, end: token.span.start)
                return Pipeline(
                    declarations: declarations,
                    isAssignment: isAssignment,
                    commands: commands,
                    span: span
                )
            }
            commands.append(try parseCommand(context: context))
        }
    }

    private mutating func parseCommand(context: String) throws -> Command {
        var operands: [Operand] = []
        let start = peek.span.start
        commandLoop: while true {
            let token = peek
            switch token.kind {
            case .rightDelimiter, .rightParen:
                break commandLoop
            case .pipe:
                guard !operands.isEmpty else { throw fail(token.span.start, "empty command") }
                advance()
                break commandLoop
            default:
                if !operands.isEmpty && !token.followsSpace {
                    throw unexpected(token, in: "operand")
                }
                guard let operand = try parseOperand() else {
                    throw unexpected(token, in: operands.isEmpty ? context : "operand")
                }
                operands.append(operand)
            }
        }
        guard let last = operands.last else { throw fail(start, "empty command") }
        return Command(operands: operands, span: SourceSpan(start: start, end: last.span.end))
    }

    private mutating func parseOperand() throws -> Operand? {
        guard let term = try parseTerm() else { return nil }
        guard case .field = peek.kind, !peek.followsSpace else { return term }
        var fields: [String] = []
        var end = term.span.end
        while case .field(let name) = peek.kind, !peek.followsSpace {
            fields.append(name)
            end = peek.span.end
            advance()
        }
        let span = SourceSpan(start: term.span.start, end: end)
        switch term.kind {
        case .fields(let base):
            return Operand(kind: .fields(base + fields), span: span)
        case .variable(let name, let base):
            return Operand(kind: .variable(name, fields: base + fields), span: span)
        case .pipeline, .function, .chain:
            return Operand(kind: .chain(term, fields: fields), span: span)
        case .dot, .nilLiteral, .constant:
            throw fail(term.span.end, "unexpected . after term \(ValueFormatter.quoted(locator.text(term.span)))")
        }
    }

    private mutating func parseTerm() throws -> Operand? {
        let token = peek
        let kind: OperandKind
        switch token.kind {
        case .identifier(let name):
            switch name {
            case "nil": kind = .nilLiteral
            case "true": kind = .constant(.bool(true))
            case "false": kind = .constant(.bool(false))
            case _ where Self.keywords.contains(name): return nil
            default:
                guard let function = functions.resolve(name) else {
                    throw fail(token.span.start, "function \(ValueFormatter.quoted(name)) not defined")
                }
                kind = .function(name, function)
            }
        case .dot:
            kind = .dot
        case .field(let name):
            kind = .fields([name])
        case .variable(let name):
            guard variables.contains(name) else {
                throw fail(token.span.start, "undefined variable \(ValueFormatter.quoted(name))")
            }
            kind = .variable(name, fields: [])
        case .leftParen:
            advance()
            let pipeline = try parsePipeline(context: "parenthesized pipeline", closing: .rightParen)
            let end = tokens[index - 1].span.end
            return Operand(kind: .pipeline(pipeline), span: SourceSpan(start: token.span.start, end: end))
        case .string(let value):
            kind = .constant(.string(value))
        case .number(let value):
            kind = .constant(value)
        default:
            return nil
        }
        advance()
        return Operand(kind: kind, span: token.span)
    }
}

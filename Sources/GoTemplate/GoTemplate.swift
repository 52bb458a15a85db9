/// A Go `text/template` (the subset Træfik's provider templates use): parsed once, rendered many times.
///
///     let template = try GoTemplate(parsing: text, name: "docker.tmpl", functions: providerFunctions)
///     let toml = try template.render(.map(["Containers": .list(containers)]))
public struct GoTemplate: Sendable {
    /// The name given at parsing; error messages and `{{template}}` use it for the main template.
    public let name: String
    private let definitions: [String: TemplateDefinition]
    private let locator: SourceLocator

    /// Throws `TemplateError` (phase `.parse`) for syntax errors, undefined functions or variables.
    public init(parsing text: String, name: String, functions: TemplateFunctions = TemplateFunctions()) throws {
        self.name = name
        let locator = SourceLocator(text)
        self.locator = locator
        let fail = { (offset: Int, message: String) -> TemplateError in
            let (line, column) = locator.location(of: offset)
            return TemplateError(phase: .parse, templateName: name, line: line, column: column, message: message)
        }
        var lexer = Lexer(text: text, fail: fail)
        var parser = Parser(tokens: try lexer.tokenize(), functions: functions, locator: locator, fail: fail)
        definitions = try parser.parse(mainName: name)
    }

    /// The names of the main template and of every `define` / `block`.
    public var templateNames: [String] {
        definitions.keys.sorted()
    }

    /// Renders the main template with `data` as dot and `$`. Throws `TemplateError` (phase `.execution`).
    public func render(_ data: TemplateValue) throws -> String {
        try render(templateNamed: name, data)
    }

    /// Renders one `define`d template, like Go's `ExecuteTemplate`.
    public func render(templateNamed templateName: String, _ data: TemplateValue) throws -> String {
        guard let definition = definitions[templateName] else {
            throw TemplateError(
                phase: .execution,
                templateName: name,
                line: 1,
                column: 1,
                message: "no template \(ValueFormatter.quoted(templateName)) associated with template "
                    + ValueFormatter.quoted(name)
            )
        }
        var executor = Executor(definitions: definitions, locator: locator, fileName: name)
        return try executor.render(definition, data: data)
    }
}

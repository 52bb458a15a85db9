import GoTemplate

/// Shorthands for the GoTemplate suites.
enum GoTemplateTestSupport {
    static func render(
        _ text: String,
        _ data: TemplateValue = nil,
        functions: TemplateFunctions = TemplateFunctions(),
        name: String = "t"
    ) throws -> String {
        try GoTemplate(parsing: text, name: name, functions: functions).render(data)
    }

    /// The error parsing `text` throws, or nil when it parses.
    static func parseError(
        _ text: String,
        functions: TemplateFunctions = TemplateFunctions(),
        name: String = "t"
    ) -> TemplateError? {
        do {
            _ = try GoTemplate(parsing: text, name: name, functions: functions)
            return nil
        } catch {
            return error as? TemplateError
        }
    }

    /// The error rendering `text` throws, or nil when it renders; `text` must parse.
    static func renderError(
        _ text: String,
        _ data: TemplateValue = nil,
        functions: TemplateFunctions = TemplateFunctions(),
        name: String = "t"
    ) throws -> TemplateError? {
        let template = try GoTemplate(parsing: text, name: name, functions: functions)
        do {
            _ = try template.render(data)
            return nil
        } catch {
            return error as? TemplateError
        }
    }
}

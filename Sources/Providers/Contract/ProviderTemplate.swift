import ConfigFormats
import Foundation
import GoTemplate
import TraefikCore

/// A provider's `filename` template (spec §12B, decision D22): read from disk at every reload, rendered with the
/// provider's data and functions, and decoded as TOML routes. Any failure is `unavailable`, so the last good routes
/// keep serving.
enum ProviderTemplate {
    /// - Parameter diagnostics: what the provider left out of `data` and why; kept in the snapshot.
    static func event(
        templateFile: String, data: TemplateValue, functions: TemplateFunctions, diagnostics: [ConfigDiagnostic] = []
    ) -> ProviderEvent {
        do {
            let text = try render(templateFile: templateFile, data: data, functions: functions)
            let node = try TOMLSource.parse(text, file: "\(templateFile) (rendered)")
            var decoder = ConfigDecoder()
            let configuration = try decoder.decode(DynamicConfiguration.self, from: node)
            return .snapshot(ProviderSnapshot(configuration: configuration, diagnostics: diagnostics))
        } catch {
            return .unavailable("\(error)")
        }
    }

    static func render(templateFile: String, data: TemplateValue, functions: TemplateFunctions) throws -> String {
        let source: String
        do {
            source = try String(contentsOfFile: templateFile, encoding: .utf8)
        } catch {
            throw TemplateFileError(description: "cannot read template \(templateFile): \(error.localizedDescription)")
        }
        return try GoTemplate(parsing: source, name: templateFile, functions: functions).render(data)
    }

    /// `replace old new s`: Go's `strings.Replace(s, old, new, -1)`, arguments ordered for pipelines
    /// (`{{.Name | replace "/" ""}}`); like the original's `func(string, string, string)`, only strings.
    static let replace: TemplateFunction = { arguments in
        guard arguments.count == 3, let old = arguments[0].asString, let new = arguments[1].asString,
            let text = arguments[2].asString
        else { throw TemplateFunctionError("replace takes three strings: old, new, text") }
        return .string(old.isEmpty ? text : text.replacingOccurrences(of: old, with: new))
    }
}

struct TemplateFileError: Error, CustomStringConvertible {
    var description: String
}

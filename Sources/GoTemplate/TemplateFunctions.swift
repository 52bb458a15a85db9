/// A function a template can call. It receives the evaluated arguments (a piped value comes last) and returns the
/// result; whatever it throws becomes an execution error `error calling <name>: <error>` at the call's position.
public typealias TemplateFunction = @Sendable ([TemplateValue]) throws -> TemplateValue

/// The functions a template may call besides the built-ins; a name given here hides a built-in of the same name,
/// as Go's `Funcs` does.
public struct TemplateFunctions: Sendable {
    private var functions: [String: TemplateFunction]

    public init(_ functions: [String: TemplateFunction] = [:]) {
        self.functions = functions
    }

    public subscript(name: String) -> TemplateFunction? {
        get { functions[name] }
        set { functions[name] = newValue }
    }

    /// Resolves a name the template uses; nil means Go's parse error `function "x" not defined`.
    func resolve(_ name: String) -> FunctionReference? {
        if let custom = functions[name] {
            return .custom(custom)
        }
        if let builtin = Builtin(rawValue: name) {
            return .builtin(builtin)
        }
        return nil
    }
}

enum FunctionReference: Sendable {
    case builtin(Builtin)
    case custom(TemplateFunction)
}

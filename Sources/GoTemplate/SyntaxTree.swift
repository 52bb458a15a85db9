/// The parsed form of a template; built once by `Parser`, walked by `Executor` on every render.
indirect enum TemplateNode: Sendable {
    case text(String)
    /// `{{pipeline}}`: prints the result unless the pipeline declares or assigns variables.
    case action(Pipeline)
    /// `{{if}}` and `{{with}}`; `else if` / `else with` are nested in `elseBody`.
    case conditional(Conditional)
    case range(RangeLoop)
    /// `{{template "name" pipeline}}`, also what `{{block}}` leaves in place.
    case include(Include)
    case breakLoop
    case continueLoop
}

struct Conditional: Sendable {
    let isWith: Bool
    let pipeline: Pipeline
    let body: [TemplateNode]
    let elseBody: [TemplateNode]?
}

struct RangeLoop: Sendable {
    let pipeline: Pipeline
    let body: [TemplateNode]
    let elseBody: [TemplateNode]?
}

struct Include: Sendable {
    let name: String
    let pipeline: Pipeline?
    let span: SourceSpan
}

struct Pipeline: Sendable {
    /// Variable names with their `$`, in source order (`$i, $e := …` gives `["$i", "$e"]`).
    let declarations: [String]
    let isAssignment: Bool
    let commands: [Command]
    let span: SourceSpan
}

struct Command: Sendable {
    let operands: [Operand]
    let span: SourceSpan
}

struct Operand: Sendable {
    let kind: OperandKind
    let span: SourceSpan
}

indirect enum OperandKind: Sendable {
    case dot
    case nilLiteral
    case constant(TemplateValue)
    /// `.A.B`: fields looked up on the dot.
    case fields([String])
    /// `$x` or `$x.A.B`.
    case variable(String, fields: [String])
    /// `(pipeline).A.B`.
    case chain(Operand, fields: [String])
    case pipeline(Pipeline)
    case function(String, FunctionReference)
}

/// One named template: the main text or a `{{define}}` / `{{block}}` body.
struct TemplateDefinition: Sendable {
    let name: String
    let body: [TemplateNode]
}

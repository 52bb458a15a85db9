/// A parse or execution failure, printed the way Go prints them:
/// `template: x.tmpl:3:12: function "foo" not defined` or
/// `template: x.tmpl:3:12: executing "x.tmpl" at <.Foo>: can't evaluate field Foo in type string`.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Phase: Sendable, Equatable {
        case parse
        case execution
    }

    public let phase: Phase
    /// The name the template text was parsed under (the file name).
    public let templateName: String
    /// 1-based.
    public let line: Int
    /// 1-based, in Unicode scalars.
    public let column: Int
    /// Everything after the position; for execution errors it starts with `executing "name" at <…>:`.
    public let message: String

    public init(phase: Phase, templateName: String, line: Int, column: Int, message: String) {
        self.phase = phase
        self.templateName = templateName
        self.line = line
        self.column = column
        self.message = message
    }

    /// Line 0: an error of the whole render, not of one place (the output limit reached by text).
    public var description: String {
        line == 0 ? "template: \(templateName): \(message)" : "template: \(templateName):\(line):\(column): \(message)"
    }
}

/// What a template function throws to report a failure with its own message; any other error works too and is
/// printed with `String(describing:)`.
public struct TemplateFunctionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Failures of the built-in functions, before a position is attached. Go prints argument-count and argument-type
/// problems as they are, and failures inside a function as `error calling <name>: …`.
enum EvaluationFailure: Error {
    case wrongArguments(String)
    case failed(String)
}

/// Maps byte offsets of the template text to 1-based line and column.
struct SourceLocator: Sendable {
    private let bytes: [UInt8]

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    func location(of offset: Int) -> (line: Int, column: Int) {
        let end = min(max(offset, 0), bytes.count)
        var line = 1
        var column = 1
        var index = 0
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                // Count scalars, not bytes: continuation bytes don't start a new column.
                column += 1
            }
            index += 1
        }
        return (line, column)
    }

    func text(_ span: SourceSpan) -> String {
        let start = min(max(span.start, 0), bytes.count)
        let end = min(max(span.end, start), bytes.count)
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

import GoTemplate
import Testing

@Suite("GoTemplate errors")
struct GoTemplateErrorTests {
    @Test(arguments: [
        ("line1\n  {{foo 1}}", "template: x.tmpl:2:5: function \"foo\" not defined"),
        ("{{$y}}", "template: x.tmpl:1:3: undefined variable \"$y\""),
        ("ab{{.A", "template: x.tmpl:1:3: unclosed action"),
        ("{{if .A}}x", "template: x.tmpl:1:11: unexpected EOF"),
        ("a\n{{end}}", "template: x.tmpl:2:3: unexpected {{end}}"),
        ("{{else}}", "template: x.tmpl:1:3: unexpected {{else}}"),
        ("{{break}}", "template: x.tmpl:1:3: {{break}} outside {{range}}"),
        ("{{range .}}{{else}}{{continue}}{{end}}", "template: x.tmpl:1:22: {{continue}} outside {{range}}"),
        ("{{\"abc}}", "template: x.tmpl:1:3: unterminated quoted string"),
        ("{{}}", "template: x.tmpl:1:3: missing value for command"),
        ("{{if}}{{end}}", "template: x.tmpl:1:5: missing value for if"),
        ("{{.A | \"x\"}}", "template: x.tmpl:1:8: non executable command in pipeline stage 2"),
        ("{{3x}}", "template: x.tmpl:1:3: bad number syntax: \"3x\""),
        ("{{/* open", "template: x.tmpl:1:1: unclosed comment"),
        ("{{/* c */ x}}", "template: x.tmpl:1:1: comment ends before closing delimiter"),
        ("{{\"a\"\"b\"}}", "template: x.tmpl:1:6: unexpected \"\\\"b\\\"\" in operand"),
        ("{{.A\"b\"}}", "template: x.tmpl:1:5: bad character \"\\\"\""),
        ("{{(.A}}", "template: x.tmpl:1:6: unclosed left paren"),
        ("{{.A)}}", "template: x.tmpl:1:5: unexpected right paren"),
        ("{{if 1}}{{else}}{{else}}{{end}}", "template: x.tmpl:1:19: expected end; found {{else}}"),
        ("{{$x = 1}}", "template: x.tmpl:1:3: undefined variable \"$x\""),
        ("{{with $a, $b := .}}{{end}}", "template: x.tmpl:1:10: too many declarations in with"),
        ("{{define \"a\"}}x{{end}}{{define \"a\"}}y{{end}}",
         "template: x.tmpl:1:23: multiple definition of template \"a\""),
        ("{{template x}}", "template: x.tmpl:1:12: unexpected \"x\" in template clause"),
        ("{{if 1}}{{define \"a\"}}{{end}}{{end}}",
         "template: x.tmpl:1:11: unexpected <define>: {{define}} is only allowed at the top level"),
    ])
    func parseErrorsCarryPositionAndMessage(text: String, expected: String) {
        let error = GoTemplateTestSupport.parseError(text, name: "x.tmpl")
        #expect(error?.description == expected)
        #expect(error?.phase == .parse)
    }

    @Test func parseErrorFieldsAreExposed() throws {
        let error = try #require(GoTemplateTestSupport.parseError("é\n\n  ü {{nope}}", name: "f"))
        #expect(error.templateName == "f")
        #expect(error.line == 3)
        #expect(error.column == 7)
        #expect(error.message == "function \"nope\" not defined")
    }

    @Test func providedFunctionsAreDefinedAndHideBuiltins() throws {
        let functions = TemplateFunctions(["len": { _ in "mine" }])
        #expect(GoTemplateTestSupport.parseError("{{len 1}}", functions: functions) == nil)
        #expect(try GoTemplateTestSupport.render("{{len 1}}", functions: functions) == "mine")
    }

    @Test func executionErrorsNameTemplatePositionAndContext() throws {
        let functions = TemplateFunctions(["fail": { _ in throw TemplateFunctionError("boom") }])
        let cases: [(String, TemplateValue, String)] = [
            ("a\n {{.A.B}}", ["A": "s"], #"template: x.tmpl:2:4: executing "x.tmpl" at <.A.B>: can't evaluate field B in type string"#),
            ("{{.A.B.C}}", ["A": [:]], #"template: x.tmpl:1:3: executing "x.tmpl" at <.A.B.C>: nil pointer evaluating interface {}.C"#),
            ("{{.A 1}}", ["A": 1], #"template: x.tmpl:1:3: executing "x.tmpl" at <.A>: A is not a method but has arguments"#),
            ("{{fail 1}}", nil, #"template: x.tmpl:1:3: executing "x.tmpl" at <fail 1>: error calling fail: boom"#),
            ("{{len 1 2}}", nil, #"template: x.tmpl:1:3: executing "x.tmpl" at <len 1 2>: wrong number of args for len: want 1 got 2"#),
            ("{{index .L 5}}", ["L": [1]], #"template: x.tmpl:1:3: executing "x.tmpl" at <index .L 5>: error calling index: index out of range: 5"#),
            ("{{eq 1 \"a\"}}", nil, #"template: x.tmpl:1:3: executing "x.tmpl" at <eq 1 "a">: error calling eq: incompatible types for comparison"#),
            ("{{lt true false}}", nil, #"template: x.tmpl:1:3: executing "x.tmpl" at <lt true false>: error calling lt: invalid type for comparison"#),
            ("{{$x := 1}}{{$x 2}}", nil, #"template: x.tmpl:1:14: executing "x.tmpl" at <$x 2>: can't give argument to non-function $x"#),
            ("{{nil}}", nil, #"template: x.tmpl:1:3: executing "x.tmpl" at <nil>: nil is not a command"#),
            ("{{range 1.5}}{{end}}", nil, #"template: x.tmpl:1:9: executing "x.tmpl" at <1.5>: range can't iterate over 1.5"#),
            ("{{template \"nope\"}}", nil, #"template: x.tmpl:1:3: executing "x.tmpl" at <{{template "nope"}}>: template "nope" not defined"#),
            ("{{len .}}", nil, #"template: x.tmpl:1:3: executing "x.tmpl" at <len .>: error calling len: len of nil pointer"#),
            ("{{printf 1}}", nil, #"template: x.tmpl:1:3: executing "x.tmpl" at <printf 1>: wrong type for value; expected string; got int"#),
            ("{{index .M 1}}", ["M": [:]], #"template: x.tmpl:1:3: executing "x.tmpl" at <index .M 1>: error calling index: value has type int; should be string"#),
        ]
        for (text, data, expected) in cases {
            let error = try GoTemplateTestSupport.renderError(text, data, functions: functions, name: "x.tmpl")
            #expect(error?.description == expected, "\(text)")
            #expect(error?.phase == .execution)
        }
    }

    @Test func errorsInsideDefinitionsNameThatDefinition() throws {
        let text = "{{define \"inner\"}}\n  {{.X.Y}}{{end}}{{template \"inner\" .}}"
        let error = try GoTemplateTestSupport.renderError(text, ["X": 1], name: "x.tmpl")
        #expect(error?.description
            == #"template: x.tmpl:2:5: executing "inner" at <.X.Y>: can't evaluate field Y in type int"#)
    }

    @Test func longContextIsShortened() throws {
        let error = try GoTemplateTestSupport.renderError(#"{{index .List "a long key value"}}"#, ["List": [1]])
        #expect(error?.message
            == #"executing "t" at <index .List "a long ...>: error calling index: cannot index slice/array with type string"#)
    }

    @Test func runawayRecursionStops() throws {
        let error = try GoTemplateTestSupport.renderError(#"{{define "r"}}{{template "r"}}{{end}}{{template "r"}}"#)
        #expect(error?.message.hasSuffix("exceeded maximum template depth (200)") == true)
    }

    @Test func functionThrowingTemplateErrorKeepsIt() throws {
        let inner = TemplateError(phase: .execution, templateName: "other", line: 4, column: 2, message: "inner")
        let functions = TemplateFunctions(["nested": { _ in throw inner }])
        let error = try GoTemplateTestSupport.renderError("{{nested}}", functions: functions)
        #expect(error == inner)
    }
}

import GoTemplate
import Testing

@Suite("GoTemplate syntax")
struct GoTemplateSyntaxTests {
    private func render(
        _ text: String,
        _ data: TemplateValue = nil,
        functions: TemplateFunctions = TemplateFunctions()
    ) throws -> String {
        try GoTemplateTestSupport.render(text, data, functions: functions)
    }

    @Test func plainTextAndDot() throws {
        #expect(try render("hello\nworld") == "hello\nworld")
        #expect(try render("<{{.}}>", "x") == "<x>")
        #expect(try render("") == "")
        #expect(try render("a } { b }}") == "a } { b }}")
    }

    @Test func trimMarkersRemoveAdjacentWhiteSpaceIncludingNewlines() throws {
        #expect(try render("a  \n\t{{- 1 -}}\n  b") == "a1b")
        #expect(try render("a \n{{- .}}\n", "x") == "ax\n")
        #expect(try render("a \n{{. -}}\n b", "x") == "a \nxb")
        // Without a space after it, `-` belongs to a number.
        #expect(try render("x {{-3}}") == "x -3")
        #expect(try render("{{3 -}} {{- 4}}") == "34")
    }

    @Test func commentsPrintNothingAndMayTrim() throws {
        #expect(try render("a {{/* c */}} b") == "a  b")
        #expect(try render("a {{- /* c */ -}} b") == "ab")
        #expect(try render("a{{/* multi\nline */}}b") == "ab")
        #expect(try render("x\n{{- /* trimmed */}}\ny") == "x\ny")
    }

    @Test func literals() throws {
        #expect(try render(#"{{"a\tb\u00e9\x41\"\\"}}"#) == "a\tbéA\"\\")
        #expect(try render("{{`raw \\n {{x}}`}}") == "raw \\n {{x}}")
        #expect(try render("{{0x1F}} {{017}} {{0o17}} {{0b101}} {{1_000}} {{-5}} {{+5}}") == "31 15 15 5 1000 -5 5")
        #expect(try render("{{1.5}} {{1e3}} {{.5}} {{1000000.0}} {{0.00001}} {{-2.25}}") == "1.5 1000 0.5 1e+06 1e-05 -2.25")
        #expect(try render("{{'a'}} {{'\\n'}} {{'é'}}") == "97 10 233")
        #expect(try render("{{true}} {{false}} {{print nil}}") == "true false <nil>")
    }

    @Test func fieldsOnMapsAndVariables() throws {
        let data: TemplateValue = [
            "Name": "web", "Config": ["Labels": ["traefik.port": "80"]], "List": [["Name": "first"]],
        ]
        #expect(try render("{{.Name}} {{.Config.Labels}}", data) == "web map[traefik.port:80]")
        #expect(try render("{{$.Name}} {{$c := .Config}}{{$c.Labels}}", data) == "web map[traefik.port:80]")
        #expect(try render("{{(index .List 0).Name}}", data) == "first")
        #expect(try render("{{.Missing}}|{{.Config.Missing}}|{{$.Missing}}", data) == "<no value>|<no value>|<no value>")
        #expect(try render("{{.A.B}}", nil) == "<no value>")
        #expect(try render("{{.Present}}", ["Present": nil]) == "<no value>")
    }

    @Test func pipelinesPassTheResultAsLastArgument() throws {
        let functions = TemplateFunctions([
            "upper": { arguments in .string(arguments.last?.asString?.uppercased() ?? "") },
            "join": { arguments in
                .string(arguments.compactMap(\.asString).joined(separator: "+"))
            },
        ])
        let data: TemplateValue = ["Name": "/web", "List": ["a", "b", "c"]]
        #expect(try render("{{.Name | upper}}", data, functions: functions) == "/WEB")
        #expect(try render(#"{{"a" | join "b" "c" | upper}}"#, data, functions: functions) == "B+C+A")
        #expect(try render(#"{{"a" | printf "%s-%s" "b"}}"#) == "b-a")
        #expect(try render(#"{{printf "%d/%d" (len .List) (len (slice .List 1))}}"#, data) == "3/2")
        #expect(try render("{{(upper .Name)}}", data, functions: functions) == "/WEB")
        #expect(try render("{{upper}}", data, functions: functions) == "")
        #expect(try render("{{ .List | len | printf \"%03d\" }}", data) == "003")
    }

    @Test func ifElseIfElse() throws {
        let text = "{{if eq . 1}}one{{else if eq . 2}}two{{else if eq . 3}}three{{else}}many{{end}}"
        #expect(try render(text, 1) == "one")
        #expect(try render(text, 2) == "two")
        #expect(try render(text, 3) == "three")
        #expect(try render(text, 9) == "many")
        #expect(try render("{{if .}}yes{{end}}", false) == "")
    }

    @Test(arguments: [
        (TemplateValue.null, false), (.bool(false), false), (.bool(true), true), (.int(0), false), (.int(-1), true),
        (.double(0), false), (.double(0.5), true), (.string(""), false), (.string("0"), true), (.list([]), false),
        (.list([.null]), true), (.map([:]), false), (.map(["k": .null]), true),
    ])
    func truthinessFollowsGo(value: TemplateValue, truthy: Bool) throws {
        #expect(try render("{{if .}}T{{else}}F{{end}}", value) == (truthy ? "T" : "F"))
        #expect(try render("{{not .}}", value) == (truthy ? "false" : "true"))
    }

    @Test func withSetsDotAndHasElse() throws {
        let data: TemplateValue = ["User": ["Name": "ann"], "Empty": ""]
        #expect(try render("{{with .User}}{{.Name}}{{end}}", data) == "ann")
        #expect(try render("{{with .Empty}}x{{else}}none:{{.User.Name}}{{end}}", data) == "none:ann")
        #expect(try render("{{with $u := .User}}{{$u.Name}}{{end}}", data) == "ann")
        #expect(try render("{{with .Empty}}a{{else with .User}}{{.Name}}{{end}}", data) == "ann")
    }

    @Test func rangeOverListsMapsAndIntegers() throws {
        let data: TemplateValue = ["L": ["a", "b", "c"], "M": ["z": 1, "a": 2, "m": 3], "E": []]
        #expect(try render("{{range .L}}[{{.}}]{{end}}", data) == "[a][b][c]")
        #expect(try render("{{range $i, $e := .L}}{{$i}}={{$e}} {{end}}", data) == "0=a 1=b 2=c ")
        #expect(try render("{{range $e := .L}}{{$e}}{{end}}", data) == "abc")
        #expect(try render("{{range $k, $v := .M}}{{$k}}:{{$v}};{{end}}", data) == "a:2;m:3;z:1;")
        #expect(try render("{{range .M}}{{.}}{{end}}", data) == "231")
        #expect(try render("{{range .E}}x{{else}}empty{{end}}", data) == "empty")
        #expect(try render("{{range .Missing}}x{{else}}none{{end}}", data) == "none")
        #expect(try render("{{range 3}}{{.}}{{end}}", data) == "012")
        #expect(try render("{{range .L}}{{$.L | len}}{{end}}", data) == "333")
    }

    @Test func breakAndContinue() throws {
        let data: TemplateValue = ["L": [1, 2, 3, 4, 5]]
        #expect(try render("{{range .L}}{{if eq . 3}}{{continue}}{{end}}{{.}}{{end}}", data) == "1245")
        #expect(try render("{{range .L}}{{if gt . 2}}{{break}}{{end}}{{.}}{{end}}", data) == "12")
        let nested = "{{range .L}}{{range $.L}}{{if gt . 1}}{{break}}{{end}}x{{end}}{{.}}{{end}}"
        #expect(try render(nested, data) == "x1x2x3x4x5")
    }

    @Test func variablesFollowGoScoping() throws {
        #expect(try render("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}") == "2")
        #expect(try render("{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}") == "21")
        #expect(try render("{{$n := 0}}{{range .}}{{$n = .}}{{end}}{{$n}}", [4, 5, 6]) == "6")
        // A variable declared in a range body starts afresh in each iteration.
        #expect(try render("{{range .}}{{$v := .}}{{$v}}{{end}}", [1, 2]) == "12")
        #expect(try render("{{with $x := 5}}{{$x}}{{end}}") == "5")
        #expect(GoTemplateTestSupport.parseError("{{if true}}{{$x := 1}}{{end}}{{$x}}") != nil)
        #expect(try render("{{$i := 9}}{{range $i, $e := .}}{{$i}}{{end}}{{$i}}", ["a", "b"]) == "019")
    }

    @Test func defineTemplateAndBlock() throws {
        #expect(try render(#"{{define "T"}}<{{.}}>{{end}}{{template "T" "x"}}{{template "T" 2}}"#) == "<x><2>")
        #expect(try render(#"{{define "T"}}{{.}}{{end}}{{template "T"}}"#, "data") == "<no value>")
        #expect(try render(#"{{define "T"}}{{$.A}}{{end}}{{template "T" .B}}"#, ["A": 1, "B": ["A": 2]]) == "2")
        #expect(try render(#"{{block "B" .}}default {{.}}{{end}}!"#, "v") == "default v!")
        let recursive = #"{{define "count"}}{{if .}}{{len .}}{{template "count" slice . 1}}{{end}}{{end}}"#
            + #"{{template "count" .}}"#
        #expect(try render(recursive, [1, 2, 3]) == "321")
        let template = try GoTemplate(
            parsing: #"main{{define "part"}}part {{.}}{{end}}"#,
            name: "file.tmpl",
            functions: TemplateFunctions()
        )
        #expect(try template.render(templateNamed: "part", "p") == "part p")
        #expect(try template.render(nil) == "main")
        #expect(template.templateNames == ["file.tmpl", "part"])
    }

    @Test func andOrShortCircuitAndReturnTheDecidingValue() throws {
        let functions = TemplateFunctions([
            "explode": { _ in throw TemplateFunctionError("must not be called") }
        ])
        #expect(try render("{{and 1 0 2}}|{{and 1 2}}|{{or 0 \"\" \"x\"}}|{{or 0 \"\"}}|") == "0|2|x||")
        #expect(try render("{{and false (explode)}}{{or true explode}}", functions: functions) == "falsetrue")
        #expect(try render("{{if and .A .B}}both{{else}}not{{end}}", ["A": 1]) == "not")
        #expect(try render("{{0 | or 5}}|{{7 | and 1}}|{{0 | or \"\"}}") == "5|7|0")
    }
}

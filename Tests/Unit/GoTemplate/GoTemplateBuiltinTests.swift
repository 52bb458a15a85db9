import GoTemplate
import Testing

@Suite("GoTemplate built-in functions and printing")
struct GoTemplateBuiltinTests {
    private func render(_ text: String, _ data: TemplateValue = nil) throws -> String {
        try GoTemplateTestSupport.render(text, data)
    }

    private let data: TemplateValue = [
        "L": ["a", "b", "c", "d"],
        "M": ["a": 1, "b": ["x", "y"]],
        "N": ["x": [10, 20]],
    ]

    @Test func lenCountsBytesElementsAndEntries() throws {
        #expect(try render(#"{{len "héllo"}} {{len .L}} {{len .M}} {{len ""}}"#, data) == "6 4 2 0")
    }

    @Test func indexListsMapsAndSeveralLevels() throws {
        #expect(try render(#"{{index .L 1}} {{index .M "a"}} {{index .N "x" 1}} {{index . "N" "x" 0}}"#, data)
            == "b 1 20 10")
        #expect(try render(#"{{index .M "missing"}}|{{index .L}}"#, data) == "<no value>|[a b c d]")
        #expect(try render(#"{{index "abc" 1}}"#) == "98")
    }

    @Test func sliceListsAndStrings() throws {
        #expect(try render(#"{{slice .L 1 3}} {{slice .L 2}} {{slice .L}} {{slice "abcdef" 1 3}}"#, data)
            == "[b c] [c d] [a b c d] bc")
        #expect(try render("{{slice .L 1 2 3}}", data) == "[b]")
    }

    @Test func comparisons() throws {
        #expect(try render("{{eq 1 1}} {{eq 1 2}} {{eq \"a\" \"b\" \"a\"}} {{eq .Missing nil}} {{eq nil 0}}", data)
            == "true false true true false")
        #expect(try render("{{ne 1 2}} {{ne \"a\" \"a\"}} {{eq true true}} {{eq 1 1.0}}") == "true false true true")
        #expect(try render("{{lt 1 2}} {{le 2 2}} {{gt 3 2}} {{ge 2 3}} {{lt 1.5 2}}") == "true true true false true")
        #expect(try render(#"{{lt "a" "b"}} {{gt "a" "B"}} {{le "b" "a"}}"#) == "true true false")
    }

    @Test func printPrintlnPrintf() throws {
        #expect(try render(#"{{print 1 2 "a" 3 "b" true}}"#) == "1 2a3btrue")
        #expect(try render(#"{{println 1 "a" .L}}"#, data) == "1 a [a b c d]\n")
        #expect(
            try render(#"{{printf "%s|%d|%v|%q|%t|%x|%X|%x|%%" "s" 42 .L "q" true 255 255 "hi"}}"#, data)
                == #"s|42|[a b c d]|"q"|true|ff|FF|6869|%"#
        )
        #expect(try render(#"{{printf "%5d|%-5s|%05d|%+d|%3s|%.2s" 42 "ab" -42 7 "abcd" "xyz"}}"#)
            == "   42|ab   |-0042|+7|abcd|xy")
        #expect(try render(#"{{printf "%d %s" "x" 1}}"#) == "%!d(string=x) %!s(int=1)")
        #expect(try render(#"{{printf "%s %s" "a"}}"#) == "a %!s(MISSING)")
        #expect(try render(#"{{printf "%s" "a" 1 nil}}"#) == "a%!(EXTRA int=1, <nil>)")
        #expect(try render(#"{{printf "%v %s" nil nil}}"#) == "<nil> %!s(<nil>)")
        #expect(try render(#"{{printf "%q %c %U" 'x' 65 233}}"#) == "'x' A U+00E9")
        #expect(try render(#"{{printf "%q" "a\"b\n"}}"#) == #""a\"b\n""#)
        #expect(try render(#"{{printf "%d" .L}}"#, ["L": [1, 2]]) == "[1 2]")
    }

    /// Go's parsenum gives up on a width or precision past 1e6 and skips the rest of the format.
    @Test func printfWithACrazyLongWidthSaysNoVerbAsGoDoes() throws {
        #expect(try render(#"{{printf "%12345678d|%s" 5 "x"}}"#) == "%!(NOVERB)%!(EXTRA int=5, string=x)")
        #expect(try render(#"{{printf "%.12345678f" 1.5}}"#) == "%!(NOVERB)%!(EXTRA float64=1.5)")
        #expect(try render(#"{{printf "%1000000d" 5}}"#).utf8.count == 1_000_000)
    }

    /// The fuzzer's template: a width of millions applied to every element of a list and repeated; the render
    /// stops with an error at 16 MiB instead of building gigabytes.
    @Test func aRenderStopsAtSixteenMebibytes() throws {
        let list: TemplateValue = .list((0..<40).map { .int($0) })
        #expect {
            try render(#"{{printf "%9999999d" .}}"#, list)
        } throws: { error in
            "\(error)".contains("output exceeds 16 MiB")
        }
        #expect {
            try render(#"{{define "row"}}{{printf "%900000d" 1}}{{end}}{{range .}}{{template "row"}}{{end}}"#, list)
        } throws: { error in
            "\(error)".contains("output exceeds 16 MiB")
        }
    }

    @Test func printfFloats() throws {
        #expect(try render(#"{{printf "%.2f|%f|%.0f|%.0f|%8.3f|%.2f" 3.14159 1.5 2.5 3.5 -1.0 2.675}}"#)
            == "3.14|1.500000|2|4|  -1.000|2.67")
        #expect(try render(#"{{printf "%e|%.2e|%E" 1234.5678 0.000123 1e100}}"#)
            == "1.234568e+03|1.23e-04|1.000000E+100")
        #expect(try render(#"{{printf "%g|%g|%.3g|%v" 0.00001 100.0 3.14159 1234567.0}}"#)
            == "1e-05|100|3.14|1.234567e+06")
    }

    @Test func valuesPrintLikeGoFmt() throws {
        let value: TemplateValue = ["b": [1, "x", nil, true], "a": ["k": 2.5], "c": 100.0]
        #expect(try render("{{.}}", value) == "map[a:map[k:2.5] b:[1 x <nil> true] c:100]")
        #expect(try render("{{.}}", nil) == "<no value>")
        #expect(try render("{{.}}", [nil]) == "[<nil>]")
        #expect(value.printed == "map[a:map[k:2.5] b:[1 x <nil> true] c:100]")
    }

    @Test func escapingFunctions() throws {
        #expect(try render(#"{{urlquery "a b&c=d/é~_.-"}}"#) == "a+b%26c%3Dd%2F%C3%A9~_.-")
        #expect(try render(#"{{html "<a href=\"x\">'&'</a>"}}"#) == "&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(try render(#"{{js "it's \"<x>\" = a&b\n\\"}}"#) == #"it\'s \"\u003Cx\u003E\" \u003D a\u0026b\u000A\\"#)
        #expect(try render(#"{{urlquery 1 2}} {{html "a" 1}}"#) == "1+2 a1")
    }
}

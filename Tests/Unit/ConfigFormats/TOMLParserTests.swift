import ConfigFormats
import Foundation
import Testing
import TraefikCore

/// The TOML v1.0.0 grammar and definition rules, toml-test style: a small document and the value it must give, or
/// the line and column its error must point at.
@Suite("TOMLParser: TOML v1.0.0 values, tables, definition rules and error positions")
struct TOMLParserTests {
    private func parse(_ text: String) throws(ConfigError) -> ConfigNode {
        try TOMLSource.parse(text, file: "t.toml")
    }

    /// `[line, column]` of the error, or nil when the document parses.
    private func errorPosition(_ text: String) -> [Int]? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            #expect(error.file == "t.toml")
            #expect(error.keyPath == "")
            #expect(!error.message.isEmpty)
            return [error.line ?? 0, error.column ?? 0]
        }
    }

    private func errorMessage(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error.message
        }
    }

    // MARK: Scalars

    @Test(arguments: [
        ("true", .bool(true)), ("false", .bool(false)),
        ("+99", .int(99)), ("42", .int(42)), ("0", .int(0)), ("-17", .int(-17)), ("+0", .int(0)), ("-0", .int(0)),
        ("1_000", .int(1000)), ("5_349_221", .int(5_349_221)), ("1_2_3_4_5", .int(12345)),
        ("9223372036854775807", .int(.max)), ("-9223372036854775808", .int(.min)),
        ("0xDEADBEEF", .int(0xDEAD_BEEF)), ("0xdead_beef", .int(0xDEAD_BEEF)), ("0x7fffffffffffffff", .int(.max)),
        ("0o01234567", .int(0o1234567)), ("0o755", .int(0o755)), ("0b11010110", .int(0b1101_0110)), ("0b0", .int(0)),
        ("+1.0", .double(1)), ("3.1415", .double(3.1415)), ("-0.01", .double(-0.01)), ("5e+22", .double(5e22)),
        ("1e06", .double(1e6)), ("-2E-2", .double(-0.02)), ("6.626e-34", .double(6.626e-34)), ("0e0", .double(0)),
        ("224_617.445_991_228", .double(224_617.445_991_228)), ("1e1_0", .double(1e10)),
        ("inf", .double(.infinity)), ("+inf", .double(.infinity)), ("-inf", .double(-.infinity)),
    ] as [(String, ConfigNode.Value)])
    func scalarValues(spelling: String, expected: ConfigNode.Value) throws {
        #expect(try parse("v = \(spelling)")["v"]?.value == expected)
    }

    @Test func notANumberWithAnySign() throws {
        for spelling in ["nan", "+nan", "-nan"] {
            guard case .double(let number)? = try parse("v = \(spelling)")["v"]?.value else {
                Issue.record("\(spelling) should be a float")
                continue
            }
            #expect(number.isNaN)
        }
        guard case .double(let negativeZero)? = try parse("v = -0.0")["v"]?.value else { return }
        #expect(negativeZero == 0 && negativeZero.sign == .minus)
    }

    @Test(arguments: [
        "1979-05-27T07:32:00Z", "1979-05-27T00:32:00-07:00", "1979-05-27T00:32:00.999999+05:30",
        "1979-05-27 07:32:00Z", "1979-05-27t07:32:00z", "1979-05-27T07:32:00", "1979-05-27 00:32:00.999999",
        "1979-05-27", "07:32:00", "00:32:00.999999", "2024-02-29", "2000-02-29", "1990-12-31T23:59:60Z",
    ])
    func datesAndTimesKeepTheirSpelling(spelling: String) throws {
        let tree = try parse("v = \(spelling)\nafter = [\(spelling), \(spelling)] # comment")
        #expect(tree["v"]?.value == .string(spelling))
        #expect(tree["after"]?[1]?.value == .string(spelling))
    }

    // MARK: Strings

    @Test(arguments: [
        (#"v = "tab\there""#, "tab\there"),
        (#"v = "\b\t\n\f\r\"\\""#, "\u{8}\t\n\u{C}\r\"\\"),
        (#"v = "\u00E9\U0001F600 \u0000""#, "é😀 \u{0}"),
        ("v = \"raw\ttab\"", "raw\ttab"),
        (#"v = 'C:\Users\nodejs'"#, #"C:\Users\nodejs"#),
        (#"v = '<\i\c*\s*>'"#, #"<\i\c*\s*>"#),
        ("v = \"\"", ""), ("v = ''", ""),
        ("v = \"\"\"\nRoses are red\nViolets are blue\"\"\"", "Roses are red\nViolets are blue"),
        ("v = \"\"\"\r\nfirst newline trimmed\r\nCRLF kept as LF\"\"\"", "first newline trimmed\nCRLF kept as LF"),
        ("v = \"\"\"\nThe quick brown \\\n\n\n  fox jumps over \\   \n    the lazy dog.\"\"\"", "The quick brown fox jumps over the lazy dog."),
        ("v = \"\"\"trailing \\\n\"\"\"", "trailing "),
        ("v = \"\"\"Two quotes: \"\". Three: \"\"\\\".\"\"\"", "Two quotes: \"\". Three: \"\"\"."),
        ("v = \"\"\"\"This,\" she said, \"is pointless.\"\"\"\"", "\"This,\" she said, \"is pointless.\""),
        (#"v = """a\tb\u0041""""#, "a\tbA"),
        ("v = '''\nThe first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n'''",
         "The first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n"),
        (#"v = '''I [dw]on't need \d{2} apples'''"#, #"I [dw]on't need \d{2} apples"#),
        (#"v = ''''That,' she said, 'is still pointless.''''"#, #"'That,' she said, 'is still pointless.'"#),
        ("v = '''Fifteen quotes: " + String(repeating: "\"", count: 15) + "'''", "Fifteen quotes: " + String(repeating: "\"", count: 15)),
    ] as [(String, String)])
    func stringKinds(text: String, expected: String) throws {
        #expect(try parse(text)["v"]?.value == .string(expected))
    }

    // MARK: Keys

    @Test func bareQuotedDottedAndNumericKeys() throws {
        let tree = try parse(#"""
            bare_key = 1
            bare-key = 2
            1234 = 3
            "quoted key" = 4
            'literal "key"' = 5
            "" = 6
            3.14159 = 7
            site."google.com" = true
            fruit . color = "yellow"
            fruit.	flavor = "banana"
            "a\u00e9" = 8
            """#)
        #expect(keys(of: tree) == ["bare_key", "bare-key", "1234", "quoted key", #"literal "key""#, "", "3", "site",
                                   "fruit", "aé"])
        #expect(tree["3"]?["14159"]?.value == .int(7))
        #expect(tree["site"]?["google.com"]?.value == .bool(true))
        #expect(keys(of: tree["fruit"]) == ["color", "flavor"])
        #expect(tree["fruit"]?["flavor"]?.position == at(10, 8))
        #expect(tree[""]?.value == .int(6))
    }

    // MARK: Arrays and inline tables

    @Test func arraysMixTypesAndAllowNewlinesCommentsAndATrailingComma() throws {
        let tree = try parse(#"""
            mixed = [ 1, "two", 3.0, [4], { five = 5 }, 1979-05-27, true, ]
            empty = [ ]
            spread = [  # opening comment
              1,
              # a comment line
              2, # after an element
            ]
            nested = [[[]], [[1]]]
            """#)
        #expect(tree["mixed"]?.value == .array([
            ConfigNode(.int(1), position: at(1, 11)), ConfigNode(.string("two"), position: at(1, 14)),
            ConfigNode(.double(3), position: at(1, 21)),
            ConfigNode(.array([ConfigNode(.int(4), position: at(1, 27))]), position: at(1, 26)),
            ConfigNode(.table([.init(key: "five", node: ConfigNode(.int(5), position: at(1, 33)))]), position: at(1, 31)),
            ConfigNode(.string("1979-05-27"), position: at(1, 45)), ConfigNode(.bool(true), position: at(1, 57)),
        ]))
        #expect(tree["empty"]?.value == .array([]))
        #expect(tree["spread"]?[1]?.value == .int(2))
        #expect(tree["spread"]?[1]?.position == at(6, 3))
        #expect(tree["nested"]?[1]?[0]?[0]?.value == .int(1))
    }

    @Test func inlineTablesNestAndTakeDottedKeys() throws {
        let tree = try parse(#"""
            name = { first = "Tom", last = "Preston-Werner" }
            animal = { type.name = "pug", type.size = "small", "quoted.key" = 1 }
            empty = {}
            deep = { a = { b = { c = [ { d = 1 } ] } } }
            """#)
        #expect(keys(of: tree["name"]) == ["first", "last"])
        #expect(tree["animal"]?["type"]?["size"]?.value == .string("small"))
        #expect(tree["animal"]?["type"]?.position == at(2, 12))
        #expect(tree["animal"]?["quoted.key"]?.value == .int(1))
        #expect(tree["empty"]?.value == .table([]))
        #expect(tree["deep"]?["a"]?["b"]?["c"]?[0]?["d"]?.value == .int(1))
    }

    // MARK: Tables and arrays of tables

    @Test func tablesMayBeCreatedOnTheWayAndDefinedLater() throws {
        let tree = try parse("""
            [x.y.z.w]
            [x]
            v = 1
            [ j . "ʞ" . 'l' ]
            [dog."tater.man"]
            type.name = "pug"
            """)
        #expect(keys(of: tree) == ["x", "j", "dog"])
        #expect(tree["x"]?.position == at(2, 2))
        #expect(keys(of: tree["x"]) == ["y", "v"])
        #expect(tree["j"]?["ʞ"]?["l"]?.position == at(4, 13))
        #expect(tree["dog"]?["tater.man"]?["type"]?["name"]?.value == .string("pug"))
    }

    @Test func aHeaderMayAddSubTablesToATableDefinedByDottedKeys() throws {
        let tree = try parse("""
            [fruit]
            apple.color = "red"
            apple.taste.sweet = true
            [fruit.apple.texture]
            smooth = true
            """)
        #expect(keys(of: tree["fruit"]?["apple"]) == ["color", "taste", "texture"])
        #expect(tree["fruit"]?["apple"]?["texture"]?["smooth"]?.value == .bool(true))
    }

    @Test func arraysOfTablesNestUnderTheirLatestElement() throws {
        let tree = try parse("""
            [[products]]
            name = "Hammer"
            [[products]]
            [[products]]
            name = "Nail"
            [[fruits]]
            name = "apple"
            [fruits.physical]
            color = "red"
            [[fruits.varieties]]
            name = "red delicious"
            [[fruits.varieties]]
            name = "granny smith"
            [[fruits]]
            name = "banana"
            [[fruits.varieties]]
            name = "plantain"
            [[ a.b ]]
            [a]
            [[a.b]]
            """)
        #expect(tree["products"]?[1]?.value == .table([]))
        #expect(tree["products"]?[2]?["name"]?.value == .string("Nail"))
        #expect(tree["fruits"]?[0]?["varieties"]?[1]?["name"]?.value == .string("granny smith"))
        #expect(tree["fruits"]?[1]?["varieties"]?[0]?["name"]?.value == .string("plantain"))
        #expect(tree["fruits"]?[1]?["physical"] == nil)
        #expect(tree["a"]?["b"]?[1]?.position == at(20, 5))
    }

    @Test func crlfLineEndsAndAByteOrderMark() throws {
        let tree = try parse("a = 1\r\n[t]\r\nb = \"\"\"x\r\ny\"\"\"\r\nc = [\r\n 2, # two\r\n]\r\n")
        #expect(tree["t"]?.position == at(2, 2))
        #expect(tree["t"]?["b"]?.value == .string("x\ny"))
        #expect(tree["t"]?["c"]?.position == at(5, 1))
        #expect(tree["t"]?["c"]?[0]?.position == at(6, 2))
        let withMark = try parse("\u{FEFF}a = 1\nb = 2")
        #expect(withMark["a"]?.position == at(1, 1))
        #expect(withMark["b"]?.position == at(2, 1))
    }

    // MARK: Errors

    @Test(arguments: [
        // Strings
        ("v = \"abc", 1, 9), ("v = \"abc\nx = 1", 1, 9), (#"v = "a\qb""#, 1, 7), (#"v = "\uD800""#, 1, 6),
        (#"v = "\u12""#, 1, 6), (#"v = "\U00110000""#, 1, 6), ("v = \"a\u{0}b\"", 1, 7), ("v = 'a\u{7F}'", 1, 7),
        ("v = 'a\nb'", 1, 7), ("v = \"\"\"abc\n", 1, 5), ("v = '''abc", 1, 5), (#"v = """a\ b""""#, 1, 9),
        (#"v = """a"""""""#, 1, 9), ("v = '''a''''''", 1, 9), (#"v = "a" "b""#, 1, 9), ("v = \"\"\"a\rb\"\"\"", 1, 9),
        ("v = \"\"\"a\u{1B}\"\"\"", 1, 9), (#""""key""" = 1"#, 1, 1), ("'''key''' = 1", 1, 1),
        // Comments and line ends
        ("# a\u{1}b", 1, 4), ("a = 1 # \u{7F}", 1, 9), ("a = 1\rb = 2", 1, 6), ("a = 1 b = 2", 1, 7),
        // Integers
        ("v = 01", 1, 5), ("v = -01", 1, 5), ("v = 1__2", 1, 5), ("v = _1", 1, 5), ("v = 1_", 1, 5), ("v = +0x1", 1, 5),
        ("v = 0xG", 1, 5), ("v = 0x", 1, 5), ("v = 0x_1", 1, 5), ("v = 0b2", 1, 5), ("v = 0o8", 1, 5), ("v = 0X1", 1, 5),
        ("v = 9223372036854775808", 1, 5), ("v = -9223372036854775809", 1, 5), ("v = 0x8000000000000000", 1, 5),
        ("v = 1 2", 1, 7),
        // Floats and booleans
        ("v = .5", 1, 5), ("v = 5.", 1, 5), ("v = 5.e3", 1, 5), ("v = 1e", 1, 5), ("v = 1.2.3", 1, 5), ("v = 01.5", 1, 5),
        ("v = 1e_5", 1, 5), ("v = 1.5_", 1, 5), ("v = infinity", 1, 5), ("v = NaN", 1, 5), ("v = True", 1, 5),
        ("v = truex", 1, 5), ("v = hello", 1, 5),
        // Dates and times
        ("v = 1979-13-01", 1, 5), ("v = 1979-02-30", 1, 5), ("v = 2023-02-29", 1, 5), ("v = 1900-02-29", 1, 5),
        ("v = 1979-05-27T25:00:00", 1, 5), ("v = 1979-05-27T07:60:00", 1, 5), ("v = 1979-05-27T07:32", 1, 21),
        ("v = 07:32", 1, 10), ("v = 1979-5-27", 1, 11), ("v = 1979-05-27T07:32:00+25:00", 1, 5),
        ("v = 07:32:00Z", 1, 13), ("v = 1979-05-27T07:32:00.", 1, 25), ("v = 1979-05-27T", 1, 16),
        ("v = 1979-05-27 07:32", 1, 21),
        // Arrays and inline tables
        ("v = [1,,2]", 1, 8), ("v = [1 2]", 1, 8), ("v = [1,2", 1, 9), ("v = [", 1, 6), ("v = [,]", 1, 6),
        ("v = {a = 1,}", 1, 12), ("v = {a = 1\n}", 1, 11), ("v = {\na = 1}", 1, 6), ("v = {a = 1 b = 2}", 1, 12),
        ("v = {a = 1", 1, 11),
        // Keys
        ("= 1", 1, 1), ("a b = 1", 1, 3), ("a. = 1", 1, 4), ("a = ", 1, 5), ("a =\nb = 1", 1, 4), ("a", 1, 2),
        ("a.b.c\n", 1, 6), ("a = # no value", 1, 5), ("é = 1", 1, 1),
        // Headers
        ("[a]]", 1, 4), ("[[a]", 1, 5), ("[ [a]]", 1, 3), ("[[a] ]", 1, 5), ("[a] b = 1", 1, 5), ("[]", 1, 2),
        ("[a.]", 1, 4), ("[.a]", 1, 2), ("[a..b]", 1, 4),
    ] as [(String, Int, Int)])
    func malformedDocumentsAreErrorsAtTheirPosition(text: String, line: Int, column: Int) {
        #expect(errorPosition(text) == [line, column])
    }

    /// Table headers without a proper key once made the C++ parser the project used abort the process (found by
    /// `make fuzz`); they are ordinary errors with a position.
    @Test(arguments: [
        ("[=", 1, 2), ("[ = \"drr\"", 1, 3), ("[ #", 1, 3), ("[\n", 1, 2), ("[[ =", 1, 4), ("[é]", 1, 2),
        ("[\t+]", 1, 3), ("a = 1\n  [backends.]", 2, 13), ("[a b]", 1, 4), ("[a.\"x\" =]", 1, 8),
        // The byte order mark is no character of the line.
        ("\u{FEFF}[ =", 1, 3),
    ] as [(String, Int, Int)])
    func aHeaderWithoutAKeyIsAnErrorWithItsPosition(text: String, line: Int, column: Int) {
        #expect(errorPosition(text) == [line, column])
    }

    @Test func theFuzzerFindingsParseAsErrors() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("integration/fixtures/fuzz/FuzzConfig")
        for name in [
            "toml-header-without-key", "toml-header-without-key-found", "toml-bom-header-without-key",
            "toml-array-closed-by-brace",
        ] {
            // The fuzz target's first byte selects the format (0: TOML).
            let bytes = try Data(contentsOf: folder.appendingPathComponent(name)).dropFirst()
            #expect(throws: ConfigError.self) { try TOMLSource.parse(String(decoding: bytes, as: UTF8.self), file: name) }
        }
    }

    @Test(arguments: [
        ("a = 1\na = 2", 2, 1), ("a = 1\nb = 2\na = 3", 3, 1), ("[a]\n[a]", 2, 2), ("[a.b]\n[a.b]", 2, 4),
        ("[a]\n[a.b]\n[a]", 3, 2), ("[a]\nb = 1\n[a.b]", 3, 4), ("[a.b]\n[a]\nb = 1", 3, 1), ("a = 1\na.b = 2", 2, 1),
        ("a.b = 1\na.b.c = 2", 2, 3), ("[a]\nb = 1\n[a.b.c]", 3, 4),
        // Inline tables and static arrays are never extended.
        ("a = {}\n[a]", 2, 2), ("a = {b = 1}\n[a.c]", 2, 2), ("a = {b = 1}\na.c = 2", 2, 1), ("a = {b = 1}\n[[a]]", 2, 3),
        ("a = [1]\n[[a]]", 2, 3), ("a = [{b = 1}]\n[a.c]", 2, 2), ("v = {a = 1, a = 2}", 1, 13),
        ("v = {a.b = 1, a = 2}", 1, 15), ("v = { a = { b = 1 }, a.c = 2 }", 1, 22),
        // Tables and arrays of tables do not turn into each other.
        ("[a]\n[[a]]", 2, 3), ("[[a]]\n[a]", 2, 2), ("[a.b]\n[[a]]", 2, 3), ("[[a]]\nb = 1\n[a.b]", 3, 4),
        ("[[a]]\nb.c = 1\n[[a.b]]", 3, 5),
        // A table defined by dotted keys is not defined again by a header, and dotted keys do not add to header tables.
        ("[fruit]\napple.color = \"red\"\n[fruit.apple]", 3, 8),
        ("[fruit]\napple.taste.sweet = true\n[fruit.apple.taste]", 3, 14), ("[a]\nx.y = 1\n[a.x]", 3, 4),
        ("[a.b.c]\nz = 9\n[a]\nb.c.t = 1", 4, 1), ("[a.b.c.d]\nz = 9\n[a]\nb.c.d.k.t = 1", 4, 1),
        ("[[a]]\n[a.b]\n[a]\nb.c = 1", 3, 2), ("a.b = 1\n[a]", 2, 2),
    ] as [(String, Int, Int)])
    func redefinitionsAreErrorsAtTheSecondDefinition(text: String, line: Int, column: Int) {
        #expect(errorPosition(text) == [line, column])
    }

    @Test func redefinitionMessagesSayWhatWasThereFirst() {
        #expect(errorMessage("[servers]\nurl = 1\nurl = 2") == #"duplicate key "servers.url" (first defined at line 2, column 1)"#)
        #expect(errorMessage("[a]\n[a]") == #"table "a" is defined twice (first at line 1, column 2)"#)
        #expect(errorMessage("a = {}\na.b = 1")?.contains("inline tables cannot be extended") == true)
        #expect(errorMessage("a = [1]\n[[a]]")?.contains("static array") == true)
    }

    // MARK: Nesting limits

    @Test func deepNestingIsRejectedWithAClearErrorNotAStackOverflow() {
        let deepArray = "v = " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(errorPosition(deepArray) == [1, 133])
        #expect(errorMessage(deepArray)?.contains("nested deeper than 128") == true)
        let deepInline = "v = " + String(repeating: "{a=", count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        #expect(errorMessage(deepInline)?.contains("nested deeper than 128") == true)
        let longHeader = "[" + Array(repeating: "a", count: 100_000).joined(separator: ".") + "]"
        #expect(errorMessage(longHeader)?.contains("more than 128 parts") == true)
        let headerThenDottedKey = "[" + Array(repeating: "a", count: 100).joined(separator: ".") + "]\n"
            + Array(repeating: "b", count: 50).joined(separator: ".") + " = 1"
        #expect(errorMessage(headerThenDottedKey)?.contains("nested deeper than 128") == true)
    }

    @Test func nestingWithinTheLimitParses() throws {
        let tree = try parse("v = " + String(repeating: "[", count: 100) + "1" + String(repeating: "]", count: 100))
        var node = tree["v"]
        for _ in 0..<100 { node = node?[0] }
        #expect(node?.value == .int(1))
    }

    /// Large shapes that a quadratic reader would crawl through: many `[[a]]` elements, one very long line.
    @Test func manyElementsAndLongLinesKeepExactPositions() throws {
        let elements = try parse(String(repeating: "[[a]]\nx = 1\n", count: 5000))
        #expect(elements["a"]?[4999]?["x"]?.position == at(10_000, 1))
        let keys = (0..<5000).map { "k\($0) = \($0)" }
        let longLine = try parse("v = {" + keys.joined(separator: ", ") + "}")
        let lastColumn = 6 + keys.dropLast().reduce(0) { $0 + $1.count + 2 }
        #expect(longLine["v"]?["k4999"]?.position == at(1, lastColumn))
        #expect(longLine["v"]?["k4999"]?.value == .int(4999))
    }

    // MARK: The seed example

    /// The outline below was printed from the tree the TOMLKit-based reader (before this parser) built for the
    /// seed's traefik.toml: the new parser gives the same keys, order, values and positions.
    @Test func theSeedExampleGivesTheSameTreeAsBefore() throws {
        let expected = #"""
             = table @1:1
            "defaultEntryPoints" = array @2:1
            "defaultEntryPoints"[0] = string "http" @2:23
            "defaultEntryPoints"[1] = string "https" @2:31
            "entryPoints" = table @3:2
            "entryPoints"."http" = table @4:16
            "entryPoints"."http"."address" = string ":80" @5:3
            "entryPoints"."http"."redirect" = table @6:23
            "entryPoints"."http"."redirect"."entryPoint" = string "https" @7:7
            "entryPoints"."https" = table @8:16
            "entryPoints"."https"."address" = string ":443" @9:3
            "entryPoints"."https"."tls" = table @10:24
            "entryPoints"."https"."tls"."certificates" = array @11:31
            "entryPoints"."https"."tls"."certificates"[0] = table @11:31
            "entryPoints"."https"."tls"."certificates"[0]."CertFile" = string "integration/fixtures/https/snitest.com.cert" @12:7
            "entryPoints"."https"."tls"."certificates"[0]."KeyFile" = string "integration/fixtures/https/snitest.com.key" @13:7
            "entryPoints"."https"."tls"."certificates"[1] = table @14:31
            "entryPoints"."https"."tls"."certificates"[1]."CertFile" = string "integration/fixtures/https/snitest.org.cert" @15:7
            "entryPoints"."https"."tls"."certificates"[1]."KeyFile" = string "integration/fixtures/https/snitest.org.key" @16:7
            "entryPoints"."https"."tls"."certificates"[1]."graceTimeOut" = int 10 @17:1
            "entryPoints"."https"."tls"."certificates"[1]."logLevel" = string "DEBUG" @18:1
            "file" = table @20:2
            "backends" = table @23:2
            "backends"."backend1" = table @24:13
            "backends"."backend1"."circuitbreaker" = table @25:24
            "backends"."backend1"."circuitbreaker"."expression" = string "NetworkErrorRatio() > 0.5" @26:7
            "backends"."backend1"."servers" = table @27:24
            "backends"."backend1"."servers"."server1" = table @27:32
            "backends"."backend1"."servers"."server1"."url" = string "http://172.17.0.2:80" @28:5
            "backends"."backend1"."servers"."server1"."weight" = int 10 @29:5
            "backends"."backend1"."servers"."server2" = table @30:32
            "backends"."backend1"."servers"."server2"."url" = string "http://172.17.0.3:80" @31:5
            "backends"."backend1"."servers"."server2"."weight" = int 1 @32:5
            "backends"."backend2" = table @33:13
            "backends"."backend2"."LoadBalancer" = table @34:24
            "backends"."backend2"."LoadBalancer"."method" = string "drr" @35:7
            "backends"."backend2"."servers" = table @36:24
            "backends"."backend2"."servers"."server1" = table @36:32
            "backends"."backend2"."servers"."server1"."url" = string "http://172.17.0.4:80" @37:5
            "backends"."backend2"."servers"."server1"."weight" = int 1 @38:5
            "backends"."backend2"."servers"."server2" = table @39:32
            "backends"."backend2"."servers"."server2"."url" = string "http://172.17.0.5:80" @40:5
            "backends"."backend2"."servers"."server2"."weight" = int 2 @41:5
            "frontends" = table @43:2
            "frontends"."frontend1" = table @44:14
            "frontends"."frontend1"."backend" = string "backend2" @45:3
            "frontends"."frontend1"."routes" = table @46:26
            "frontends"."frontend1"."routes"."test_1" = table @46:33
            "frontends"."frontend1"."routes"."test_1"."rule" = string "Host" @47:5
            "frontends"."frontend1"."routes"."test_1"."value" = string "test.localhost" @48:5
            "frontends"."frontend2" = table @49:14
            "frontends"."frontend2"."backend" = string "backend1" @50:3
            "frontends"."frontend2"."passHostHeader" = bool true @51:3
            "frontends"."frontend2"."entrypoints" = array @52:3
            "frontends"."frontend2"."entrypoints"[0] = string "https" @52:18
            "frontends"."frontend2"."routes" = table @53:26
            "frontends"."frontend2"."routes"."test_1" = table @53:33
            "frontends"."frontend2"."routes"."test_1"."rule" = string "Host" @54:5
            "frontends"."frontend2"."routes"."test_1"."value" = string "{subdomain:[a-z]+}.localhost" @55:5
            "frontends"."frontend3" = table @56:14
            "frontends"."frontend3"."entrypoints" = array @57:3
            "frontends"."frontend3"."entrypoints"[0] = string "http" @57:18
            "frontends"."frontend3"."entrypoints"[1] = string "https" @57:26
            "frontends"."frontend3"."backend" = string "backend2" @58:3
            "frontends"."frontend3"."rule" = string "Path" @59:5
            "frontends"."frontend3"."value" = string "/test" @60:5
            """#
        #expect(outline(try parse(FormatsSeedExample.toml)) == expected)
    }

    /// One line per node: `path = kind value @line:column`, keys quoted, array indices in brackets.
    private func outline(_ root: ConfigNode) -> String {
        var lines: [String] = []
        func visit(_ node: ConfigNode, _ path: String) {
            let at = node.position.map { "@\($0.line):\($0.column)" } ?? "@?"
            switch node.value {
            case .table(let entries):
                lines.append("\(path) = table \(at)")
                for entry in entries {
                    visit(entry.node, path.isEmpty ? entry.key.debugDescription : path + "." + entry.key.debugDescription)
                }
            case .array(let elements):
                lines.append("\(path) = array \(at)")
                for (index, element) in elements.enumerated() { visit(element, path + "[\(index)]") }
            case .bool(let flag): lines.append("\(path) = bool \(flag) \(at)")
            case .int(let number): lines.append("\(path) = int \(number) \(at)")
            case .double(let number): lines.append("\(path) = double \(number) \(at)")
            case .string(let text): lines.append("\(path) = string \(text.debugDescription) \(at)")
            }
        }
        visit(root, "")
        return lines.joined(separator: "\n")
    }

    // MARK: Helpers

    private func at(_ line: Int, _ column: Int) -> SourcePosition {
        SourcePosition(file: "t.toml", line: line, column: column)
    }

    private func keys(of node: ConfigNode?) -> [String] {
        guard case .table(let entries)? = node?.value else { return [] }
        return entries.map(\.key)
    }
}

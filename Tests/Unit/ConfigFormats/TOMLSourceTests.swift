import ConfigFormats
import Testing
import TraefikCore

@Suite("TOMLSource: values, key order and positions")
struct TOMLSourceTests {
    private func parse(_ text: String) throws -> ConfigNode {
        try TOMLSource.parse(text, file: "t.toml")
    }

    private func at(_ line: Int, _ column: Int) -> SourcePosition {
        SourcePosition(file: "t.toml", line: line, column: column)
    }

    @Test func syntaxErrorGivesFileLineColumnAndAMessage() throws {
        let error = #expect(throws: ConfigError.self) {
            try parse("[backends]\n  url = \"http://a\"\n  weight = = 3\n")
        }
        #expect(error?.file == "t.toml")
        #expect(error?.line == 3)
        #expect(error?.column == 12)
        #expect(error?.keyPath == "")
        #expect(error?.message.isEmpty == false)
        #expect(error?.description.hasPrefix("t.toml:3:12: ") == true)
    }

    @Test func duplicateKeyIsASyntaxErrorOnItsLine() throws {
        let error = #expect(throws: ConfigError.self) { try parse("a = 1\nb = 2\na = 3\n") }
        #expect(error?.line == 3)
    }

    @Test func emptyDocumentIsAnEmptyTable() throws {
        #expect(try parse("").value == .table([]))
        #expect(try parse("# only a comment\n\n").value == .table([]))
    }

    @Test func scalarKinds() throws {
        let tree = try parse("""
            flag = true
            count = -42
            ratio = 0.5
            hex = 0xff
            name = "x\\ty"
            raw = 'C:\\dir'
            when = 1979-05-27T07:32:00Z
            """)
        #expect(tree["flag"]?.value == .bool(true))
        #expect(tree["count"]?.value == .int(-42))
        #expect(tree["ratio"]?.value == .double(0.5))
        #expect(tree["hex"]?.value == .int(255))
        #expect(tree["name"]?.value == .string("x\ty"))
        #expect(tree["raw"]?.value == .string("C:\\dir"))
        guard case .string(let date)? = tree["when"]?.value else {
            Issue.record("a date-time should become a string")
            return
        }
        #expect(date.hasPrefix("1979-05-27"))
    }

    @Test func dottedAndQuotedKeysGetTheirOwnPositions() throws {
        let tree = try parse("""
            [servers]
            alpha.ip = "10.0.0.1"
              "with space".'lit.eral' = 1
            """)
        #expect(tree["servers"]?.position == at(1, 2))
        #expect(tree["servers"]?["alpha"]?.position == at(2, 1))
        #expect(tree["servers"]?["alpha"]?["ip"]?.position == at(2, 7))
        #expect(tree["servers"]?["with space"]?.position == at(3, 3))
        #expect(tree["servers"]?["with space"]?["lit.eral"]?.position == at(3, 16))
        #expect(tree["servers"]?["with space"]?["lit.eral"]?.value == .int(1))
    }

    @Test func quotedKeysResolveTheirEscapes() throws {
        let tree = try parse(#"""
            "a\"b" = 1
            "\u00e9t\u00e9" = 2
            """#)
        #expect(tree["a\"b"]?.position == at(1, 1))
        #expect(tree["été"]?.position == at(2, 1))
    }

    @Test func arraysOfTablesCountTheirElementsPerParent() throws {
        let tree = try parse("""
            [[fruit]]
            name = "apple"
              [[fruit.variety]]
              name = "red"
              [[fruit.variety]]
              name = "green"
            [[fruit]]
            name = "banana"
              [[fruit.variety]]
              name = "plantain"
              [fruit.physical]
              color = "yellow"
            """)
        #expect(tree["fruit"]?.position == at(1, 3))
        #expect(tree["fruit"]?[0]?.position == at(1, 3))
        #expect(tree["fruit"]?[0]?["name"]?.position == at(2, 1))
        #expect(tree["fruit"]?[0]?["variety"]?[1]?["name"]?.position == at(6, 3))
        #expect(tree["fruit"]?[0]?["variety"]?[1]?["name"]?.value == .string("green"))
        #expect(tree["fruit"]?[1]?.position == at(7, 3))
        #expect(tree["fruit"]?[1]?["variety"]?[0]?["name"]?.position == at(10, 3))
        #expect(tree["fruit"]?[1]?["physical"]?.position == at(11, 10))
        #expect(tree["fruit"]?[1]?["physical"]?["color"]?.position == at(12, 3))
    }

    @Test func inlineTablesAndArraysRecordElementPositions() throws {
        let tree = try parse("""
            servers = [ { url = "http://a", weight = 2 },
                        { url = "http://b", nested.deep = [1, [2, 3]] } ] # trailing comment
            point = { x = 1, y = 2 }
            after = "still found"
            """)
        let servers = tree["servers"]
        #expect(servers?.position == at(1, 1))
        #expect(servers?[0]?.position == at(1, 13))
        #expect(servers?[0]?["weight"]?.position == at(1, 33))
        #expect(servers?[1]?.position == at(2, 13))
        #expect(servers?[1]?["nested"]?["deep"]?.position == at(2, 40))
        #expect(servers?[1]?["nested"]?["deep"]?[1]?.position == at(2, 51))
        #expect(servers?[1]?["nested"]?["deep"]?[1]?[1]?.position == at(2, 55))
        #expect(tree["point"]?["y"]?.position == at(3, 18))
        #expect(tree["after"]?.position == at(4, 1))
    }

    @Test func stringsThatLookLikeStructureDoNotConfuseTheScanner() throws {
        let tree = try parse(#"""
            a = "[not.a.header] # nor = a comment"
            b = """
            [fake]
            c = 1 \""" "" """
            d = '''
            [[also.fake]] ''\'''
            e = 1979-05-27 07:32:00 # a date-time with a space
            f = [ "]", '}', "\"" ]
            g = """ends with two quotes"""""
            h = 2
            """#)
        #expect(keys(of: tree) == ["a", "b", "d", "e", "f", "g", "h"])
        #expect(tree["g"]?.value == .string(#"ends with two quotes"""#))
        #expect(tree["e"]?.position == at(7, 1))
        #expect(tree["f"]?[2]?.position == at(8, 17))
        #expect(tree["h"]?.position == at(10, 1))
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let tree = try parse("title = \"héllo wörld\"; x = 1".replacingSemicolonWithNewline())
        #expect(tree["x"]?.position == at(2, 2))
        let wide = try parse("a = [\"é\", \"ü\"]\n")
        #expect(wide["a"]?[1]?.position == at(1, 11))
    }

    @Test func keysKeepDocumentOrder() throws {
        let tree = try parse("""
            zeta = 1
            Alpha = 2
            [middle]
            b = 1
            a = 2
            [Beta]
            """)
        #expect(keys(of: tree) == ["zeta", "Alpha", "middle", "Beta"])
        #expect(keys(of: tree["middle"]) == ["b", "a"])
    }

    @Test func laterHeaderForAnImplicitTableMovesItsPosition() throws {
        let tree = try parse("""
            [a.b]
            x = 1
            [a]
            y = 2
            """)
        #expect(tree["a"]?.position == at(3, 2))
        #expect(tree["a"]?["b"]?.position == at(1, 4))
    }

    @Test func everyNodeOfAMixedDocumentHasAPosition() throws {
        let tree = try parse(#"""
            title = "TOML" # comment
            [owner]
            name = "Tom"
            dob = 1979-05-27T07:32:00-08:00
            [database]
            ports = [ 8000, 8001, 8002 ]
            data = [ ["delta", "phi"], [3.14] ]
            temp_targets = { cpu = 79.5, "case" = 72.0 }
            [servers.alpha]
            ip = "10.0.0.1"
            [[products]]
            name = "Hammer"
            [[products]]  # empty element
            [[products]]
            name = "Nail"
            color.shade = 'gray'
            site."google.com" = true
            str = """
            multi \
              line"""
            """#)
        #expect(FormatsSeedExample.unpositionedPaths(in: tree).isEmpty)
        #expect(FormatsSeedExample.unpositionedPaths(in: try parse(FormatsSeedExample.toml)).isEmpty)
        #expect(tree["products"]?[1]?.position == at(13, 3))
        #expect(tree["products"]?[2]?["site"]?["google.com"]?.position == at(17, 6))
        #expect(tree["products"]?[2]?["str"]?.value == .string("multi line"))
    }

    private func keys(of node: ConfigNode?) -> [String] {
        guard case .table(let entries)? = node?.value else { return [] }
        return entries.map(\.key)
    }
}

extension String {
    fileprivate func replacingSemicolonWithNewline() -> String {
        String(map { $0 == ";" ? "\n" : $0 })
    }
}

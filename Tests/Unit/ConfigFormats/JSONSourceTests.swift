import ConfigFormats
import Testing
import TraefikCore

@Suite("JSONSource")
struct JSONSourceTests {
    private func at(_ line: Int, _ column: Int) -> SourcePosition {
        SourcePosition(file: "c.json", line: line, column: column)
    }

    @Test func parsesKindsKeepsOrderAndPositions() throws {
        let tree = try JSONSource.parse("""
            {
              "Zeta": {"url": "http://a", "weight": 10, "ratio": 0.5, "big": 1e3},
              "alpha": [true, false, "s\\u00e9\\ud83d\\ude00\\n"],
              "gone": null
            }
            """, file: "c.json")
        guard case .table(let entries) = tree.value else {
            Issue.record("a JSON object is a table")
            return
        }
        #expect(entries.map(\.key) == ["Zeta", "alpha"])
        #expect(tree.position == at(1, 1))
        #expect(tree["Zeta"]?.position == at(2, 3))
        #expect(tree["zeta"]?["weight"]?.value == .int(10))
        #expect(tree["zeta"]?["weight"]?.position == at(2, 31))
        #expect(tree["zeta"]?["ratio"]?.value == .double(0.5))
        #expect(tree["zeta"]?["big"]?.value == .double(1000))
        #expect(tree["alpha"]?[0]?.value == .bool(true))
        #expect(tree["alpha"]?[2]?.value == .string("sé😀\n"))
        #expect(tree["alpha"]?[2]?.position == at(3, 26))
    }

    @Test func decodesLikeTOML() throws {
        struct Server: Decodable, Equatable { var url: String; var weight: Int }
        struct Backend: Decodable, Equatable { var servers: [String: Server] }
        var decoder = ConfigDecoder()
        let backends = try decoder.decode([String: Backend].self, from: JSONSource.parse(
            #"{"backend1": {"Servers": {"server1": {"URL": "http://a", "Weight": "2"}}}}"#, file: "c.json"))
        #expect(backends == ["backend1": Backend(servers: ["server1": Server(url: "http://a", weight: 2)])])
    }

    @Test func mismatchPointsAtTheKey() throws {
        struct Server: Decodable { var weight: Int }
        var decoder = ConfigDecoder()
        let tree = try JSONSource.parse("{\n  \"weight\": true\n}", file: "c.json")
        let error = #expect(throws: ConfigError.self) { try decoder.decode(Server.self, from: tree) }
        #expect(error?.description == "c.json:2:3: weight: expected an integer, found boolean true")
    }

    @Test(arguments: [
        ("{\"a\": }", 1, 7),
        ("{\"a\": 1,\n \"b\" 2}", 2, 6),
        ("[1, 2", 1, 6),
        ("{\"a\": \"x\\q\"}", 1, 11),
        ("{} extra", 1, 4),
        ("[null]", 1, 2),
    ])
    func syntaxErrorsHaveAPosition(text: String, line: Int, column: Int) throws {
        let error = #expect(throws: ConfigError.self) { try JSONSource.parse(text, file: "c.json") }
        #expect(error?.file == "c.json")
        #expect(error?.line == line)
        #expect(error?.column == column)
    }

    @Test func deepNestingIsRejectedNotACrash() throws {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let error = #expect(throws: ConfigError.self) { try JSONSource.parse(text, file: "c.json") }
        #expect(error?.message == "nesting too deep")
    }

    @Test func emptyObjectAndNullDocument() throws {
        #expect(try JSONSource.parse(" {} ", file: "c.json").value == .table([]))
        #expect(try JSONSource.parse("null", file: "c.json").value == .table([]))
    }
}

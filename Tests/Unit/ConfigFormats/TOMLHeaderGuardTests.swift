@testable import ConfigFormats
import Foundation
import Testing
import TraefikCore

/// Table headers without a proper key made TOMLKit's bundled toml++ abort the process (found by `make fuzz`); they
/// must come back as configuration errors with a position, and valid documents must pass untouched.
@Suite struct TOMLHeaderGuardTests {
    @Test(arguments: [
        ("[=", 1, 2), ("[ = \"drr\"", 1, 3), ("[ #", 1, 3), ("[\n", 1, 2), ("[[ =", 1, 4), ("[é]", 1, 2),
        ("[\t+]", 1, 3), ("a = 1\n  [backends.]", 2, 13), ("[a b]", 1, 4), ("[a.\"x\" =]", 1, 8),
        ("\u{FEFF}[ =", 1, 6),
    ] as [(String, Int, Int)])
    func aHeaderWithoutAKeyIsAnErrorWithItsPosition(text: String, line: Int, column: Int) {
        #expect(TOMLHeaderGuard.firstProblem(in: text).map { [$0.line, $0.column] } == [line, column])
        #expect(throws: ConfigError.self) { try TOMLSource.parse(text, file: "bad.toml") }
    }

    @Test func theFuzzerFindingsParseAsErrors() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("integration/fixtures/fuzz/FuzzConfig")
        for name in ["toml-header-without-key", "toml-header-without-key-found", "toml-bom-header-without-key"] {
            // The fuzz target's first byte selects the format (0: TOML).
            let bytes = try Data(contentsOf: folder.appendingPathComponent(name)).dropFirst()
            #expect(throws: ConfigError.self) { try TOMLSource.parse(String(decoding: bytes, as: UTF8.self), file: name) }
        }
    }

    @Test func validDocumentsPass() throws {
        let text = #"""
            # [= in a comment
            title = "[= in a string"
            multi = """
            [=
            """
            literal = '''
            [ # not a header
            '''
            nested = [
              [1, 2],
              [ ],
              ["[="],
            ]
            inline = { a = [1, 2], b = { c = "]" } }
            [ backends . "quoted.key" ]
              [backends."quoted.key".servers.'s-1']
              url = "http://127.0.0.1:80"
            [[ arrayOfTables ]]
            name = "x"
            [_a-b.C9]
            """#
        #expect(TOMLHeaderGuard.firstProblem(in: text) == nil)
        _ = try TOMLSource.parse(text, file: "good.toml")
    }
}

import Testing
import TraefikCore
@testable import ConfigFormats

@Suite struct YAMLSourceTests {
    @Test func keysCarryTheirLineAndColumn() throws {
        let tree = try YAMLSource.parse("""
            logLevel: INFO
            entryPoints:
              http:
                address: ":80"
            defaultEntryPoints:
              - http
              - https
            """, file: "t.yaml")
        #expect(tree.position == SourcePosition(file: "t.yaml", line: 1, column: 1))
        #expect(tree["logLevel"]?.position == SourcePosition(file: "t.yaml", line: 1, column: 1))
        #expect(nodeAt(tree, "entryPoints.http.address")?.position == SourcePosition(file: "t.yaml", line: 4, column: 5))
        #expect(tree["defaultEntryPoints"]?[1]?.position == SourcePosition(file: "t.yaml", line: 7, column: 5))
    }

    @Test func plainScalarsAreTypedAndQuotedOnesAreStrings() throws {
        let tree = try YAMLSource.parse("""
            a: true
            b: "true"
            c: 10
            d: '10'
            e: 1.5
            f: :80
            g: off
            """, file: "t.yaml")
        #expect(tree["a"]?.value == .bool(true))
        #expect(tree["b"]?.value == .string("true"))
        #expect(tree["c"]?.value == .int(10))
        #expect(tree["d"]?.value == .string("10"))
        #expect(tree["e"]?.value == .double(1.5))
        #expect(tree["f"]?.value == .string(":80"))
        #expect(tree["g"]?.value == .bool(false))
    }

    @Test func aliasesAndMergeKeysAreExpanded() throws {
        let tree = try YAMLSource.parse("""
            base: &base
              address: ":80"
              redirect: {entryPoint: https}
            entryPoints:
              http:
                <<: *base
                address: ":8080"
              other: *base
            """, file: "t.yaml")
        #expect(nodeAt(tree, "entryPoints.http.address")?.value == .string(":8080"))
        #expect(nodeAt(tree, "entryPoints.http.redirect.entryPoint")?.value == .string("https"))
        #expect(nodeAt(tree, "entryPoints.other.address")?.value == .string(":80"))
        guard case .table(let http)? = nodeAt(tree, "entryPoints.http")?.value else {
            Issue.record("no http table")
            return
        }
        #expect(http.map(\.key) == ["address", "redirect"])
    }

    @Test func aKeyWithoutValueIsAnEmptySection() throws {
        let tree = try YAMLSource.parse("web:\nfile: {}\n", file: "t.yaml")
        #expect(tree["web"]?.value == .table([]))
        #expect(tree["file"]?.value == .table([]))
    }

    @Test func syntaxErrorsNameFileLineAndColumn() {
        do {
            _ = try YAMLSource.parse("logLevel: INFO\nentryPoints:\n  http: [\":80\"\n", file: "bad.yaml")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.file == "bad.yaml")
            #expect(error.line == 4)
            #expect(error.column == 1)
            #expect(error.description.hasPrefix("bad.yaml:4:1: "))
        }
        do {
            _ = try YAMLSource.parse("a: 1\na: 2\n", file: "dup.yaml")
            Issue.record("expected a duplicate key error")
        } catch {
            #expect(error.file == "dup.yaml")
            #expect(error.message.contains("duplicate key a"))
        }
    }

    @Test func theDocumentMustBeAMapping() {
        #expect(throws: ConfigError(file: "l.yaml", keyPath: "", line: 1, column: 1,
                                    message: "the document must be a mapping of keys to values")) {
            try YAMLSource.parse("- a\n- b\n", file: "l.yaml")
        }
    }

    @Test func nullListElementsAreRejected() {
        #expect(throws: ConfigError(file: "n.yaml", keyPath: "defaultEntryPoints[1]", line: 1, column: 28,
                                    message: "null is not supported inside a list")) {
            try YAMLSource.parse("defaultEntryPoints: [http, ~]\n", file: "n.yaml")
        }
    }

    @Test func decodingErrorsPointAtTheYAMLKey() throws {
        let tree = try YAMLSource.parse("logLevel: INFO\nmaxIdleConnsPerHost: many\n", file: "t.yaml")
        #expect(throws: ConfigError(file: "t.yaml", keyPath: "maxIdleConnsPerHost", line: 2, column: 1,
                                    message: "expected an integer, found string \"many\"")) {
            try decodeValue(LaunchModel.self, from: tree)
        }
    }
}

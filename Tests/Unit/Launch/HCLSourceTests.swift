import Testing
import TraefikCore
@testable import ConfigFormats

@Suite struct HCLSourceTests {
    @Test func scalarsListsAndObjects() throws {
        let tree = try HCLSource.parse("""
            # comment
            name = "traefik" // trailing comment
            count = 42
            negative = -7
            hex = 0x1F
            ratio = 1.5
            big = 1e3
            on = true
            off = false
            list = ["a", 1, true,]
            empty = []
            object = { a = 1, b = "two" }
            /* block
               comment */
            "quoted key" = "x"
            web.address = ":8080"
            """, file: "t.hcl")
        #expect(tree["name"]?.value == .string("traefik"))
        #expect(tree["count"]?.value == .int(42))
        #expect(tree["negative"]?.value == .int(-7))
        #expect(tree["hex"]?.value == .int(31))
        #expect(tree["ratio"]?.value == .double(1.5))
        #expect(tree["big"]?.value == .double(1000))
        #expect(tree["on"]?.value == .bool(true))
        #expect(tree["off"]?.value == .bool(false))
        #expect(withoutPositions(try #require(tree["list"])) == ConfigNode(.array([
            ConfigNode(.string("a")), ConfigNode(.int(1)), ConfigNode(.bool(true))])))
        #expect(tree["empty"]?.value == .array([]))
        #expect(withoutPositions(try #require(tree["object"])) == ConfigNode(.table([
            .init(key: "a", node: ConfigNode(.int(1))), .init(key: "b", node: ConfigNode(.string("two")))])))
        #expect(tree["quoted key"]?.value == .string("x"))
        #expect(tree["web.address"]?.value == .string(":8080"))
    }

    @Test func stringEscapesAndInterpolations() throws {
        let tree = try HCLSource.parse(#"""
            a = "tab\tquote\"back\\slash\u00e9\U0001F600"
            b = "${var.x} and ${lookup(map, "key")}"
            c = "héllo"
            """#, file: "t.hcl")
        #expect(tree["a"]?.value == .string("tab\tquote\"back\\slash\u{e9}\u{1F600}"))
        #expect(tree["b"]?.value == .string(#"${var.x} and ${lookup(map, "key")}"#))
        #expect(tree["c"]?.value == .string("héllo"))
    }

    @Test func heredocs() throws {
        let tree = try HCLSource.parse("""
            plain = <<EOF
            line one
              line two
            EOF
            indented = <<-EOT
                first
                  second
                EOT
            after = 1
            """, file: "t.hcl")
        #expect(tree["plain"]?.value == .string("line one\n  line two\n"))
        #expect(tree["indented"]?.value == .string("first\n  second\n"))
        #expect(tree["after"]?.value == .int(1))
    }

    @Test func labelsBecomeNestedKeysAndLabeledBlocksMerge() throws {
        let tree = try HCLSource.parse("""
            entryPoints "http" {
              address = ":80"
            }
            entryPoints "https" {
              address = ":443"
            }
            backends "b1" "servers" "s1" { url = "http://127.0.0.1:81" }
            backends "b1" "servers" "s2" { url = "http://127.0.0.1:82" }
            """, file: "t.hcl")
        #expect(nodeAt(tree, "entryPoints.http.address")?.value == .string(":80"))
        #expect(nodeAt(tree, "entryPoints.https.address")?.value == .string(":443"))
        #expect(nodeAt(tree, "backends.b1.servers.s1.url")?.value == .string("http://127.0.0.1:81"))
        #expect(nodeAt(tree, "backends.b1.servers.s2.url")?.value == .string("http://127.0.0.1:82"))
    }

    @Test func positionsOfKeysLabelsAndListElements() throws {
        let tree = try HCLSource.parse("""
            logLevel = "INFO"
            entryPoints "http" {
              address = ":80"
            }
            defaultEntryPoints = ["http",
                                  "https"]
            """, file: "t.hcl")
        func at(_ line: Int, _ column: Int) -> SourcePosition { SourcePosition(file: "t.hcl", line: line, column: column) }
        #expect(tree["logLevel"]?.position == at(1, 1))
        #expect(tree["entryPoints"]?.position == at(2, 1))
        #expect(nodeAt(tree, "entryPoints.http")?.position == at(2, 13))
        #expect(nodeAt(tree, "entryPoints.http.address")?.position == at(3, 3))
        #expect(tree["defaultEntryPoints"]?[1]?.position == at(6, 23))
    }

    @Test(arguments: [
        ("a = \"open\n", 1, 5, "unterminated string"),
        ("a = \n", 2, 1, "unexpected end of input, expected a value"),
        ("a = bare", 1, 5, "expected a value, found \"bare\" (strings need double quotes)"),
        ("a 1", 1, 3, "expected \"=\" or \"{\" after key \"a\""),
        ("web {\n  address = \":80\"\n", 3, 1, "unexpected end of input, expected \"}\""),
        ("list = [1 2]", 1, 11, "expected \",\" or \"]\" in a list, found \"2\""),
        ("a = 1\na = 2", 2, 1, "duplicate key \"a\" (first set at 1:1)"),
        ("/* never closed", 1, 1, "unterminated /* comment"),
        ("a = <<EOF\ntext\n", 1, 5, "heredoc <<EOF is not closed by a line EOF"),
        ("a = \"\\q\"", 1, 8, "invalid escape \\q"),
        ("a = 10s", 1, 7, "invalid number: unexpected \"s\" (strings need double quotes)"),
        ("= 1", 1, 1, "expected a key, found \"=\""),
        ("a = 1 }", 1, 7, "expected a key, found \"}\""),
    ])
    func syntaxErrorsNameLineAndColumn(text: String, line: Int, column: Int, message: String) {
        #expect(throws: ConfigError(file: "bad.hcl", keyPath: "", line: line, column: column, message: message)) {
            try HCLSource.parse(text, file: "bad.hcl")
        }
    }

    @Test func decodingErrorsPointAtTheHCLKey() throws {
        let tree = try HCLSource.parse("web {\n  readOnly = \"sometimes\"\n}\n", file: "t.hcl")
        #expect(throws: ConfigError(file: "t.hcl", keyPath: "web.readOnly", line: 2, column: 3,
                                    message: "expected a boolean, found string \"sometimes\"")) {
            try decodeValue(LaunchModel.self, from: tree)
        }
    }
}

@Suite("HCL single blocks as lists")
struct HCLSingleBlockTests {
    @Test func oneCertificatesBlockDecodesAsAListOfOne() throws {
        let text = """
            entryPoints "https" {
              address = ":443"
              tls {
                certificates {
                  certFile = "a.cert"
                  keyFile = "a.key"
                }
              }
            }
            """
        var decoder = ConfigDecoder()
        let configuration = try decoder.decode(StaticConfiguration.self, from: try HCLSource.parse(text, file: "t.hcl"))
        #expect(configuration.entryPoints["https"]?.tls?.certificates == [CertificateConfig(certFile: "a.cert", keyFile: "a.key")])
    }
}

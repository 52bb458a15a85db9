import ConfigFormats
import Testing
import TraefikCore

@Suite("ConfigNode merging and paths")
struct ConfigNodeTests {
    private let file = SourcePosition(file: "traefik.toml", line: 1, column: 1)
    private let flag = SourcePosition(file: "<command line>", line: 1, column: 1)

    private func table(_ entries: [(String, ConfigNode)], at position: SourcePosition? = nil) -> ConfigNode {
        ConfigNode(.table(entries.map { ConfigNode.Entry(key: $0.0, node: $0.1) }), position: position)
    }

    @Test func fromPathBuildsNestedTables() {
        let value = ConfigNode(.string("unix:///var/run/docker.sock"), position: flag)
        let node = ConfigNode.fromPath("docker.endpoint", value: value)
        #expect(node == table([("docker", table([("endpoint", value)], at: flag))], at: flag))
        #expect(ConfigNode.fromPath("", value: value) == value)
    }

    @Test func overlayWinsAndTablesMergeKeyByKeyIgnoringCase() {
        let base = table([
            ("logLevel", ConfigNode(.string("ERROR"))),
            ("Web", table([("address", ConfigNode(.string(":8080"))), ("readOnly", ConfigNode(.bool(false)))])),
            ("defaultEntryPoints", ConfigNode(.array([ConfigNode(.string("http")), ConfigNode(.string("https"))]))),
        ], at: file)
        let overlay = ConfigNode.fromPath("web.address", value: ConfigNode(.string(":9090"), position: flag))
            .merging(over: .fromPath("DefaultEntryPoints", value: ConfigNode(.array([ConfigNode(.string("admin"))]))))

        let merged = overlay.merging(over: base)

        #expect(merged == table([
            ("logLevel", ConfigNode(.string("ERROR"))),
            ("web", table([("address", ConfigNode(.string(":9090"), position: flag)),
                           ("readOnly", ConfigNode(.bool(false)))], at: flag)),
            ("DefaultEntryPoints", ConfigNode(.array([ConfigNode(.string("admin"))]))),
        ], at: flag))
    }

    @Test func newKeysAreAppendedInOverlayOrder() {
        let merged = table([("b", ConfigNode(.int(2))), ("a", ConfigNode(.int(1)))])
            .merging(over: table([("z", ConfigNode(.int(0)))]))
        guard case .table(let entries) = merged.value else {
            Issue.record("a merged table stays a table")
            return
        }
        #expect(entries.map(\.key) == ["z", "b", "a"])
    }

    @Test func scalarOverlayReplacesATable() {
        let merged = ConfigNode.fromPath("docker", value: ConfigNode(.bool(true)))
            .merging(over: table([("docker", table([("endpoint", ConfigNode(.string("x")))]))]))
        #expect(merged["docker"]?.value == .bool(true))
    }

    @Test func subscriptsFindKeysIgnoringCaseAndIndices() {
        let node = table([("Backends", ConfigNode(.array([ConfigNode(.int(1))])))])
        #expect(node["backends"]?[0]?.value == .int(1))
        #expect(node["backends"]?[1] == nil)
        #expect(node["frontends"] == nil)
        #expect(ConfigNode(.int(1))["x"] == nil)
    }

    @Test func keyPathsWriteIndicesInBrackets() {
        let path: [ConfigPathComponent] = [.key("entryPoints"), .key("https"), .key("tls"), .key("certificates"),
                                           .index(1), .key("CertFile")]
        #expect(path.dottedKeyPath == "entryPoints.https.tls.certificates[1].CertFile")
    }

    @Test func errorDescriptionLeavesOutWhatIsUnknown() {
        #expect(ConfigError(file: nil, keyPath: "a.b", line: nil, column: nil, message: "bad").description == "a.b: bad")
        #expect(ConfigError(file: "f.toml", keyPath: "", line: 3, column: 4, message: "bad").description
            == "f.toml:3:4: bad")
    }
}

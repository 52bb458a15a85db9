import ConfigFormats
import Testing
import TraefikCore

@Suite("The seed's traefik.toml example")
struct SeedExampleDecodingTests {
    private func decodeExample() throws -> (FormatsSeedExample.File, [String]) {
        let tree = try TOMLSource.parse(FormatsSeedExample.toml, file: "traefik.toml")
        var decoder = ConfigDecoder()
        let file = try decoder.decode(FormatsSeedExample.File.self, from: tree)
        return (file, decoder.unusedKeyPaths)
    }

    @Test func decodesEveryField() throws {
        let (file, _) = try decodeExample()

        #expect(file.defaultEntryPoints == ["http", "https"])
        // TOML has no dedent: these two lines follow `[[entryPoints.https.tls.certificates]]`, so
        // they belong to the second certificate and the global options stay unset.
        #expect(file.graceTimeOut == nil)
        #expect(file.logLevel == nil)
        #expect(file.file == FormatsSeedExample.FileProvider(filename: nil, watch: nil))

        #expect(file.entryPoints["http"] == .init(address: ":80", redirect: .init(entryPoint: "https"), tls: nil))
        let https = try #require(file.entryPoints["https"])
        #expect(https.address == ":443")
        #expect(https.redirect == nil)
        #expect(https.tls?.certificates == [
            .init(certFile: "integration/fixtures/https/snitest.com.cert",
                  keyFile: "integration/fixtures/https/snitest.com.key"),
            .init(certFile: "integration/fixtures/https/snitest.org.cert",
                  keyFile: "integration/fixtures/https/snitest.org.key"),
        ])

        #expect(file.backends == [
            "backend1": .init(
                circuitBreaker: .init(expression: "NetworkErrorRatio() > 0.5"), loadBalancer: nil,
                servers: ["server1": .init(url: "http://172.17.0.2:80", weight: 10),
                          "server2": .init(url: "http://172.17.0.3:80", weight: 1)]),
            "backend2": .init(
                circuitBreaker: nil, loadBalancer: .init(method: "drr"),
                servers: ["server1": .init(url: "http://172.17.0.4:80", weight: 1),
                          "server2": .init(url: "http://172.17.0.5:80", weight: 2)]),
        ])

        #expect(file.frontends == [
            "frontend1": .init(backend: "backend2", passHostHeader: nil, entryPoints: nil,
                               routes: ["test_1": .init(rule: "Host", value: "test.localhost")]),
            "frontend2": .init(backend: "backend1", passHostHeader: true, entryPoints: ["https"],
                               routes: ["test_1": .init(rule: "Host", value: "{subdomain:[a-z]+}.localhost")]),
            // The seed's pitfall: rule and value outside `routes`, so frontend3 has no routes.
            "frontend3": .init(backend: "backend2", passHostHeader: nil, entryPoints: ["http", "https"], routes: nil),
        ])
    }

    @Test func reportsTheMisplacedKeysAsUnused() throws {
        let (_, unused) = try decodeExample()
        #expect(unused == [
            "entryPoints.https.tls.certificates[1].graceTimeOut",
            "entryPoints.https.tls.certificates[1].logLevel",
            "frontends.frontend3.rule",
            "frontends.frontend3.value",
        ])
    }

    @Test func treeKeepsDocumentOrderAndOriginalCase() throws {
        let tree = try TOMLSource.parse(FormatsSeedExample.toml, file: "traefik.toml")
        #expect(keys(of: tree) == ["defaultEntryPoints", "entryPoints", "file", "backends", "frontends"])
        #expect(keys(of: tree["backends"]?["backend2"]) == ["LoadBalancer", "servers"])
        #expect(keys(of: tree["backends"]?["backend1"]) == ["circuitbreaker", "servers"])
        #expect(keys(of: tree["entryPoints"]?["https"]?["tls"]?["certificates"]?[1])
            == ["CertFile", "KeyFile", "graceTimeOut", "logLevel"])
        #expect(keys(of: tree["frontends"]?["frontend3"]) == ["entrypoints", "backend", "rule", "value"])
    }

    @Test func everyNodeCarriesItsKeyPosition() throws {
        let tree = try TOMLSource.parse(FormatsSeedExample.toml, file: "traefik.toml")
        #expect(tree.position == SourcePosition(file: "traefik.toml", line: 1, column: 1))
        #expect(tree["defaultEntryPoints"]?.position == SourcePosition(file: "traefik.toml", line: 2, column: 1))
        #expect(tree["defaultEntryPoints"]?[1]?.position == SourcePosition(file: "traefik.toml", line: 2, column: 31))
        #expect(tree["entryPoints"]?.position == SourcePosition(file: "traefik.toml", line: 3, column: 2))
        #expect(tree["entryPoints"]?["https"]?["tls"]?["certificates"]?.position?.line == 11)
        let secondCertificate = tree["entryPoints"]?["https"]?["tls"]?["certificates"]?[1]
        #expect(secondCertificate?.position == SourcePosition(file: "traefik.toml", line: 14, column: 31))
        #expect(secondCertificate?["CertFile"]?.position == SourcePosition(file: "traefik.toml", line: 15, column: 7))
        #expect(tree["file"]?.position == SourcePosition(file: "traefik.toml", line: 20, column: 2))
        #expect(tree["backends"]?["backend1"]?["servers"]?["server1"]?["weight"]?.position
            == SourcePosition(file: "traefik.toml", line: 29, column: 5))
        #expect(tree["frontends"]?["frontend3"]?["value"]?.position
            == SourcePosition(file: "traefik.toml", line: 60, column: 5))
    }

    @Test func typeMismatchDeepInTheTreeNamesFileLineColumnAndKeyPath() throws {
        let text = FormatsSeedExample.toml.replacingFirst("weight = 10", with: #"weight = "ten""#)
        let tree = try TOMLSource.parse(text, file: "traefik.toml")
        var decoder = ConfigDecoder()
        let error = #expect(throws: ConfigError.self) {
            try decoder.decode(FormatsSeedExample.File.self, from: tree)
        }
        #expect(error == ConfigError(file: "traefik.toml", keyPath: "backends.backend1.servers.server1.weight",
                                     line: 29, column: 5, message: #"expected an integer, found string "ten""#))
        #expect(error?.description
            == #"traefik.toml:29:5: backends.backend1.servers.server1.weight: expected an integer, found string "ten""#)
    }

    @Test func missingKeyInAnArrayOfTablesPointsAtTheElement() throws {
        let text = FormatsSeedExample.toml.replacingFirst(
            #"KeyFile = "integration/fixtures/https/snitest.org.key""#, with: "")
        let tree = try TOMLSource.parse(text, file: "traefik.toml")
        var decoder = ConfigDecoder()
        let error = #expect(throws: ConfigError.self) {
            try decoder.decode(FormatsSeedExample.File.self, from: tree)
        }
        #expect(error?.keyPath == "entryPoints.https.tls.certificates[1].keyFile")
        #expect(error?.line == 14)
        #expect(error?.message == #"missing required key "keyFile""#)
    }

    private func keys(of node: ConfigNode?) -> [String] {
        guard case .table(let entries)? = node?.value else { return [] }
        return entries.map(\.key)
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        var result = self
        if let range = result.firstRange(of: target) { result.replaceSubrange(range, with: replacement) }
        return result
    }
}

import ConfigFormats
import Testing
import TraefikCore

@Suite("Provider sections in the launch configuration")
struct ProviderConfigurationTests {
    @Test func sectionsLandInTheModelWithDocumentedDefaults() throws {
        let toml = """
            [web]
            address = ":9090"
            [docker]
            domain = "docker.localhost"
            [etcd]
            prefix = "/custom"
            [zookeeper]
            [marathon]
            """
        var decoder = ConfigDecoder()
        let configuration = try decoder.decode(StaticConfiguration.self, from: try TOMLSource.parse(toml, file: "t.toml"))
        #expect(configuration.web?.resolvedAddress == ":9090")
        #expect(configuration.docker?.resolvedEndpoint == "unix:///var/run/docker.sock")
        #expect(configuration.docker?.domain == "docker.localhost")
        #expect(configuration.docker?.resolvedWatch == true)  // D24: documented default, even from a file
        #expect(configuration.etcd?.resolvedPrefix == "/custom")
        #expect(configuration.etcd?.resolvedEndpoint(store: "etcd") == "127.0.0.1:4001")
        #expect(configuration.zookeeper?.resolvedEndpoint(store: "zookeeper") == "127.0.0.1:2181")
        #expect(configuration.marathon?.resolvedNetworkInterface == "eth0")
        #expect(configuration.consul == nil)
        #expect(decoder.unusedKeyPaths.isEmpty)
    }

    @Test func flagsLandInTheSameModel() throws {
        let flags = try LaunchFlags.parse(["--docker", "--docker.endpoint=tcp://127.0.0.1:2375", "--consul.prefix=/kv"])
        var decoder = ConfigDecoder()
        let configuration = try decoder.decode(StaticConfiguration.self, from: flags.applying(to: .emptyTable))
        #expect(configuration.docker?.resolvedEndpoint == "tcp://127.0.0.1:2375")
        #expect(configuration.consul?.resolvedPrefix == "/kv")
        #expect(configuration.consul?.resolvedEndpoint(store: "consul") == "127.0.0.1:8500")
    }
}

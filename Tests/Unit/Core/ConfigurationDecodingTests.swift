import Foundation
import Testing
import TraefikCore

@Suite("Decoding the configuration model (JSON)")
struct ConfigurationDecodingTests {
    private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    @Test("An empty static configuration takes every default")
    func staticDefaults() throws {
        let config = try decode(StaticConfiguration.self, "{}")
        #expect(config == StaticConfiguration())
        #expect(config.entryPoints == ["http": EntryPointConfig(address: ":80")])
        #expect(config.defaultEntryPoints == ["http"])
        #expect(config.graceTimeOut == .seconds(10))
        #expect(config.logLevel == "ERROR")
        #expect(config.providersThrottleDuration == .seconds(2))
        #expect(config.maxIdleConnsPerHost == 0)
        #expect(config.traefikLogsFile == nil && config.accessLogsFile == nil && config.port == nil && config.file == nil)
    }

    @Test("A full static configuration")
    func staticFull() throws {
        let config = try decode(StaticConfiguration.self, """
        {
          "entryPoints": {
            "http": {"address": ":8000", "redirect": {"entryPoint": "https"}},
            "https": {"address": ":4443", "tls": {"certificates": [{"certFile": "a.crt", "keyFile": "a.key"}]}},
            "bare": {}
          },
          "graceTimeOut": 5,
          "logLevel": "DEBUG",
          "accessLogsFile": "access.log",
          "providersThrottleDuration": "500ms",
          "maxIdleConnsPerHost": 20,
          "file": {"filename": "rules.toml", "watch": true}
        }
        """)
        #expect(config.entryPoints["http"] == EntryPointConfig(address: ":8000", redirect: RedirectConfig(entryPoint: "https")))
        #expect(config.entryPoints["https"]?.tls?.certificates == [CertificateConfig(certFile: "a.crt", keyFile: "a.key")])
        #expect(config.entryPoints["bare"] == EntryPointConfig(address: ":80"))
        #expect(config.defaultEntryPoints == ["http"], "D8: defaults apply even when entryPoints is set")
        #expect(config.graceTimeOut == .seconds(5))
        #expect(config.logLevel == "DEBUG")
        #expect(config.accessLogsFile == "access.log")
        #expect(config.providersThrottleDuration == .milliseconds(500))
        #expect(config.maxIdleConnsPerHost == 20)
        #expect(config.file == FileProviderConfig(filename: "rules.toml", watch: true))
    }

    @Test(
        "Durations: integer seconds, numeric strings as seconds, or Go duration strings",
        arguments: [("10", Duration.seconds(10)), ("\"10\"", .seconds(10)), ("\"1m30s\"", .seconds(90)), ("1.5", .milliseconds(1500))]
    )
    func durations(json: String, expected: Duration) throws {
        let config = try decode(StaticConfiguration.self, "{\"graceTimeOut\": \(json), \"providersThrottleDuration\": \(json)}")
        #expect(config.graceTimeOut == expected)
        #expect(config.providersThrottleDuration == expected)
    }

    @Test("A bad duration is a decoding error", arguments: ["\"10 parsecs\"", "true", "[1]"])
    func badDuration(json: String) {
        #expect(throws: DecodingError.self) { try decode(StaticConfiguration.self, "{\"graceTimeOut\": \(json)}") }
    }

    @Test("The static configuration round-trips through its encoding")
    func staticRoundTrip() throws {
        let config = StaticConfiguration(graceTimeOut: .milliseconds(2500), providersThrottleDuration: .seconds(90), port: ":8080")
        let data = try JSONEncoder().encode(config)
        #expect(try JSONDecoder().decode(StaticConfiguration.self, from: data) == config)
    }

    @Test("A dynamic configuration with defaults for every missing key")
    func dynamic() throws {
        let config = try decode(DynamicConfiguration.self, """
        {
          "backends": {
            "backend1": {
              "servers": {"server1": {"url": "http://172.17.0.2:80", "weight": 10}, "server2": {"url": "http://172.17.0.3:80"}},
              "circuitBreaker": {"expression": "NetworkErrorRatio() > 0.5"},
              "loadBalancer": {"method": "drr"}
            },
            "backend2": {}
          },
          "frontends": {
            "frontend1": {
              "backend": "backend1",
              "entryPoints": ["http"],
              "passHostHeader": true,
              "priority": 2,
              "routes": {"test_1": {"rule": "Host", "value": "test.localhost"}}
            },
            "frontend3": {"backend": "backend2", "rule": "Path", "value": "/ignored"}
          }
        }
        """)
        #expect(config == DynamicConfiguration(
            backends: [
                "backend1": Backend(
                    servers: ["server1": Server(url: "http://172.17.0.2:80", weight: 10), "server2": Server(url: "http://172.17.0.3:80")],
                    circuitBreaker: CircuitBreakerConfig(expression: "NetworkErrorRatio() > 0.5"),
                    loadBalancer: LoadBalancerConfig(method: "drr")
                ),
                "backend2": Backend(),
            ],
            frontends: [
                "frontend1": Frontend(
                    backend: "backend1",
                    entryPoints: ["http"],
                    passHostHeader: true,
                    priority: 2,
                    routes: ["test_1": Route(rule: "Host", value: "test.localhost")]
                ),
                // The seed doc's frontend3 layout: rule/value outside routes are ignored (spec §1.1).
                "frontend3": Frontend(backend: "backend2"),
            ]
        ))
        #expect(try decode(DynamicConfiguration.self, "{}") == DynamicConfiguration())
    }

    @Test("Encoding leaves out empty, zero and false fields, like Go's omitempty")
    func dynamicEncodingOmitsEmpty() throws {
        let config = DynamicConfiguration(
            backends: ["b": Backend(servers: ["s": Server(url: "http://a")])],
            frontends: ["f": Frontend(backend: "b")]
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(config), as: UTF8.self)
        #expect(json == #"{"backends":{"b":{"servers":{"s":{"url":"http://a"}}}},"frontends":{"f":{"backend":"b"}}}"#)
        #expect(try JSONDecoder().decode(DynamicConfiguration.self, from: Data(json.utf8)) == config)
    }
}

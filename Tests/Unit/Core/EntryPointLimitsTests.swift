import ConfigFormats
import Testing
import TraefikCore

/// The per-entry-point limits (issue 10): keys of `[entryPoints.<name>]`, defaults from decisions.md.
@Suite struct EntryPointLimitsTests {
    func decode(_ toml: String) throws -> StaticConfiguration {
        var decoder = ConfigDecoder()
        return try decoder.decode(StaticConfiguration.self, from: TOMLSource.parse(toml, file: "t.toml"))
    }

    @Test func defaultsAreTheDocumentedLimits() throws {
        let limits = try #require(decode("[entryPoints.http]\naddress = \":80\"\n").entryPoints["http"]).limits
        #expect(limits == EntryPointLimits())
        #expect(limits.maxConnections == 0)
        #expect(limits.maxRequestLineBytes == 8192)
        #expect(limits.maxHeaderBytes == 16384)
        #expect(limits.maxHeaderLines == 100)
        #expect(limits.readHeaderTimeout == .seconds(10))
        #expect(limits.idleTimeout == .seconds(180))
        #expect(limits.bodyIdleTimeout == .seconds(60))
        #expect(limits.responseHeaderTimeout == .seconds(60))
    }

    @Test func everyKeyIsRead() throws {
        let toml = """
            [entryPoints.http]
            address = ":80"
            maxConnections = 500
            maxRequestLineBytes = 4096
            maxHeaderBytes = 8192
            maxHeaderLines = 50
            readHeaderTimeout = "5s"
            idleTimeout = 60
            bodyIdleTimeout = "1m30s"
            responseHeaderTimeout = "0s"
            """
        let limits = try #require(decode(toml).entryPoints["http"]).limits
        #expect(limits.maxConnections == 500)
        #expect(limits.maxRequestLineBytes == 4096)
        #expect(limits.maxHeaderBytes == 8192)
        #expect(limits.maxHeaderLines == 50)
        #expect(limits.readHeaderTimeout == .seconds(5))
        #expect(limits.idleTimeout == .seconds(60))
        #expect(limits.bodyIdleTimeout == .seconds(90))
        #expect(limits.responseHeaderTimeout == .zero, "0 means no limit, for long polls")
    }

    @Test func impossibleValuesNameTheKey() throws {
        for (line, key) in [
            ("maxConnections = -1", "maxConnections"), ("maxHeaderLines = 0", "maxHeaderLines"),
            ("readHeaderTimeout = \"0s\"", "readHeaderTimeout"), ("bodyIdleTimeout = \"soon\"", "bodyIdleTimeout"),
            ("responseHeaderTimeout = \"-1s\"", "responseHeaderTimeout"),
        ] {
            let error = #expect(throws: ConfigError.self) {
                _ = try decode("[entryPoints.http]\naddress = \":80\"\n\(line)\n")
            }
            #expect(error?.keyPath == "entryPoints.http.\(key)", "\(line)")
        }
    }
}

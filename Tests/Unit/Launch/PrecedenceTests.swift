import Testing
import TraefikCore
@testable import ConfigFormats

/// Arguments > file > defaults, through `ParsedFlags.applying(to:)` and `StaticConfiguration`.
@Suite struct PrecedenceTests {
    static let file = """
        logLevel = "INFO"
        graceTimeOut = "20s"
        maxIdleConnsPerHost = 200
        defaultEntryPoints = ["http", "admin"]

        [entryPoints]
          [entryPoints.http]
          address = ":8082"
          [entryPoints.admin]
          address = ":9000"

        [file]
        watch = true
        """

    func configuration(_ arguments: [String], file text: String = PrecedenceTests.file) throws -> StaticConfiguration {
        let fileTree = try TOMLSource.parse(text, file: "traefik.toml")
        let flags = try LaunchFlags.parse(arguments)
        return try decodeValue(StaticConfiguration.self, from: flags.applying(to: fileTree))
    }

    @Test func withoutFlagsTheFileWinsOverTheDefaults() throws {
        let configuration = try configuration([])
        #expect(configuration.logLevel == "INFO")
        #expect(configuration.graceTimeOut == .seconds(20))
        #expect(configuration.providersThrottleDuration == .seconds(2))  // default
        #expect(configuration.entryPoints.keys.sorted() == ["admin", "http"])
        #expect(configuration.file == FileProviderConfig(watch: true))
    }

    @Test func flagsWinOverTheFileKeyByKey() throws {
        let configuration = try configuration([
            "-l", "DEBUG", "--graceTimeOut=5", "--maxIdleConnsPerHost", "3", "--providersThrottleDuration=500ms",
            "--defaultEntryPoints=http", "--file.watch=false", "--traefikLogsFile=t.log", "--accessLogsFile=a.log",
            "-p", ":81",
        ])
        #expect(configuration.logLevel == "DEBUG")
        #expect(configuration.graceTimeOut == .seconds(5))
        #expect(configuration.maxIdleConnsPerHost == 3)
        #expect(configuration.providersThrottleDuration == .milliseconds(500))
        #expect(configuration.defaultEntryPoints == ["http"])
        #expect(configuration.file == FileProviderConfig(watch: false))
        #expect(configuration.traefikLogsFile == "t.log")
        #expect(configuration.accessLogsFile == "a.log")
        #expect(configuration.port == ":81")
        #expect(configuration.entryPoints.keys.sorted() == ["admin", "http"])  // untouched without --entryPoints
    }

    @Test func entryPointsFlagsReplaceTheFilesEntryPoints() throws {
        let configuration = try configuration(["--entryPoints=Name:http Address::8081"])
        #expect(configuration.entryPoints == ["http": EntryPointConfig(address: ":8081")])
    }

    @Test func flagsApplyWithoutAFileAndDefaultsFillTheRest() throws {
        let flags = try LaunchFlags.parse(["--logLevel=WARN", "--file"])
        let configuration = try decodeValue(StaticConfiguration.self, from: flags.applying(to: .emptyTable))
        #expect(configuration.logLevel == "WARN")
        #expect(configuration.entryPoints == ["http": EntryPointConfig(address: ":80")])
        #expect(configuration.defaultEntryPoints == ["http"])
        #expect(configuration.file == FileProviderConfig())
    }

    @Test func flagsOverrideProviderKeysOfTheFileOneByOne() throws {
        let fileTree = try YAMLSource.parse("""
            docker:
              endpoint: tcp://127.0.0.1:2375
              domain: docker.localhost
            """, file: "traefik.yaml")
        let flags = try LaunchFlags.parse(["--docker.domain=example.org", "--docker"])
        let model = try decodeValue(LaunchModel.self, from: flags.applying(to: fileTree))
        #expect(model.docker == LaunchModel.Docker(endpoint: "tcp://127.0.0.1:2375", domain: "example.org"))
    }
}

import LoadGen
import Testing

@Suite struct LoadGenOptionsTests {
    private let url = "http://127.0.0.1:8080/index.html"

    @Test func defaultsFollowAb() throws {
        let options = try LoadGenOptions.parse([url])
        #expect(options.totalRequests == nil)
        #expect(options.requestLimit == 1)
        #expect(options.concurrency == 1)
        #expect(!options.keepAlive)
        #expect(options.timeoutSeconds == 30)
        #expect(options.effectiveMethod == "GET")
        #expect(!options.http10 && !options.json && options.rate == nil && options.threads == nil)
        #expect(options.url == TargetURL(host: "127.0.0.1", port: 8080, pathAndQuery: "/index.html"))
    }

    @Test func everyFlagIsRead() throws {
        let options = try LoadGenOptions.parse([
            "-n", "1000", "-c", "20", "-k", "-t", "5", "-H", "X-Test: one", "-H", "Accept:text/plain",
            "-m", "put", "-p", "body.bin", "-T", "application/octet-stream", "-s", "2.5",
            "--http1.0", "--rate", "250", "--threads", "3", "--json", url,
        ])
        #expect(options.totalRequests == 1000)
        #expect(options.requestLimit == 1000)
        #expect(options.concurrency == 20)
        #expect(options.keepAlive)
        #expect(options.timeLimitSeconds == 5)
        #expect(options.headers == [RequestHeader(name: "X-Test", value: "one"), RequestHeader(name: "Accept", value: "text/plain")])
        #expect(options.effectiveMethod == "PUT")
        #expect(options.bodyFile == "body.bin")
        #expect(options.contentType == "application/octet-stream")
        #expect(options.timeoutSeconds == 2.5)
        #expect(options.http10)
        #expect(options.rate == 250)
        #expect(options.threads == 3)
        #expect(options.json)
    }

    @Test func abStyleAttachedValuesAndClusters() throws {
        let options = try LoadGenOptions.parse(["-n500", "-kc", "10", "--rate=20", url])
        #expect(options.totalRequests == 500)
        #expect(options.keepAlive)
        #expect(options.concurrency == 10)
        #expect(options.rate == 20)
    }

    @Test func aTimeLimitAloneLiftsTheRequestCap() throws {
        let options = try LoadGenOptions.parse(["-t", "10", "-c", "50", url])
        #expect(options.requestLimit == nil)
    }

    @Test func aBodyFileMakesThePostDefault() throws {
        #expect(try LoadGenOptions.parse(["-p", "b", url]).effectiveMethod == "POST")
        #expect(try LoadGenOptions.parse(["-p", "b", "-m", "PATCH", url]).effectiveMethod == "PATCH")
    }

    @Test func helpNeedsNoURL() throws {
        #expect(try LoadGenOptions.parse(["-h"]).showHelp)
        #expect(try LoadGenOptions.parse(["--help"]).showHelp)
    }

    @Test(arguments: [
        ([String](), "missing the URL"),
        (["-n"], "-n needs a value"),
        (["-n", "0", "http://h/"], "-n needs a positive whole number"),
        (["-c", "x", "http://h/"], "-c needs a positive whole number"),
        (["-t", "-1", "http://h/"], "-t needs a positive number"),
        (["-s", "nan", "http://h/"], "-s needs a positive number"),
        (["--rate", "0", "http://h/"], "--rate needs a positive number"),
        (["--threads", "0", "http://h/"], "--threads needs a positive whole number"),
        (["--rate"], "--rate needs a value"),
        (["--json=yes", "http://h/"], "--json takes no value"),
        (["-x", "http://h/"], "unknown option -x"),
        (["--bogus", "http://h/"], "unknown option --bogus"),
        (["-n", "5", "-c", "10", "http://h/"], "cannot use a concurrency level (10) above the number of requests (5)"),
        (["-H", "NoColon", "http://h/"], "-H needs 'Name: value'"),
        (["-H", "Bad Name: v", "http://h/"], "invalid header name"),
        (["-m", "G T", "http://h/"], "invalid method"),
        (["-T", "text/plain", "http://h/"], "-T needs a body file"),
        (["http://a/", "http://b/"], "only one URL is allowed"),
        (["https://h/"], "https is not supported"),
        (["ftp://h/"], "the URL must look like http://"),
        (["http:///path"], "the URL has no host"),
        (["http://h:99999/"], "invalid port '99999'"),
        (["http://h:port/"], "invalid port 'port'"),
    ])
    func usageErrorsSayWhatIsWrong(arguments: [String], expectedMessage: String) {
        #expect {
            try LoadGenOptions.parse(arguments)
        } throws: { error in
            (error as? UsageError)?.message.contains(expectedMessage) ?? false
        }
    }
}

@Suite struct TargetURLTests {
    @Test(arguments: [
        ("http://example.test", "example.test", 80, "/"),
        ("http://example.test:8080", "example.test", 8080, "/"),
        ("http://example.test?x=1", "example.test", 80, "/?x=1"),
        ("HTTP://127.0.0.1:81/a/b?c=d#frag", "127.0.0.1", 81, "/a/b?c=d"),
        ("http://[::1]:8080/x", "::1", 8080, "/x"),
        ("http://[::1]/", "::1", 80, "/"),
    ])
    func parsesHostPortAndPath(text: String, host: String, port: Int, pathAndQuery: String) throws {
        #expect(try TargetURL.parse(text) == TargetURL(host: host, port: port, pathAndQuery: pathAndQuery))
    }

    @Test func hostHeaderOmitsTheDefaultPort() {
        #expect(TargetURL(host: "h", port: 80, pathAndQuery: "/").hostHeader == "h")
        #expect(TargetURL(host: "h", port: 81, pathAndQuery: "/").hostHeader == "h:81")
        #expect(TargetURL(host: "::1", port: 81, pathAndQuery: "/").hostHeader == "[::1]:81")
    }
}

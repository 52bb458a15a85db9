import LoadGen
import Testing

@Suite struct RequestBuilderTests {
    private let target = TargetURL(host: "127.0.0.1", port: 8080, pathAndQuery: "/p?q=1")

    private func request(
        method: String = "GET", headers: [RequestHeader] = [], body: String = "", contentType: String? = nil,
        keepAlive: Bool = false, http10: Bool = false
    ) -> String {
        String(decoding: RequestBuilder.requestBytes(
            target: target, method: method, headers: headers, body: Array(body.utf8), contentType: contentType,
            keepAlive: keepAlive, http10: http10
        ), as: UTF8.self)
    }

    @Test func http11WithoutKeepAliveAsksToClose() {
        #expect(request() == """
            GET /p?q=1 HTTP/1.1\r
            Host: 127.0.0.1:8080\r
            User-Agent: loadgen\r
            Accept: */*\r
            Connection: close\r
            \r

            """)
    }

    @Test func http11WithKeepAlive() {
        #expect(request(keepAlive: true).contains("\r\nConnection: keep-alive\r\n"))
        #expect(!request(keepAlive: true).contains("close"))
    }

    @Test func http10IsCloseByDefaultAndAsksForKeepAliveOnlyWithK() {
        let plain = request(http10: true)
        #expect(plain.hasPrefix("GET /p?q=1 HTTP/1.0\r\n"))
        #expect(!plain.contains("Connection:"))
        #expect(request(keepAlive: true, http10: true).contains("\r\nConnection: keep-alive\r\n"))
    }

    @Test func userHeadersReplaceDefaultsButNotFraming() {
        let text = request(headers: [
            RequestHeader(name: "host", value: "virtual.test"),
            RequestHeader(name: "X-Extra", value: "1"),
            RequestHeader(name: "Connection", value: "upgrade"),
            RequestHeader(name: "Content-Length", value: "999"),
        ])
        #expect(text.contains("\r\nhost: virtual.test\r\n"))
        #expect(!text.contains("Host: 127.0.0.1"))
        #expect(text.contains("\r\nX-Extra: 1\r\n"))
        #expect(!text.contains("upgrade"))
        #expect(!text.contains("999"))
    }

    @Test func bodyComesWithItsLengthAndType() {
        let text = request(method: "POST", body: "{\"a\":1}", contentType: "application/json")
        #expect(text.hasPrefix("POST /p?q=1 HTTP/1.1\r\n"))
        #expect(text.contains("\r\nContent-Length: 7\r\n"))
        #expect(text.contains("\r\nContent-Type: application/json\r\n"))
        #expect(text.hasSuffix("\r\n\r\n{\"a\":1}"))
    }

    @Test func anEmptyPostStillSaysItsLength() {
        #expect(request(method: "POST").contains("\r\nContent-Length: 0\r\n"))
        #expect(!request(method: "GET").contains("Content-Length"))
    }

    @Test func planBuildsTheRequestFromOptions() throws {
        let options = try LoadGenOptions.parse(["-k", "-m", "HEAD", "http://127.0.0.1:9/x"])
        let plan = try LoadPlan(options: options, body: [])
        #expect(!plan.expectsBody)
        #expect(String(decoding: plan.request, as: UTF8.self).hasPrefix("HEAD /x HTTP/1.1\r\n"))
        #expect(plan.keepAlive)
    }
}

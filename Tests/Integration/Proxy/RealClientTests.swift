import FakeFarm
import Foundation
import Testing

/// The proxy under real HTTP tools (installed by `make test`): ApacheBench, the seed's benchmark client.
@Suite("Real clients")
struct RealClientTests {
    static let config = testEntryPoint + """
        [backends]
          [backends.one]
            [backends.one.servers.a]
            url = "http://127.0.0.1:{{B1}}"
            [backends.one.servers.b]
            url = "http://127.0.0.1:{{B2}}"
        [frontends]
          [frontends.all]
          backend = "one"
        """

    struct AbResult {
        var complete: Int
        var failed: Int
        var non2xx: Int
    }

    /// Runs `ab` with `arguments`; fails the test clearly when ab is not installed.
    static func ab(_ arguments: [String]) async throws -> AbResult {
        let path = ["/usr/bin/ab", "/usr/sbin/ab"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else {
            throw TestFailure("ab (apache2-utils) is not installed; `make test` installs it")
        }
        let text = try await ProcessRunner.run(URL(fileURLWithPath: path), arguments).stdout
        func number(_ label: String) -> Int {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(label) }) else { return -1 }
            return Int(line.split(separator: " ").last ?? "") ?? -1
        }
        return AbResult(
            complete: number("Complete requests:"), failed: number("Failed requests:"),
            non2xx: text.contains("Non-2xx responses:") ? number("Non-2xx responses:") : 0)
    }

    @Test(arguments: [false, true])
    func apacheBenchGetsEveryResponse(keepAlive: Bool) async throws {
        try await ProxyHarness.with(toml: Self.config) { proxy in
            let arguments = (keepAlive ? ["-k"] : []) + [
                "-q", "-r", "-s", "10", "-n", "400", "-c", "8", "-H", "Host: test.localhost",
                "http://127.0.0.1:\(proxy.port)/",
            ]
            let result = try await Self.ab(arguments)
            #expect(result.complete == 400)
            #expect(result.failed == 0)
            #expect(result.non2xx == 0)
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

import FakeFarm
import Foundation
import Testing

/// The binary raises its open-file soft limit to the hard limit at start, whatever the log level.
@Suite struct OpenFileLimitTests {
    @Test func theSoftLimitIsRaisedToTheHardLimit() async throws {
        let directory = try CommandLineTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try PortAllocator.freePort()
        let config = try LaunchConfigurationTests.write(
            "[entryPoints]\n  [entryPoints.http]\n  address = \"127.0.0.1:\(port)\"\n[file]\n"
                + LaunchConfigurationTests.routes(backendPort: try PortAllocator.closedPort()),
            to: "traefik.toml", in: directory)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // A low soft limit, as distributions start processes with; `exec` keeps the shell's process id.
        process.arguments = ["-c", "ulimit -Sn 256 && exec \"$0\" -c \"$1\"", CommandLineTests.binary.path, config.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        try await eventually(timeout: .seconds(15), "the proxy answers on \(port)") {
            (try? await HTTPTestClient.request(port: port)) != nil
        }
        let limits = try String(contentsOfFile: "/proc/\(process.processIdentifier)/limits", encoding: .utf8)
        let line = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max open files") })
        let numbers = line.split(separator: " ", omittingEmptySubsequences: true).compactMap { Int($0) }
        #expect(numbers.count == 2 && numbers[0] == numbers[1] && numbers[0] > 256, "\(line)")
        process.terminate()
        await ProcessRunner.waitForExit(process)
    }
}

import FakeFarm
import Foundation
import Testing

/// The real `traefik` binary, as a user runs it.
@Suite("traefik command line")
struct CommandLineTests {
    static var binary: URL {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/traefik")
    }

    static func run(_ arguments: [String], in directory: URL? = nil) async throws -> ProcessRunner.Outcome {
        try await ProcessRunner.run(binary, arguments, in: directory)
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("traefik-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func missingConfigFileExitsWith1AndSaysWhy() async throws {
        let outcome = try await Self.run(["--configFile=/nonexistent/traefik.toml"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("/nonexistent/traefik.toml"))
    }

    @Test func invalidValueNamesFileKeyPathAndLine() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bad.toml")
        try """
            [entryPoints]
              [entryPoints.http]
              address = "127.0.0.1:1"
            [file]
            [backends]
              [backends.b.servers.s]
              url = "http://127.0.0.1:1"
              weight = "ten"
            """.write(to: file, atomically: true, encoding: .utf8)
        let outcome = try await Self.run(["-c", file.path])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("bad.toml:8"))
        #expect(outcome.stderr.contains("backends.b.servers.s.weight"))
    }

    @Test func tomlSyntaxErrorGivesLineAndColumn() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("broken.toml")
        try "logLevel = \"INFO\"\n[entryPoints\n".write(to: file, atomically: true, encoding: .utf8)
        let outcome = try await Self.run(["--configFile", file.path])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("broken.toml:2"))
    }

    @Test func findsTraefikTomlInTheWorkingDirectoryAndServes() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let backend = WhoamiServer(name: "cli-backend")
        try await backend.start()
        let port = try PortAllocator.freePort()
        try """
            [entryPoints]
              [entryPoints.http]
              address = "127.0.0.1:\(port)"
            [file]
            filename = "rules.toml"
            """.write(to: directory.appendingPathComponent("traefik.toml"), atomically: true, encoding: .utf8)
        try """
            [backends]
              [backends.b.servers.s]
              url = "http://127.0.0.1:\(backend.port)"
            [frontends]
              [frontends.f]
              backend = "b"
            """.write(to: directory.appendingPathComponent("rules.toml"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = Self.binary
        process.currentDirectoryURL = directory
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await eventually(timeout: .seconds(10), "the proxy serves the rules file") {
            (try? await HTTPTestClient.request(port: port, target: "/").status) == 200
        }
        #expect(try await HTTPTestClient.request(port: port).whoami().name == "cli-backend")
        process.terminate()
        await ProcessRunner.waitForExit(process)
        #expect(process.terminationStatus == 0)
        try await backend.stop()
    }
}

/// Issue 4 through the real binary: formats, flags over the file, check, version, logs and signals.
@Suite("traefik launch configuration")
struct LaunchConfigurationTests {
    static func write(_ text: String, to name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Starts the binary, waits until `port` answers `target` with 200, runs `body`, then SIGTERMs it.
    static func withRunning(
        _ arguments: [String], in directory: URL, port: Int, _ body: (Process) async throws -> Void
    ) async throws {
        let process = Process()
        process.executableURL = CommandLineTests.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        do {
            try await eventually(timeout: .seconds(15), "the proxy answers on \(port)") {
                (try? await HTTPTestClient.request(port: port, target: "/").status) == 200
            }
            try await body(process)
        } catch {
            process.terminate()
            await ProcessRunner.waitForExit(process)
            throw error
        }
        if process.isRunning {
            process.terminate()
            await ProcessRunner.waitForExit(process)
        }
    }

    static func routes(backendPort: Int) -> String {
        """
        [backends]
          [backends.b.servers.s]
          url = "http://127.0.0.1:\(backendPort)"
        [frontends]
          [frontends.f]
          backend = "b"
        """
    }

    @Test(arguments: ["json", "yaml", "hcl"])
    func configFileInEachFormat(format: String) async throws {
        let directory = try CommandLineTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let backend = WhoamiServer(name: "fmt-\(format)")
        try await backend.start()
        let port = try PortAllocator.freePort()
        _ = try Self.write(Self.routes(backendPort: backend.port), to: "rules.toml", in: directory)
        let text: String
        switch format {
        case "json":
            text = #"{"entryPoints": {"http": {"address": "127.0.0.1:\#(port)"}}, "file": {"filename": "rules.toml"}}"#
        case "yaml":
            text = "entryPoints:\n  http:\n    address: \"127.0.0.1:\(port)\"\nfile:\n  filename: rules.toml\n"
        default:
            text = "entryPoints \"http\" {\n  address = \"127.0.0.1:\(port)\"\n}\nfile {\n  filename = \"rules.toml\"\n}\n"
        }
        let config = try Self.write(text, to: "traefik.\(format)", in: directory)
        try await Self.withRunning(["-c", config.path], in: directory, port: port) { _ in
            let echo = try await HTTPTestClient.request(port: port).whoami()
            #expect(echo.name == "fmt-\(format)")
        }
        try await backend.stop()
    }

    @Test func entryPointsFlagReplacesTheFilesEntryPoints() async throws {
        let directory = try CommandLineTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let backend = WhoamiServer(name: "flags")
        try await backend.start()
        let filePort = try PortAllocator.freePort()
        let flagPort = try PortAllocator.freePort()
        let config = try Self.write(
            "[entryPoints]\n  [entryPoints.http]\n  address = \"127.0.0.1:\(filePort)\"\n[file]\n"
                + Self.routes(backendPort: backend.port), to: "traefik.toml", in: directory)
        try await Self.withRunning(
            ["-c", config.path, "--entryPoints=Name:http Address:127.0.0.1:\(flagPort)", "--defaultEntryPoints=http"],
            in: directory, port: flagPort
        ) { _ in
            let echo = try await HTTPTestClient.request(port: flagPort).whoami()
            #expect(echo.name == "flags")
            await #expect(throws: (any Error).self) { _ = try await HTTPTestClient.connect(port: filePort) }
        }
        try await backend.stop()
    }

    /// The seed's `--entryPoints` example: http redirecting to https, https with `TLS:cert,key`.
    @Test func entryPointsFlagWithTLSAndRedirect() async throws {
        let directory = try CommandLineTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let backend = WhoamiServer(name: "tls-flags")
        try await backend.start()
        let httpPort = try PortAllocator.freePort()
        let httpsPort = try PortAllocator.freePort()
        let config = try Self.write("[file]\n" + Self.routes(backendPort: backend.port), to: "traefik.toml", in: directory)
        let cert = TLSTests.fixture("snitest.com.cert")
        let key = TLSTests.fixture("snitest.com.key")
        let process = Process()
        process.executableURL = CommandLineTests.binary
        process.arguments = [
            "-c", config.path, "--defaultEntryPoints=http,https",
            "--entryPoints=Name:http Address:127.0.0.1:\(httpPort) Redirect.EntryPoint:https",
            "--entryPoints=Name:https Address:127.0.0.1:\(httpsPort) TLS:\(cert),\(key)",
        ]
        process.currentDirectoryURL = directory
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { process.terminate() }
        try await eventually(timeout: .seconds(15), "the redirect answers on \(httpPort)") {
            (try? await HTTPTestClient.request(port: httpPort, target: "/", headers: [("Host", "snitest.com")]).status) == 302
        }
        let redirect = try await HTTPTestClient.request(port: httpPort, target: "/x?y=1", headers: [("Host", "snitest.com")])
        #expect(redirect.header("Location") == "https://snitest.com:\(httpsPort)/x?y=1")
        let curl = try await ProcessRunner.run(try TLSTests.tool("curl", package: "curl"), [
            "-sS", "-L", "--cacert", cert, "--resolve", "snitest.com:\(httpPort):127.0.0.1",
            "--resolve", "snitest.com:\(httpsPort):127.0.0.1", "-w", "\n%{http_code} %{http_version}",
            "http://snitest.com:\(httpPort)/followed",
        ])
        let (echo, trailer) = try TLSTests.whoamiAndTrailer(curl.stdout)
        #expect(trailer == "200 2", "\(curl.stderr)")
        #expect(echo.name == "tls-flags")
        #expect(echo.header("X-Forwarded-Proto") == ["https"])
        process.terminate()
        await ProcessRunner.waitForExit(process)
        try await backend.stop()
    }

    /// `traefik check` reports certificate and redirect problems too, and the binary refuses to start on them.
    @Test func checkAndStartReportCertificateAndRedirectProblems() async throws {
        let directory = try CommandLineTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try Self.write(
            """
            [entryPoints]
              [entryPoints.http]
              address = "127.0.0.1:1"
                [entryPoints.http.redirect]
                entryPoint = "httpz"
              [entryPoints.https]
              address = "127.0.0.1:2"
                [entryPoints.https.tls]
                  [[entryPoints.https.tls.certificates]]
                  CertFile = "\(TLSTests.fixture("snitest.com.cert"))"
                  KeyFile = "\(TLSTests.fixture("snitest.org.key"))"
            [file]

            """ + Self.routes(backendPort: 1), to: "tls.toml", in: directory)
        let check = try await CommandLineTests.run(["check", "-c", config.path])
        #expect(check.status == 1)
        #expect(check.stderr.contains("entry point http: redirect.entryPoint: unknown entry point \"httpz\""), "\(check.stderr)")
        #expect(check.stderr.contains("entry point https: KeyFile \(TLSTests.fixture("snitest.org.key")) does not match CertFile"))
        let start = try await CommandLineTests.run(["-c", config.path])
        #expect(start.status == 1)
        #expect(start.stderr.contains("entry point http: redirect.entryPoint: unknown entry point"), "\(start.stderr)")
    }

    @Test func sigtermLetsTheRequestInFlightFinishAndExitsZero() async throws {
        let directory = try CommandLineTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let backend = WhoamiServer(name: "slow")
        try await backend.start()
        let port = try PortAllocator.freePort()
        let logFile = directory.appendingPathComponent("log/traefik.log")
        let config = try Self.write(
            "logLevel = \"INFO\"\ntraefikLogsFile = \"\(logFile.path)\"\ngraceTimeOut = 10\n[entryPoints]\n  [entryPoints.http]\n"
                + "  address = \"127.0.0.1:\(port)\"\n[file]\n" + Self.routes(backendPort: backend.port),
            to: "traefik.toml", in: directory)
        try await Self.withRunning(["-c", config.path], in: directory, port: port) { process in
            let slow = try await HTTPTestClient.connect(port: port)
            try await slow.send("GET /?delay=1500 HTTP/1.1\r\nHost: h\r\n\r\n")
            try await eventually("the slow request reached the backend") { backend.requestsServed >= 2 }
            process.terminate()
            #expect(try await slow.readResponse(timeout: .seconds(15)).status == 200)
            await ProcessRunner.waitForExit(process)
            #expect(process.terminationReason == .exit)
            #expect(process.terminationStatus == 0)
            await slow.close()
        }
        let log = try String(contentsOf: logFile, encoding: .utf8)
        #expect(log.contains("level=info msg=\"using configuration file"))
        #expect(log.hasPrefix("time=\""))
        try await backend.stop()
    }

    /// Issue 10: SIGTERM with 20 requests of 2 s in flight: every one is answered 200, new connections are
    /// refused, and the process exits 0.
    @Test func sigtermWithTwentyRequestsInFlight() async throws {
        let directory = try CommandLineTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let backend = WhoamiServer(name: "slow20")
        try await backend.start()
        let port = try PortAllocator.freePort()
        let config = try Self.write(
            "graceTimeOut = 10\n[entryPoints]\n  [entryPoints.http]\n  address = \"127.0.0.1:\(port)\"\n[file]\n"
                + Self.routes(backendPort: backend.port), to: "traefik.toml", in: directory)
        try await Self.withRunning(["-c", config.path], in: directory, port: port) { process in
            let before = backend.requestsServed
            var clients: [HTTPTestClient] = []
            for _ in 0..<20 {
                let client = try await HTTPTestClient.connect(port: port)
                try await client.send("GET /?delay=2000 HTTP/1.1\r\nHost: h\r\n\r\n")
                clients.append(client)
            }
            try await eventually("the 20 requests reached the backend") { backend.requestsServed >= before + 20 }
            process.terminate()
            try await eventually("the listener is closed") {
                (try? await HTTPTestClient.connect(port: port)) == nil
            }
            for client in clients {
                #expect(try await client.readResponse(timeout: .seconds(15)).status == 200)
                await client.close()
            }
            await ProcessRunner.waitForExit(process)
            #expect(process.terminationReason == .exit)
            #expect(process.terminationStatus == 0)
        }
        try await backend.stop()
    }

    @Test func checkReportsEveryProblemAndVersionPrintsTheBuildDate() async throws {
        let directory = try CommandLineTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try Self.write(
            "logLevel = \"LOUD\"\n[entryPoints]\n  [entryPoints.http]\n  adress = \":80\"\n", to: "bad.toml",
            in: directory)
        let check = try await CommandLineTests.run(["check", "-c", config.path])
        #expect(check.status == 1)
        #expect(check.stderr.contains("bad.toml:4:3: entryPoints.http.adress: unknown key (did you mean address?)"))
        #expect(check.stderr.contains("invalid log level \"LOUD\""))
        let good = try Self.write("[file]\n" + Self.routes(backendPort: 1), to: "good.toml", in: directory)
        #expect(try await CommandLineTests.run(["check", "-c", good.path]).status == 0)
        let version = try await CommandLineTests.run(["version"])
        #expect(version.status == 0)
        #expect(version.stdout.contains(" built on the "))
        let unknown = try await CommandLineTests.run(["--logLevl=DEBUG"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("--logLevel"))
    }

    @Test func sigusr1ReopensTheAccessLogAfterRotation() async throws {
        let directory = try CommandLineTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let backend = WhoamiServer(name: "rotated")
        try await backend.start()
        let port = try PortAllocator.freePort()
        let accessLog = directory.appendingPathComponent("access.log")
        let rotated = directory.appendingPathComponent("access.log.1")
        let config = try Self.write(
            "accessLogsFile = \"\(accessLog.path)\"\n[entryPoints]\n  [entryPoints.http]\n  address = \"127.0.0.1:\(port)\"\n[file]\n"
                + Self.routes(backendPort: backend.port), to: "traefik.toml", in: directory)
        try await Self.withRunning(["-c", config.path], in: directory, port: port) { process in
            try await eventually("the first lines are written") {
                ((try? String(contentsOf: accessLog, encoding: .utf8)) ?? "").contains("\"GET / HTTP/1.1\" 200")
            }
            try FileManager.default.moveItem(at: accessLog, to: rotated)
            kill(process.processIdentifier, SIGUSR1)
            try await eventually("the access log is reopened") { FileManager.default.fileExists(atPath: accessLog.path) }
            _ = try await HTTPTestClient.request(port: port, target: "/after-rotation")
            try await eventually("the new file gets the next line") {
                ((try? String(contentsOf: accessLog, encoding: .utf8)) ?? "").contains("/after-rotation")
            }
            #expect(!(try String(contentsOf: rotated, encoding: .utf8)).contains("/after-rotation"))
        }
        try await backend.stop()
    }
}

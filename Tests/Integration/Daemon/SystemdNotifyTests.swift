#if canImport(Glibc)
import Glibc
#endif
import FakeFarm
import Foundation
import Testing
import TraefikApp

/// Issue 14: the daemon speaks sd_notify to a fake systemd (a datagram socket bound by the test).
@Suite("systemd notifications")
struct SystemdNotifyTests {
    /// READY=1 once the entry point accepts, WATCHDOG=1 every half WATCHDOG_USEC, RELOADING=1 then READY=1 on SIGHUP,
    /// STOPPING=1 on SIGTERM; through a socket path and an abstract name.
    @Test(arguments: [false, true])
    func lifecycleThroughTheNotifySocket(abstract: Bool) async throws {
        let notify = try FakeNotifySocket(abstract: abstract)
        defer { notify.close() }
        let directory = try CommandLineTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let backend = WhoamiServer(name: "notified")
        try await backend.start()
        let port = try PortAllocator.freePort()
        let config = try LaunchConfigurationTests.write(
            "[entryPoints]\n  [entryPoints.http]\n  address = \"127.0.0.1:\(port)\"\n[file]\n"
                + LaunchConfigurationTests.routes(backendPort: backend.port), to: "traefik.toml", in: directory)
        let process = Process()
        process.executableURL = CommandLineTests.binary
        process.arguments = ["-c", config.path]
        process.environment = ["NOTIFY_SOCKET": notify.name, "WATCHDOG_USEC": "200000"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        var messages: [String] = []
        try await eventually(timeout: .seconds(15), "READY=1") {
            messages += notify.receive()
            return messages.contains("READY=1")
        }
        // Sent once the listener is bound: the first connection attempt succeeds, with no retry.
        #expect(try await HTTPTestClient.request(port: port).status == 200)
        #expect(messages.first { $0 != "WATCHDOG=1" } == "READY=1", "\(messages)")

        try await eventually("two watchdog pings") {
            messages += notify.receive()
            return messages.count(where: { $0 == "WATCHDOG=1" }) >= 2
        }

        var mark = messages.count
        kill(process.processIdentifier, SIGHUP)
        try await eventually(timeout: .seconds(10), "RELOADING=1 then READY=1") {
            messages += notify.receive()
            return messages[mark...].contains("READY=1")
        }
        let reload = messages[mark...].filter { $0 != "WATCHDOG=1" }
        #expect(reload.count == 2, "\(reload)")
        let reloading = reload.first?.split(separator: "\n").map(String.init) ?? []
        #expect(reloading.first == "RELOADING=1")
        let monotonic = reloading.last.flatMap { $0.hasPrefix("MONOTONIC_USEC=") ? Int64($0.dropFirst(15)) : nil }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        #expect(monotonic.map { $0 > 0 && $0 <= Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000 } == true)
        #expect(reload.last == "READY=1")
        #expect(try await HTTPTestClient.request(port: port).status == 200)

        mark = messages.count
        process.terminate()
        await ProcessRunner.waitForExit(process)
        messages += notify.receive()
        #expect(messages[mark...].filter { $0 != "WATCHDOG=1" } == ["STOPPING=1"])
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        try await backend.stop()
    }

    /// An entry point that cannot listen: the process exits 1 and systemd never hears READY=1.
    @Test func noReadyWhenTheEntryPointCannotListen() async throws {
        let notify = try FakeNotifySocket(abstract: false)
        defer { notify.close() }
        let directory = try CommandLineTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let occupied = try StalledListener()
        defer { occupied.close() }
        let config = try LaunchConfigurationTests.write(
            "[entryPoints]\n  [entryPoints.http]\n  address = \"127.0.0.1:\(occupied.port)\"\n[file]\n"
                + LaunchConfigurationTests.routes(backendPort: 1), to: "traefik.toml", in: directory)
        let process = Process()
        process.executableURL = CommandLineTests.binary
        process.arguments = ["-c", config.path]
        process.environment = ["NOTIFY_SOCKET": notify.name]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        await ProcessRunner.waitForExit(process)
        #expect(process.terminationStatus == 1)
        #expect(!notify.receive().contains("READY=1"))
    }
}

/// The notifier in this process: addresses, the watchdog rules, and silence without NOTIFY_SOCKET.
@Suite("SystemdNotifier")
struct SystemdNotifierTests {
    @Test func watchdogIntervalIsHalfOfWatchdogUsecForThisProcessOnly() {
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "30000000"], pid: 42) == .seconds(15))
        #expect(
            SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "1000", "WATCHDOG_PID": "42"], pid: 42)
                == .microseconds(500))
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "1000", "WATCHDOG_PID": "7"], pid: 42) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "0"], pid: 42) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "soon"], pid: 42) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: [:], pid: 42) == nil)
    }

    @Test func withoutNotifySocketNothingIsSent() {
        for environment in [[:], ["NOTIFY_SOCKET": ""], ["NOTIFY_SOCKET": "relative/path"], ["WATCHDOG_USEC": "1000"]] {
            let notifier = SystemdNotifier(environment: environment)
            #expect(!notifier.isEnabled)
            #expect(!notifier.send("READY=1"))
            #expect(notifier.startWatchdog() == nil)
        }
    }

    @Test(arguments: [false, true])
    func sendsToAPathOrAnAbstractName(abstract: Bool) throws {
        let notify = try FakeNotifySocket(abstract: abstract)
        defer { notify.close() }
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": notify.name])
        notifier.ready(status: "serving")
        notifier.stopping()
        #expect(notify.receive() == ["READY=1\nSTATUS=serving", "STOPPING=1"])
    }

    @Test func watchdogPingsUntilCancelled() async throws {
        let notify = try FakeNotifySocket(abstract: true)
        defer { notify.close() }
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": notify.name, "WATCHDOG_USEC": "20000"])
        let watchdog = try #require(notifier.startWatchdog())
        var pings = 0
        try await eventually("three pings") {
            pings += notify.receive().count(where: { $0 == "WATCHDOG=1" })
            return pings >= 3
        }
        watchdog.cancel()
        await watchdog.value
    }

    @Test func aReceiverThatIsGoneDoesNotBlockOrCrash() throws {
        let notify = try FakeNotifySocket(abstract: false)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": notify.name])
        notify.close()
        #expect(!notifier.send("READY=1"))
    }
}

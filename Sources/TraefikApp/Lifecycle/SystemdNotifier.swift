#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The sd_notify protocol (systemd `Type=notify`): one datagram per state change, sent to the unix socket named by
/// `NOTIFY_SOCKET` (a path, or an abstract name starting with `@`). Without `NOTIFY_SOCKET` every call does nothing.
/// The socket is non-blocking: a full or absent receiver drops the message instead of stalling the caller.
public final class SystemdNotifier: Sendable {
    /// The datagram socket, or -1 when notifications are off.
    private let descriptor: Int32
    private let address: [UInt8]
    /// Half of `WATCHDOG_USEC`, when systemd watches this process.
    public let watchdogInterval: Duration?

    public var isEnabled: Bool { descriptor >= 0 }

    public init(environment: [String: String]) {
        watchdogInterval = Self.watchdogInterval(environment: environment, pid: getpid())
        guard let name = environment["NOTIFY_SOCKET"], let address = Self.socketAddress(name) else {
            descriptor = -1
            self.address = []
            return
        }
        self.address = address
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// The entry points listen (start), or a reload is finished.
    public func ready(status: String? = nil) {
        send("READY=1" + (status.map { "\nSTATUS=\($0)" } ?? ""))
    }

    /// A reload starts; systemd ≥ 253 wants the monotonic time with it (`Type=notify-reload`).
    public func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
        send("RELOADING=1\nMONOTONIC_USEC=\(microseconds)")
    }

    /// The graceful stop starts.
    public func stopping() { send("STOPPING=1") }

    public func watchdog() { send("WATCHDOG=1") }

    /// Sends `WATCHDOG=1` every `watchdogInterval` until the returned task is cancelled; nil when not watched.
    public func startWatchdog() -> Task<Void, Never>? {
        guard isEnabled, let watchdogInterval else { return nil }
        return Task { [self] in
            while !Task.isCancelled {
                watchdog()
                try? await Task.sleep(for: watchdogInterval)
            }
        }
    }

    /// Returns whether the datagram was handed to the kernel.
    @discardableResult
    public func send(_ message: String) -> Bool {
        guard descriptor >= 0 else { return false }
        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        let length = withUnsafeMutableBytes(of: &storage.sun_path) { path in
            path.copyBytes(from: address)
            return MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + address.count
        }
        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                sendto(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL), socketAddress, socklen_t(length))
            }
        }
        return sent == bytes.count
    }

    /// `/run/systemd/notify` as a NUL-terminated path, `@name` as an abstract name (a leading NUL, no terminator).
    static func socketAddress(_ name: String) -> [UInt8]? {
        let maximum = MemoryLayout.size(ofValue: sockaddr_un().sun_path)
        var bytes = Array(name.utf8)
        switch bytes.first {
        case UInt8(ascii: "/"):
            bytes.append(0)
        case UInt8(ascii: "@"):
            bytes[0] = 0
        default:
            return nil  // empty, or a kind of socket (vsock) this process does not speak
        }
        return bytes.count <= maximum ? bytes : nil
    }

    /// Half of `WATCHDOG_USEC`, when `WATCHDOG_PID` is unset or names this process.
    public static func watchdogInterval(environment: [String: String], pid: pid_t) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0 else { return nil }
        if let owner = environment["WATCHDOG_PID"], Int32(owner) != pid { return nil }
        return .microseconds(microseconds / 2)
    }
}

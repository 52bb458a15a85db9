#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers
import NIOCore

/// The access log file (spec §14: Apache Combined Log Format, one line per request of every entry point).
/// Lines are collected per event loop and written here at most once a second and at stop, so the data path
/// never waits on the disk per request.
public final class AccessLogFile: Sendable {
    private let path: String
    private let descriptor = NIOLockedValueBox<Int32>(-1)

    /// Opens (creating) the file for appending, mode 0666 as the original.
    public init(path: String) throws {
        self.path = path
        let fd = Self.open(path)
        guard fd >= 0 else { throw AccessLogError(path: path, errno: errno) }
        descriptor.withLockedValue { $0 = fd }
    }

    func write(_ bytes: [UInt8]) {
        descriptor.withLockedValue { fd in
            bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if written <= 0 { return }
                    offset += written
                }
            }
        }
    }

    /// Opens the file again (after logrotate moved it away); SIGUSR1.
    public func reopen() {
        let fresh = Self.open(path)
        guard fresh >= 0 else { return }
        descriptor.withLockedValue { fd in
            Glibc.close(fd)
            fd = fresh
        }
    }

    public func close() {
        descriptor.withLockedValue { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }

    private static func open(_ path: String) -> Int32 {
        Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o666)
    }
}

public struct AccessLogError: Error, CustomStringConvertible {
    public let path: String
    public let errno: Int32
    public var description: String { "access log \(path): \(String(cString: strerror(errno)))" }
}

/// One event loop's pending access-log lines (touched only on that loop).
final class AccessLogBuffer: @unchecked Sendable {
    private let file: AccessLogFile
    private var pending: [UInt8] = []
    private var cachedSecond = -1
    private var cachedTime = ""

    init(file: AccessLogFile) {
        self.file = file
        pending.reserveCapacity(64 * 1024)
    }

    /// `[02/Jan/2006:15:04:05 -0700]` for the current second (formatted once per second).
    func timestamp() -> String {
        var now = time(nil)
        let second = Int(now)
        if second != cachedSecond {
            var parts = tm()
            localtime_r(&now, &parts)
            var buffer = [CChar](repeating: 0, count: 40)
            let length = strftime(&buffer, buffer.count, "[%d/%b/%Y:%H:%M:%S %z]", &parts)
            cachedTime = String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            cachedSecond = second
        }
        return cachedTime
    }

    func append(_ entry: AccessLogEntry) {
        pending.append(contentsOf: entry.prefix.utf8)
        pending.append(contentsOf: "\(entry.status) \(entry.bytes)".utf8)
        pending.append(contentsOf: entry.suffix.utf8)
        if pending.count >= 64 * 1024 { flush() }
    }

    func flush() {
        guard !pending.isEmpty else { return }
        file.write(pending)
        pending.removeAll(keepingCapacity: true)
    }
}

/// One request's line: everything known at the request's start, then status and body bytes.
struct AccessLogEntry {
    /// `<client-ip> - - [time] "<METHOD> <request-uri> <PROTO>" `
    var prefix: String
    /// ` "<Referer>" "<User-Agent>"\n`
    var suffix: String
    var status = 0
    var bytes = 0

    init(clientIP: String, time: String, head: RequestHead, raw: UnsafeRawBufferPointer) {
        func text(_ range: Range<Int>) -> String { String(decoding: UnsafeRawBufferPointer(rebasing: raw[range]), as: UTF8.self) }
        var referer = "-"
        var userAgent = "-"
        for line in head.headers where line.known == .other {
            if HTTP1Bytes.equalsIgnoringCase(raw, line.name, "referer") { referer = text(line.value) }
            if HTTP1Bytes.equalsIgnoringCase(raw, line.name, "user-agent") { userAgent = text(line.value) }
        }
        prefix = "\(clientIP) - - \(time) \"\(text(head.method)) \(text(head.target)) HTTP/1.\(head.minorVersion)\" "
        suffix = " \"\(referer)\" \"\(userAgent)\"\n"
    }
}

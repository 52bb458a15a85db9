#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation

/// What systemd listens on for sd_notify: a unix datagram socket bound by the test, at a path or under an abstract
/// name. `name` is the value for `NOTIFY_SOCKET`.
final class FakeNotifySocket: Sendable {
    struct SocketError: Error, CustomStringConvertible {
        let step: String
        let errno: Int32
        var description: String { "FakeNotifySocket: \(step) failed (errno \(errno))" }
    }

    let name: String
    private let descriptor: Int32
    private let path: String?

    init(abstract: Bool) throws {
        let tag = UUID().uuidString.prefix(8)
        // Short: sun_path holds 108 bytes.
        path = abstract ? nil : "/tmp/traefik-notify-\(tag).sock"
        name = path ?? "@traefik-notify-\(tag)"
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw SocketError(step: "socket", errno: errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        if abstract { bytes[0] = 0 }  // abstract: a leading NUL, no terminator
        let length = withUnsafeMutableBytes(of: &address.sun_path) { sunPath in
            sunPath.copyBytes(from: bytes)
            return MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (abstract ? 0 : 1)
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(length)) }
        }
        guard bound == 0 else {
            let failure = errno
            Glibc.close(descriptor)
            throw SocketError(step: "bind \(name)", errno: failure)
        }
    }

    /// The datagrams that arrived since the last call, in order (never waits).
    func receive() -> [String] {
        var messages: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<1000 {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            messages.append(String(decoding: buffer[0..<count], as: UTF8.self))
        }
        return messages
    }

    func close() {
        Glibc.close(descriptor)
        if let path { unlink(path) }
    }
}

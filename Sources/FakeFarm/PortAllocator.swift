#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Loopback ports for tests: one the kernel just handed out and released.
public enum PortAllocator {
    public struct AllocationError: Error, CustomStringConvertible {
        public let step: String
        public let errno: Int32
        public var description: String { "PortAllocator: \(step) failed (errno \(errno))" }
    }

    /// A port that was free on 127.0.0.1 a moment ago (bound to port 0, read back, closed).
    public static func freePort() throws -> Int {
        #if canImport(Darwin)
        let streamType = SOCK_STREAM
        #else
        let streamType = Int32(SOCK_STREAM.rawValue)
        #endif
        let descriptor = socket(AF_INET, streamType, 0)
        guard descriptor >= 0 else { throw AllocationError(step: "socket", errno: errno) }
        defer { close(descriptor) }

        var address = sockaddr_in()
        #if canImport(Darwin)
        address.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
        #endif
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw AllocationError(step: "bind", errno: errno) }
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw AllocationError(step: "getsockname", errno: errno) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A port with nothing listening on it, for "backend is down" (502) tests. The socket was only bound,
    /// never listened on, so connecting there is refused.
    public static func closedPort() throws -> Int {
        try freePort()
    }
}

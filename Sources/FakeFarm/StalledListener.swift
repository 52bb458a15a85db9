#if canImport(Glibc)
import Glibc
#endif

/// A TCP socket bound to 127.0.0.1 on a port the kernel picks; the building block of the two fakes below.
private struct BoundLoopbackSocket {
    let descriptor: Int32
    let address: sockaddr_in
    var port: Int { Int(UInt16(bigEndian: address.sin_port)) }

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw PortAllocator.AllocationError(step: "socket", errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            Glibc.close(descriptor)
            throw PortAllocator.AllocationError(step: "bind", errno: errno)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        self.address = address
    }
}

/// A loopback port whose accept queue is full, so new connections neither succeed nor fail: the kernel drops
/// their SYNs and the connecting side waits until its own timeout (for dial-timeout tests, on loopback only).
public final class StalledListener: @unchecked Sendable {
    public let port: Int
    private var listener: Int32
    private var fillers: [Int32] = []

    public init() throws {
        let bound = try BoundLoopbackSocket()
        guard listen(bound.descriptor, 0) == 0 else {
            Glibc.close(bound.descriptor)
            throw PortAllocator.AllocationError(step: "listen", errno: errno)
        }
        listener = bound.descriptor
        port = bound.port
        // Fill the queue with connections nobody accepts.
        var address = bound.address
        for _ in 0..<3 {
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            fillers.append(filler)
        }
    }

    /// Idempotent: a descriptor is never closed twice (its number may belong to someone else by then).
    public func close() {
        for filler in fillers { Glibc.close(filler) }
        fillers.removeAll()
        if listener >= 0 { Glibc.close(listener) }
        listener = -1
    }

    deinit { close() }
}

/// A loopback port that refuses connections for as long as this object lives: its socket is bound but never
/// listens, so nobody else (another test's server) can take the port meanwhile.
public final class RefusingPort: @unchecked Sendable {
    public let port: Int
    private var socketDescriptor: Int32

    public init() throws {
        let bound = try BoundLoopbackSocket()
        socketDescriptor = bound.descriptor
        port = bound.port
    }

    public func close() {
        if socketDescriptor >= 0 { Glibc.close(socketDescriptor) }
        socketDescriptor = -1
    }

    deinit { close() }
}

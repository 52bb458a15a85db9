import NIOCore

/// One event loop's buffer for the heads the proxy rewrites (the request head sent upstream, the response head
/// sent to the client), touched only on that loop. The channel releases a written head at once on loopback, so
/// the next head reuses the same storage: no allocation per keep-alive exchange. While a head is still queued
/// in a channel, `clear` finds the storage shared and gives the next head fresh storage, never the queued bytes.
final class HeadBuffers: @unchecked Sendable {
    private var spare = ByteBuffer()

    /// A head of at most about `capacity` bytes written by `body`, ready to hand to a channel.
    func write(capacity: Int, _ body: (inout ByteBuffer) -> Void) -> ByteBuffer {
        spare.clear(minimumCapacity: capacity)
        body(&spare)
        return spare
    }
}

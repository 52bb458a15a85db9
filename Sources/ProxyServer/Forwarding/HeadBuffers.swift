import NIOCore

/// One event loop's buffer for the heads the proxy rewrites (the request head sent upstream, the response head
/// sent to the client), touched only on that loop. A channel usually releases a written head at once, so the next
/// head reuses the same storage. While the last head is still held (queued in a channel, or kept by an exchange
/// for a replay on a stale pooled connection), `clear` finds the storage shared and gives the next head fresh
/// storage, never the held bytes.
final class HeadBuffers: @unchecked Sendable {
    private var spare = ByteBuffer()

    /// A head of at most about `capacity` bytes written by `body`, ready to hand to a channel.
    func write(capacity: Int, _ body: (inout ByteBuffer) -> Void) -> ByteBuffer {
        spare.clear(minimumCapacity: capacity)
        body(&spare)
        return spare
    }
}

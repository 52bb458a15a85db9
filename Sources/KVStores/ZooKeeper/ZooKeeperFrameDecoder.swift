import NIOCore

/// Splits the byte stream into ZooKeeper frames: a 4-byte big-endian length, then that many bytes.
struct ZooKeeperFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    /// Far above ZooKeeper's own 1 MiB `jute.maxbuffer`; a larger length means a corrupt stream.
    static let maximumFrameLength = 16 * 1024 * 1024

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: Int32.self) else {
            return .needMoreData
        }
        guard length >= 0, Int(length) <= Self.maximumFrameLength else {
            throw JuteDecodingError(description: "frame length \(length) out of range")
        }
        guard buffer.readableBytes >= 4 + Int(length), let frame = buffer.getSlice(at: buffer.readerIndex + 4, length: Int(length)) else {
            return .needMoreData
        }
        buffer.moveReaderIndex(forwardBy: 4 + Int(length))
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }
}

extension ByteBuffer {
    /// Builds one length-prefixed frame: `encode` writes the payload, the length is filled in afterwards.
    static func zooKeeperFrame(allocator: ByteBufferAllocator, _ encode: (inout ByteBuffer) -> Void) -> ByteBuffer {
        var frame = allocator.buffer(capacity: 64)
        frame.writeInteger(Int32(0), endianness: .big)
        encode(&frame)
        frame.setInteger(Int32(frame.readableBytes - 4), at: frame.readerIndex, endianness: .big)
        return frame
    }
}

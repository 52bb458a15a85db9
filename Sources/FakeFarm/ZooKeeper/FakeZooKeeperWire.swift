import NIOCore

/// The fake's own reading of ZooKeeper's wire format (jute), written apart from the client's codec so that a
/// mistake shared by both cannot hide itself in tests.
struct FakeZooKeeperDecodingError: Error {}

extension ByteBuffer {
    mutating func fakeZKReadInt() throws -> Int32 {
        guard let value = readInteger(endianness: .big, as: Int32.self) else { throw FakeZooKeeperDecodingError() }
        return value
    }

    mutating func fakeZKReadLong() throws -> Int64 {
        guard let value = readInteger(endianness: .big, as: Int64.self) else { throw FakeZooKeeperDecodingError() }
        return value
    }

    mutating func fakeZKReadBool() throws -> Bool {
        guard let value = readInteger(as: UInt8.self) else { throw FakeZooKeeperDecodingError() }
        return value != 0
    }

    mutating func fakeZKReadBytes() throws -> [UInt8] {
        let length = try fakeZKReadInt()
        if length < 0 { return [] }
        guard let bytes = readBytes(length: Int(length)) else { throw FakeZooKeeperDecodingError() }
        return bytes
    }

    mutating func fakeZKReadString() throws -> String {
        String(decoding: try fakeZKReadBytes(), as: UTF8.self)
    }

    mutating func fakeZKWriteBytes(_ bytes: [UInt8]) {
        writeInteger(Int32(bytes.count), endianness: .big)
        writeBytes(bytes)
    }

    mutating func fakeZKWriteString(_ string: String) {
        fakeZKWriteBytes(Array(string.utf8))
    }

    /// The 68-byte `Stat`; only the fields clients look at carry real values.
    mutating func fakeZKWriteStat(version: Int32, childrenVersion: Int32, dataLength: Int, numberOfChildren: Int, zxid: Int64) {
        writeInteger(zxid, endianness: .big)  // czxid
        writeInteger(zxid, endianness: .big)  // mzxid
        writeInteger(Int64(0), endianness: .big)  // ctime
        writeInteger(Int64(0), endianness: .big)  // mtime
        writeInteger(version, endianness: .big)
        writeInteger(childrenVersion, endianness: .big)
        writeInteger(Int32(0), endianness: .big)  // aversion
        writeInteger(Int64(0), endianness: .big)  // ephemeralOwner
        writeInteger(Int32(dataLength), endianness: .big)
        writeInteger(Int32(numberOfChildren), endianness: .big)
        writeInteger(zxid, endianness: .big)  // pzxid
    }

    /// One frame: 4-byte big-endian length, then what `body` writes.
    static func fakeZKFrame(_ body: (inout ByteBuffer) -> Void) -> ByteBuffer {
        var frame = ByteBuffer()
        frame.writeInteger(Int32(0), endianness: .big)
        body(&frame)
        frame.setInteger(Int32(frame.readableBytes - 4), at: frame.readerIndex, endianness: .big)
        return frame
    }
}

/// Splits the inbound stream into length-prefixed frames.
struct FakeZooKeeperFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: Int32.self) else { return .needMoreData }
        guard length >= 0, length < 16 * 1024 * 1024 else { throw FakeZooKeeperDecodingError() }
        guard buffer.readableBytes >= 4 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        guard let frame = buffer.readSlice(length: Int(length)) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }
}

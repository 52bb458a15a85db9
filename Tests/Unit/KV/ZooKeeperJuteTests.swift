import NIOCore
import Testing

@testable import KVStores

@Suite("ZooKeeper jute records")
struct ZooKeeperJuteTests {
    @Test func connectRequestRoundTripsAndHasTheDocumentedLayout() throws {
        let request = ZooKeeperConnectRequest(lastZxidSeen: 7, timeoutMilliseconds: 10_000, sessionID: 0x1234, password: [1, 2, 3])
        var buffer = ByteBuffer()
        request.encode(into: &buffer)
        // int + long + int + long + (int + 3 bytes) + bool
        #expect(buffer.readableBytes == 4 + 8 + 4 + 8 + 4 + 3 + 1)
        #expect(buffer.getInteger(at: 12, endianness: .big, as: Int32.self) == 10_000)
        #expect(try ZooKeeperConnectRequest.decode(from: &buffer) == request)
        #expect(buffer.readableBytes == 0)
    }

    @Test func connectResponseWithoutReadOnlyFlagDecodes() throws {
        var buffer = ByteBuffer()
        buffer.writeJuteInt(0)
        buffer.writeJuteInt(4_000)
        buffer.writeJuteLong(99)
        buffer.writeJuteBuffer([9, 9])
        let response = try ZooKeeperConnectResponse.decode(from: &buffer)
        #expect(response == ZooKeeperConnectResponse(protocolVersion: 0, timeoutMilliseconds: 4_000, sessionID: 99, password: [9, 9]))
    }

    @Test func headersStatAndWatcherEventRoundTrip() throws {
        var buffer = ByteBuffer()
        let reply = ZooKeeperReplyHeader(xid: -1, zxid: 0x7FFF_0000_0001, error: -101)
        reply.encode(into: &buffer)
        #expect(buffer.readableBytes == 16)
        #expect(try ZooKeeperReplyHeader.decode(from: &buffer) == reply)

        let stat = ZooKeeperStat(createdZxid: 1, modifiedZxid: 2, version: 3, dataLength: 5, numberOfChildren: 6, childrenZxid: 8)
        stat.encode(into: &buffer)
        #expect(buffer.readableBytes == 68)
        #expect(try ZooKeeperStat.decode(from: &buffer) == stat)

        let event = ZooKeeperWatcherEvent(type: 3, state: 3, path: "/traefik/backends/b1/servers/s1/url")
        event.encode(into: &buffer)
        #expect(try ZooKeeperWatcherEvent.decode(from: &buffer) == event)
        #expect(buffer.readableBytes == 0)
    }

    @Test func requestBodiesEncodeFieldsInJuteOrder() throws {
        var buffer = ByteBuffer()
        ZooKeeperRequestHeader(xid: 5, opCode: ZooKeeperOpCode.getData.rawValue).encode(into: &buffer)
        ZooKeeperRequestBody.pathAndWatch(path: "/a", watch: true).encode(into: &buffer)
        #expect(try ZooKeeperRequestHeader.decode(from: &buffer) == ZooKeeperRequestHeader(xid: 5, opCode: 4))
        #expect(try buffer.readJuteString() == "/a")
        #expect(try buffer.readJuteBool())

        ZooKeeperRequestBody.create(path: "/k", data: Array("v".utf8)).encode(into: &buffer)
        #expect(try buffer.readJuteString() == "/k")
        #expect(try buffer.readJuteBuffer() == Array("v".utf8))
        #expect(try buffer.readJuteInt() == 1)  // one ACL
        #expect(try buffer.readJuteInt() == 31)  // all permissions
        #expect(try buffer.readJuteString() == "world")
        #expect(try buffer.readJuteString() == "anyone")
        #expect(try buffer.readJuteInt() == 0)  // persistent
        #expect(buffer.readableBytes == 0)
    }

    @Test func nullBufferReadsAsEmptyAndTruncationThrows() throws {
        var buffer = ByteBuffer()
        buffer.writeJuteBuffer(nil)
        #expect(try buffer.readJuteBuffer() == [])

        buffer.writeJuteInt(10)
        buffer.writeBytes([1, 2])
        #expect(throws: JuteDecodingError.self) { try buffer.readJuteBuffer() }

        var vector = ByteBuffer()
        vector.writeJuteInt(1_000_000)
        #expect(throws: JuteDecodingError.self) { try vector.readJuteStringVector() }
    }

    @Test func stringVectorRoundTrips() throws {
        var buffer = ByteBuffer()
        buffer.writeJuteInt(3)
        for name in ["a", "bb", "ünï"] { buffer.writeJuteString(name) }
        #expect(try buffer.readJuteStringVector() == ["a", "bb", "ünï"])
    }

    @Test func framesArePrefixedWithTheirLength() {
        let frame = ByteBuffer.zooKeeperFrame(allocator: ByteBufferAllocator()) { $0.writeJuteString("xyz") }
        #expect(frame.getInteger(at: 0, endianness: .big, as: Int32.self) == 7)
        #expect(frame.readableBytes == 11)
    }

    @Test func pathsAreNormalisedToOneLeadingSlash() {
        #expect(KVKeyPath.normalised("traefik/backends/") == "/traefik/backends")
        #expect(KVKeyPath.normalised("") == "/")
        #expect(KVKeyPath.normalised("//a//b") == "/a/b")
        #expect(ZooKeeperPath.child("a", of: "/") == "/a")
        #expect(KVKeyPath.isAtOrBelow("/a/b/c", prefix: "/a/b"))
        #expect(!KVKeyPath.isAtOrBelow("/a/bc", prefix: "/a/b"))
        #expect(ZooKeeperPath.ancestors(of: "/a/b/c") == ["/a", "/a/b"])
    }

    @Test func endpointsParseWithDefaultPort() throws {
        #expect(try ZooKeeperConnection.parse(endpoint: "127.0.0.1:2182") == ("127.0.0.1", 2182))
        #expect(try ZooKeeperConnection.parse(endpoint: "zk") == ("zk", 2181))
        #expect(throws: KVStoreError.self) { try ZooKeeperConnection.parse(endpoint: "zk:notaport") }
    }
}

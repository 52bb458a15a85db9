import NIOCore
import NIOPosix

/// An in-process ZooKeeper server speaking enough of the client protocol for fast tests: sessions, ping,
/// closeSession, exists, getData, getChildren(2), create, setData, delete, and one-shot data/child watches with
/// notifications. Everything runs on one event loop, so a watch notification always precedes the reply to the
/// request that fired it, as with the real server.
public final class FakeZooKeeperServer: Sendable {
    public let port: Int
    public var endpoint: String { "127.0.0.1:\(port)" }
    private let serverChannel: any Channel
    private let tree: NIOLoopBound<FakeZooKeeperTree>

    private init(port: Int, serverChannel: any Channel, tree: NIOLoopBound<FakeZooKeeperTree>) {
        self.port = port
        self.serverChannel = serverChannel
        self.tree = tree
    }

    public static func start(group: any EventLoopGroup) async throws -> FakeZooKeeperServer {
        let loop = group.next()
        let tree = try await loop.submit { NIOLoopBound(FakeZooKeeperTree(), eventLoop: loop) }.get()
        // Accepting and serving on the same single loop keeps the tree single-threaded.
        let channel = try await ServerBootstrap(group: loop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(FakeZooKeeperFrameDecoder()),
                        FakeZooKeeperSessionHandler(tree: tree.value)
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw FakeZooKeeperDecodingError()
        }
        return FakeZooKeeperServer(port: port, serverChannel: channel, tree: tree)
    }

    /// Sets `path` to `value`, creating missing parents (empty), and fires the watches a client write would fire.
    public func set(_ path: String, _ value: String) async throws {
        let tree = self.tree
        try await tree.eventLoop.submit { tree.value.put(path, Array(value.utf8)) }.get()
    }

    /// Deletes `path` and everything below it, firing watches.
    public func delete(_ path: String) async throws {
        let tree = self.tree
        try await tree.eventLoop.submit { tree.value.deleteRecursively(path) }.get()
    }

    /// The value at `path`, or nil when absent.
    public func value(at path: String) async throws -> String? {
        let tree = self.tree
        return try await tree.eventLoop.submit { tree.value.nodes[path].map { String(decoding: $0.data, as: UTF8.self) } }.get()
    }

    /// Watches currently registered, over all sessions (data and child watches counted separately).
    public func watchCount() async throws -> Int {
        let tree = self.tree
        return try await tree.eventLoop.submit { tree.value.sessions.values.reduce(0) { $0 + $1.dataWatches.count + $1.childWatches.count } }.get()
    }

    public func sessionCount() async throws -> Int {
        let tree = self.tree
        return try await tree.eventLoop.submit { tree.value.sessions.count }.get()
    }

    /// Closes every client connection. Sessions end with them (the fake never resumes a session), like an outage
    /// followed by expiry.
    public func dropAllConnections() async throws {
        let tree = self.tree
        try await tree.eventLoop.submit {
            for session in tree.value.sessions.values { session.channel.close(promise: nil) }
        }.get()
    }

    /// While unresponsive the server reads requests (pings too) and answers none: a hung server.
    public func setUnresponsive(_ unresponsive: Bool) async throws {
        let tree = self.tree
        try await tree.eventLoop.submit { tree.value.unresponsive = unresponsive }.get()
    }

    public func shutdown() async throws {
        try await dropAllConnections()
        try await serverChannel.close()
    }
}

/// Error codes and event types the fake sends (`KeeperException.Code`, `Watcher.Event.EventType`).
enum FakeZooKeeperCode {
    static let ok: Int32 = 0
    static let unimplemented: Int32 = -6
    static let noNode: Int32 = -101
    static let badVersion: Int32 = -103
    static let nodeExists: Int32 = -110
    static let notEmpty: Int32 = -111

    static let nodeCreated: Int32 = 1
    static let nodeDeleted: Int32 = 2
    static let nodeDataChanged: Int32 = 3
    static let nodeChildrenChanged: Int32 = 4
}

/// The data tree and the sessions' watches. Confined to the server's event loop.
final class FakeZooKeeperTree {
    struct Node {
        var data: [UInt8]
        var children: Set<String> = []
        var version: Int32 = 0
        var childrenVersion: Int32 = 0
    }

    final class Session {
        let id: Int64
        let channel: any Channel
        var dataWatches: Set<String> = []
        var childWatches: Set<String> = []

        init(id: Int64, channel: any Channel) {
            self.id = id
            self.channel = channel
        }
    }

    var nodes: [String: Node] = ["/": Node(data: [])]
    var sessions: [Int64: Session] = [:]
    var zxid: Int64 = 0
    var unresponsive = false
    private var nextSessionID: Int64 = 0x5A00_0000_0000_0001

    func openSession(channel: any Channel) -> Session {
        let session = Session(id: nextSessionID, channel: channel)
        nextSessionID += 1
        sessions[session.id] = session
        return session
    }

    static func parent(of path: String) -> String? {
        guard path != "/", let slash = path.lastIndex(of: "/") else { return nil }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    func create(_ path: String, data: [UInt8]) -> Int32 {
        guard nodes[path] == nil else { return FakeZooKeeperCode.nodeExists }
        guard let parent = Self.parent(of: path), nodes[parent] != nil else { return FakeZooKeeperCode.noNode }
        zxid += 1
        nodes[path] = Node(data: data)
        nodes[parent]?.children.insert(String(path[path.index(after: path.lastIndex(of: "/")!)...]))
        nodes[parent]?.childrenVersion += 1
        fire(FakeZooKeeperCode.nodeCreated, path, data: true, children: false)
        fire(FakeZooKeeperCode.nodeChildrenChanged, parent, data: false, children: true)
        return FakeZooKeeperCode.ok
    }

    func setData(_ path: String, data: [UInt8], version: Int32) -> Int32 {
        guard let node = nodes[path] else { return FakeZooKeeperCode.noNode }
        guard version == -1 || version == node.version else { return FakeZooKeeperCode.badVersion }
        zxid += 1
        nodes[path]?.data = data
        nodes[path]?.version += 1
        fire(FakeZooKeeperCode.nodeDataChanged, path, data: true, children: false)
        return FakeZooKeeperCode.ok
    }

    func delete(_ path: String, version: Int32) -> Int32 {
        guard let node = nodes[path], let parent = Self.parent(of: path) else { return FakeZooKeeperCode.noNode }
        guard node.children.isEmpty else { return FakeZooKeeperCode.notEmpty }
        guard version == -1 || version == node.version else { return FakeZooKeeperCode.badVersion }
        zxid += 1
        nodes[path] = nil
        nodes[parent]?.children.remove(String(path[path.index(after: path.lastIndex(of: "/")!)...]))
        nodes[parent]?.childrenVersion += 1
        fire(FakeZooKeeperCode.nodeDeleted, path, data: true, children: true)
        fire(FakeZooKeeperCode.nodeChildrenChanged, parent, data: false, children: true)
        return FakeZooKeeperCode.ok
    }

    func put(_ path: String, _ data: [UInt8]) {
        var ancestor = ""
        for part in path.split(separator: "/").dropLast() {
            ancestor += "/" + part
            _ = create(ancestor, data: [])
        }
        if create(path, data: data) == FakeZooKeeperCode.nodeExists {
            _ = setData(path, data: data, version: -1)
        }
    }

    func deleteRecursively(_ path: String) {
        guard let node = nodes[path] else { return }
        for child in node.children {
            deleteRecursively(path == "/" ? "/" + child : path + "/" + child)
        }
        _ = delete(path, version: -1)
    }

    /// Watches are one-shot: each fires once and is gone.
    private func fire(_ type: Int32, _ path: String, data: Bool, children: Bool) {
        for session in sessions.values {
            let hadData = data && session.dataWatches.remove(path) != nil
            let hadChild = children && session.childWatches.remove(path) != nil
            guard hadData || hadChild else { continue }
            let frame = ByteBuffer.fakeZKFrame { buffer in
                buffer.writeInteger(Int32(-1), endianness: .big)  // xid of a notification
                buffer.writeInteger(Int64(-1), endianness: .big)
                buffer.writeInteger(FakeZooKeeperCode.ok, endianness: .big)
                buffer.writeInteger(type, endianness: .big)
                buffer.writeInteger(Int32(3), endianness: .big)  // SyncConnected
                buffer.fakeZKWriteString(path)
            }
            session.channel.writeAndFlush(frame, promise: nil)
        }
    }
}

/// One client connection: the connect handshake, then request/reply.
final class FakeZooKeeperSessionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let tree: FakeZooKeeperTree
    private var session: FakeZooKeeperTree.Session?

    init(tree: FakeZooKeeperTree) {
        self.tree = tree
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var frame = unwrapInboundIn(data)
        do {
            if let session {
                if tree.unresponsive { return }
                try handleRequest(&frame, session: session, context: context)
            } else {
                try handleConnect(&frame, context: context)
            }
        } catch {
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let session { tree.sessions[session.id] = nil }
        context.fireChannelInactive()
    }

    private func handleConnect(_ frame: inout ByteBuffer, context: ChannelHandlerContext) throws {
        _ = try frame.fakeZKReadInt()  // protocol version
        _ = try frame.fakeZKReadLong()  // last zxid seen
        let timeout = try frame.fakeZKReadInt()
        _ = try frame.fakeZKReadLong()  // session id: never resumed here
        _ = try frame.fakeZKReadBytes()  // password
        let session = tree.openSession(channel: context.channel)
        self.session = session
        let reply = ByteBuffer.fakeZKFrame { buffer in
            buffer.writeInteger(Int32(0), endianness: .big)
            buffer.writeInteger(timeout, endianness: .big)
            buffer.writeInteger(session.id, endianness: .big)
            buffer.fakeZKWriteBytes(Array(repeating: 0, count: 16))
            buffer.writeInteger(UInt8(0))  // not read-only
        }
        context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
    }

    private func handleRequest(_ frame: inout ByteBuffer, session: FakeZooKeeperTree.Session, context: ChannelHandlerContext) throws {
        let xid = try frame.fakeZKReadInt()
        let opCode = try frame.fakeZKReadInt()
        var code = FakeZooKeeperCode.ok
        var body = ByteBuffer()
        switch opCode {
        case 11:  // ping
            break
        case -11:  // closeSession
            reply(xid: xid, code: code, body: body, context: context)
            context.close(promise: nil)
            return
        case 3, 4:  // exists, getData
            let path = try frame.fakeZKReadString()
            let watch = try frame.fakeZKReadBool()
            if let node = tree.nodes[path] {
                if watch { session.dataWatches.insert(path) }
                if opCode == 4 { body.fakeZKWriteBytes(node.data) }
                writeStat(node, into: &body)
            } else {
                // An exists watch on an absent node waits for its creation; getData leaves none.
                if watch && opCode == 3 { session.dataWatches.insert(path) }
                code = FakeZooKeeperCode.noNode
            }
        case 8, 12:  // getChildren, getChildren2
            let path = try frame.fakeZKReadString()
            let watch = try frame.fakeZKReadBool()
            if let node = tree.nodes[path] {
                if watch { session.childWatches.insert(path) }
                body.writeInteger(Int32(node.children.count), endianness: .big)
                for child in node.children.sorted() { body.fakeZKWriteString(child) }
                if opCode == 12 { writeStat(node, into: &body) }
            } else {
                code = FakeZooKeeperCode.noNode
            }
        case 1:  // create: path, data, acl vector (ignored), flags (ignored)
            let path = try frame.fakeZKReadString()
            let data = try frame.fakeZKReadBytes()
            code = tree.create(path, data: data)
            if code == FakeZooKeeperCode.ok { body.fakeZKWriteString(path) }
        case 5:  // setData
            let path = try frame.fakeZKReadString()
            let data = try frame.fakeZKReadBytes()
            code = tree.setData(path, data: data, version: try frame.fakeZKReadInt())
            if code == FakeZooKeeperCode.ok, let node = tree.nodes[path] { writeStat(node, into: &body) }
        case 2:  // delete
            let path = try frame.fakeZKReadString()
            code = tree.delete(path, version: try frame.fakeZKReadInt())
        default:
            code = FakeZooKeeperCode.unimplemented
        }
        reply(xid: xid, code: code, body: code == FakeZooKeeperCode.ok ? body : ByteBuffer(), context: context)
    }

    private func writeStat(_ node: FakeZooKeeperTree.Node, into body: inout ByteBuffer) {
        body.fakeZKWriteStat(
            version: node.version, childrenVersion: node.childrenVersion, dataLength: node.data.count,
            numberOfChildren: node.children.count, zxid: tree.zxid)
    }

    private func reply(xid: Int32, code: Int32, body: ByteBuffer, context: ChannelHandlerContext) {
        var body = body
        let frame = ByteBuffer.fakeZKFrame { buffer in
            buffer.writeInteger(xid, endianness: .big)
            buffer.writeInteger(tree.zxid, endianness: .big)
            buffer.writeInteger(code, endianness: .big)
            buffer.writeBuffer(&body)
        }
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }
}

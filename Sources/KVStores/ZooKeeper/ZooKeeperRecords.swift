import NIOCore

/// Request types of ZooKeeper's client protocol (`ZooDefs.OpCode`), the subset this client sends.
enum ZooKeeperOpCode: Int32, Sendable {
    case create = 1
    case delete = 2
    case exists = 3
    case getData = 4
    case setData = 5
    case getChildren = 8
    case ping = 11
    case getChildren2 = 12
    case closeSession = -11
}

/// Reply error codes (`KeeperException.Code`) the client tells apart; anything else is reported by number.
enum ZooKeeperErrorCode {
    static let ok: Int32 = 0
    static let noNode: Int32 = -101
    static let nodeExists: Int32 = -110
    static let notEmpty: Int32 = -111
    static let sessionExpired: Int32 = -112
}

/// Reserved xids: notifications arrive with -1, ping replies with -2.
enum ZooKeeperXid {
    static let notification: Int32 = -1
    static let ping: Int32 = -2
}

/// The first frame a client sends; it has no request header.
struct ZooKeeperConnectRequest: Equatable {
    var protocolVersion: Int32 = 0
    var lastZxidSeen: Int64 = 0
    var timeoutMilliseconds: Int32
    var sessionID: Int64 = 0
    var password: [UInt8] = Array(repeating: 0, count: 16)
    var readOnly = false

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeJuteInt(protocolVersion)
        buffer.writeJuteLong(lastZxidSeen)
        buffer.writeJuteInt(timeoutMilliseconds)
        buffer.writeJuteLong(sessionID)
        buffer.writeJuteBuffer(password)
        buffer.writeJuteBool(readOnly)
    }

    static func decode(from buffer: inout ByteBuffer) throws -> ZooKeeperConnectRequest {
        var request = ZooKeeperConnectRequest(
            protocolVersion: try buffer.readJuteInt(),
            lastZxidSeen: try buffer.readJuteLong(),
            timeoutMilliseconds: try buffer.readJuteInt(),
            sessionID: try buffer.readJuteLong(),
            password: try buffer.readJuteBuffer()
        )
        // Clients older than 3.4 stop before the read-only flag.
        if buffer.readableBytes > 0 { request.readOnly = try buffer.readJuteBool() }
        return request
    }
}

/// The server's answer to the connect request. A timeout of 0 means the session was refused (expired).
struct ZooKeeperConnectResponse: Equatable {
    var protocolVersion: Int32
    var timeoutMilliseconds: Int32
    var sessionID: Int64
    var password: [UInt8]
    var readOnly = false

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeJuteInt(protocolVersion)
        buffer.writeJuteInt(timeoutMilliseconds)
        buffer.writeJuteLong(sessionID)
        buffer.writeJuteBuffer(password)
        buffer.writeJuteBool(readOnly)
    }

    static func decode(from buffer: inout ByteBuffer) throws -> ZooKeeperConnectResponse {
        var response = ZooKeeperConnectResponse(
            protocolVersion: try buffer.readJuteInt(),
            timeoutMilliseconds: try buffer.readJuteInt(),
            sessionID: try buffer.readJuteLong(),
            password: try buffer.readJuteBuffer()
        )
        if buffer.readableBytes > 0 { response.readOnly = try buffer.readJuteBool() }
        return response
    }
}

struct ZooKeeperRequestHeader: Equatable {
    var xid: Int32
    var opCode: Int32

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeJuteInt(xid)
        buffer.writeJuteInt(opCode)
    }

    static func decode(from buffer: inout ByteBuffer) throws -> ZooKeeperRequestHeader {
        ZooKeeperRequestHeader(xid: try buffer.readJuteInt(), opCode: try buffer.readJuteInt())
    }
}

struct ZooKeeperReplyHeader: Equatable {
    var xid: Int32
    var zxid: Int64
    var error: Int32

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeJuteInt(xid)
        buffer.writeJuteLong(zxid)
        buffer.writeJuteInt(error)
    }

    static func decode(from buffer: inout ByteBuffer) throws -> ZooKeeperReplyHeader {
        ZooKeeperReplyHeader(xid: try buffer.readJuteInt(), zxid: try buffer.readJuteLong(), error: try buffer.readJuteInt())
    }
}

/// A znode's metadata (`org.apache.zookeeper.data.Stat`), 68 bytes on the wire.
struct ZooKeeperStat: Equatable {
    var createdZxid: Int64 = 0
    var modifiedZxid: Int64 = 0
    var createdTime: Int64 = 0
    var modifiedTime: Int64 = 0
    var version: Int32 = 0
    var childrenVersion: Int32 = 0
    var aclVersion: Int32 = 0
    var ephemeralOwner: Int64 = 0
    var dataLength: Int32 = 0
    var numberOfChildren: Int32 = 0
    var childrenZxid: Int64 = 0

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeJuteLong(createdZxid)
        buffer.writeJuteLong(modifiedZxid)
        buffer.writeJuteLong(createdTime)
        buffer.writeJuteLong(modifiedTime)
        buffer.writeJuteInt(version)
        buffer.writeJuteInt(childrenVersion)
        buffer.writeJuteInt(aclVersion)
        buffer.writeJuteLong(ephemeralOwner)
        buffer.writeJuteInt(dataLength)
        buffer.writeJuteInt(numberOfChildren)
        buffer.writeJuteLong(childrenZxid)
    }

    static func decode(from buffer: inout ByteBuffer) throws -> ZooKeeperStat {
        ZooKeeperStat(
            createdZxid: try buffer.readJuteLong(),
            modifiedZxid: try buffer.readJuteLong(),
            createdTime: try buffer.readJuteLong(),
            modifiedTime: try buffer.readJuteLong(),
            version: try buffer.readJuteInt(),
            childrenVersion: try buffer.readJuteInt(),
            aclVersion: try buffer.readJuteInt(),
            ephemeralOwner: try buffer.readJuteLong(),
            dataLength: try buffer.readJuteInt(),
            numberOfChildren: try buffer.readJuteInt(),
            childrenZxid: try buffer.readJuteLong()
        )
    }
}

/// A watch notification (`WatcherEvent`), sent with xid -1.
struct ZooKeeperWatcherEvent: Equatable {
    /// `Watcher.Event.EventType`: None -1, NodeCreated 1, NodeDeleted 2, NodeDataChanged 3, NodeChildrenChanged 4.
    var type: Int32
    /// `Watcher.Event.KeeperState`: SyncConnected 3, Disconnected 0, Expired -112.
    var state: Int32
    var path: String

    static let typeNone: Int32 = -1
    static let stateExpired: Int32 = -112
    static let stateDisconnected: Int32 = 0

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeJuteInt(type)
        buffer.writeJuteInt(state)
        buffer.writeJuteString(path)
    }

    static func decode(from buffer: inout ByteBuffer) throws -> ZooKeeperWatcherEvent {
        ZooKeeperWatcherEvent(type: try buffer.readJuteInt(), state: try buffer.readJuteInt(), path: try buffer.readJuteString())
    }
}

/// Request bodies the client sends, each encoded after the request header.
enum ZooKeeperRequestBody: Equatable {
    /// exists, getData, getChildren, getChildren2 share one shape: path + watch flag.
    case pathAndWatch(path: String, watch: Bool)
    /// Persistent node, world-readable/writable (`OPEN_ACL_UNSAFE`).
    case create(path: String, data: [UInt8])
    /// `version` -1 matches any version.
    case setData(path: String, data: [UInt8], version: Int32)
    case delete(path: String, version: Int32)
    case empty

    /// `ZooDefs.Perms.ALL`, granted to `world:anyone`.
    static let openACLPermissions: Int32 = 31

    func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .pathAndWatch(let path, let watch):
            buffer.writeJuteString(path)
            buffer.writeJuteBool(watch)
        case .create(let path, let data):
            buffer.writeJuteString(path)
            buffer.writeJuteBuffer(data)
            buffer.writeJuteInt(1)  // one ACL entry
            buffer.writeJuteInt(Self.openACLPermissions)
            buffer.writeJuteString("world")
            buffer.writeJuteString("anyone")
            buffer.writeJuteInt(0)  // flags: persistent
        case .setData(let path, let data, let version):
            buffer.writeJuteString(path)
            buffer.writeJuteBuffer(data)
            buffer.writeJuteInt(version)
        case .delete(let path, let version):
            buffer.writeJuteString(path)
            buffer.writeJuteInt(version)
        case .empty:
            break
        }
    }
}

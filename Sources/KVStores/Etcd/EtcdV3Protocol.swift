import Foundation

/// Requests and replies of etcd's v3 JSON gateway (`/v3/kv/range`, `/v3/watch`), as pure functions.
/// Keys and values travel base64-encoded; 64-bit numbers are JSON strings.
enum EtcdV3Protocol {
    struct Header: Decodable {
        var revision: String?
    }

    struct KeyValue: Decodable {
        var key: String
        var value: String?
    }

    struct RangeReply: Decodable {
        var header: Header?
        var kvs: [KeyValue]?
    }

    struct WatchEvent: Decodable {
        var kv: KeyValue?
    }

    struct WatchResult: Decodable {
        var header: Header?
        var created: Bool?
        var canceled: Bool?
        var compact_revision: String?
        var cancel_reason: String?
        var events: [WatchEvent]?
    }

    struct GatewayError: Decodable {
        var message: String?
        var code: Int?
    }

    struct WatchMessage: Decodable {
        var result: WatchResult?
        var error: GatewayError?
    }

    struct Listing: Equatable {
        var entries: [KVEntry]
        /// The store revision the listing was read at; a watch starts right after it.
        var revision: Int64
    }

    enum WatchReply: Equatable {
        case created
        /// Events arrived; `relevant` is false when none lies at or below the prefix (the range is a string prefix).
        case events(relevant: Bool)
        /// The start revision was compacted away: list again and watch from the fresh revision.
        case compacted
        case canceled(reason: String)
        /// Progress notifications and other messages that say nothing changed.
        case nothing
    }

    static let rangePath = "/v3/kv/range"
    static let watchPath = "/v3/watch"

    struct RangeRequest: Encodable {
        var key: String
        var range_end: String
    }

    struct WatchCreateRequest: Encodable {
        var key: String
        var range_end: String
        var start_revision: String
    }

    struct WatchRequest: Encodable {
        var create_request: WatchCreateRequest
    }

    static func rangeBody(prefix: String) -> [UInt8] {
        let (start, end) = range(prefix: prefix)
        return json(RangeRequest(key: base64(start), range_end: base64(end)))
    }

    static func watchBody(prefix: String, startRevision: Int64) -> [UInt8] {
        let (start, end) = range(prefix: prefix)
        return json(
            WatchRequest(
                create_request: WatchCreateRequest(
                    key: base64(start), range_end: base64(end), start_revision: String(startRevision))))
    }

    static func parseRange(status: Int, body: [UInt8], prefix: String) throws -> Listing {
        guard status == 200 else { throw gatewayError(status: status, body: body) }
        let reply = try decode(RangeReply.self, body)
        guard let revision = reply.header?.revision.flatMap({ Int64($0) }) else {
            throw UnusableReply("range reply without header.revision")
        }
        let normalizedPrefix = KVKeyPath.normalised(prefix)
        let entries = try (reply.kvs ?? []).compactMap { pair -> KVEntry? in
            let key = HTTPKVPath.normalizedKey(try decodeBase64Text(pair.key))
            guard KVKeyPath.isAtOrBelow(key, prefix: normalizedPrefix) else { return nil }
            return KVEntry(key: key, value: try pair.value.map(decodeBase64Text) ?? "")
        }
        return Listing(entries: entries.sorted { $0.key < $1.key }, revision: revision)
    }

    /// One JSON object of the watch stream.
    static func parseWatchMessage(_ line: [UInt8], prefix: String) throws -> WatchReply {
        let message = try decode(WatchMessage.self, line)
        if let error = message.error {
            throw UnusableReply("watch error \(error.code ?? -1): \(error.message ?? "")")
        }
        guard let result = message.result else { return .nothing }
        if result.canceled == true {
            if result.compact_revision.flatMap({ Int64($0) }).map({ $0 > 0 }) == true { return .compacted }
            return .canceled(reason: result.cancel_reason ?? "canceled by the server")
        }
        if result.created == true { return .created }
        guard let events = result.events, !events.isEmpty else { return .nothing }
        let normalizedPrefix = KVKeyPath.normalised(prefix)
        let relevant = events.contains { event in
            guard let encoded = event.kv?.key, let key = try? decodeBase64Text(encoded) else { return true }
            return KVKeyPath.isAtOrBelow(HTTPKVPath.normalizedKey(key), prefix: normalizedPrefix)
        }
        return .events(relevant: relevant)
    }

    /// The key range holding every key that starts with the prefix: `[prefix, prefix with its last byte + 1)`.
    /// The root lists everything (`\0` to `\0`, etcd's "all keys").
    static func range(prefix: String) -> (start: [UInt8], end: [UInt8]) {
        let normalized = KVKeyPath.normalised(prefix)
        guard normalized != "/" else { return ([0], [0]) }
        let start = Array(normalized.utf8)
        var end = start
        while let last = end.last {
            if last < 0xFF {
                end[end.count - 1] = last + 1
                return (start, end)
            }
            end.removeLast()
        }
        return (start, [0])
    }

    private static func gatewayError(status: Int, body: [UInt8]) -> UnusableReply {
        let message = (try? JSONDecoder().decode(GatewayError.self, from: Data(body)))?.message
        return UnusableReply("HTTP \(status): \(message ?? String(decoding: body.prefix(200), as: UTF8.self))")
    }

    private static func decodeBase64Text(_ encoded: String) throws -> String {
        guard let data = Data(base64Encoded: encoded) else { throw UnusableReply("invalid base64 \(encoded)") }
        return String(decoding: data, as: UTF8.self)
    }

    private static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    private static func json(_ value: some Encodable) -> [UInt8] {
        // Structs of strings only, which always encode.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Array((try? encoder.encode(value)) ?? Data())
    }

    private static func decode<Value: Decodable>(_ type: Value.Type, _ body: [UInt8]) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch {
            throw UnusableReply("undecodable JSON (\(error))")
        }
    }
}

/// Splits the watch stream into its newline-separated JSON objects, whatever the chunking.
struct JSONLineSplitter {
    private var pending: [UInt8] = []

    mutating func append(_ chunk: [UInt8]) -> [[UInt8]] {
        pending += chunk
        var lines: [[UInt8]] = []
        while let newline = pending.firstIndex(of: 0x0A) {
            let line = Array(pending[..<newline])
            pending.removeSubrange(...newline)
            if line.contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) { lines.append(line) }
        }
        return lines
    }
}

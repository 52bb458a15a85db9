/// One message of the Engine's `/events` stream. Old engines send `{"status":"start","id":…}`, newer ones add
/// `Type`, `Action` and `Actor`; both spellings are read.
public struct DockerEvent: Sendable, Equatable {
    public var type: String?
    public var action: String

    public init(type: String? = nil, action: String) {
        self.type = type
        self.action = action
    }

    init(_ json: DockerJSON) {
        type = json["Type"].string
        action = json["Action"].string ?? json["status"].string ?? ""
    }

    /// Only a container starting or dying changes what is served (spec §10.1); `create`, `exec_start`, network and
    /// volume events do not.
    public var changesRoutes: Bool {
        (type == nil || type == "container") && (action == "start" || action == "die")
    }
}

/// Cuts the `/events` body into JSON objects, however the chunks fall: one object per line or objects back to back,
/// an object split across chunks, several in one chunk. Quotes and escapes are tracked so braces inside strings
/// do not count.
public struct DockerEventDecoder: Sendable {
    private var pending: [UInt8] = []
    private var depth = 0
    private var inString = false
    private var escaped = false
    /// Where the object being scanned starts in `pending`, once its `{` is seen.
    private var objectStart: Int?
    private var scanned = 0

    /// Longest object accepted; a stream that never closes an object is broken, not slow.
    public static let maximumEventSize = 1 << 20

    public init() {}

    /// The events completed by `bytes`. Throws on bytes that cannot be Docker's stream.
    public mutating func feed(_ bytes: [UInt8]) throws -> [DockerEvent] {
        pending += bytes
        var events: [DockerEvent] = []
        while scanned < pending.count {
            let byte = pending[scanned]
            defer { scanned += 1 }
            if inString {
                if escaped { escaped = false }
                else if byte == UInt8(ascii: "\\") { escaped = true }
                else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                guard objectStart != nil else { throw DockerEngineError("/events: text outside a JSON object") }
                inString = true
            case UInt8(ascii: "{"):
                if depth == 0 { objectStart = scanned }
                depth += 1
            case UInt8(ascii: "}"):
                guard depth > 0, let start = objectStart else { throw DockerEngineError("/events: unbalanced }") }
                depth -= 1
                if depth == 0 {
                    events.append(DockerEvent(try DockerJSON(parsing: Array(pending[start...scanned]))))
                    objectStart = nil
                }
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                continue
            default:
                guard objectStart != nil else { throw DockerEngineError("/events: text outside a JSON object") }
            }
        }
        // Drop what is consumed: everything before the open object, or everything when none is open.
        let keep = objectStart ?? pending.count
        if keep > 0 {
            pending.removeFirst(keep)
            scanned -= keep
            objectStart = objectStart.map { $0 - keep }
        }
        guard pending.count <= Self.maximumEventSize else {
            throw DockerEngineError("/events: an event over \(Self.maximumEventSize) bytes")
        }
        return events
    }
}

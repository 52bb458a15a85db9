/// One event of a `text/event-stream` body.
public struct ServerSentEvent: Sendable, Equatable {
    /// The `event:` field; `message` when the event had none.
    public var type: String
    /// The `data:` lines joined with `\n`.
    public var data: String

    public init(type: String, data: String) {
        self.type = type
        self.data = data
    }
}

/// Splits a `text/event-stream` body (as Marathon's `/v2/events` sends it) into events, following the WHATWG
/// parsing rules: lines end with LF, CRLF or CR; `:` starts a comment; a field's one leading space is dropped;
/// several `data:` lines join with `\n`; a blank line dispatches; an event without data is dropped. Bytes may be
/// fed in chunks cut anywhere, even inside a CRLF or a UTF-8 sequence.
public struct ServerSentEventParser: Sendable {
    /// A single line longer than this is refused rather than buffered without bound.
    public static let maximumLineLength = 16 << 20

    private var line: [UInt8] = []
    /// The previous byte was a CR: an LF right after it belongs to the same line end.
    private var afterCR = false
    private var type = ""
    private var data: [String] = []

    public init() {}

    public struct LineTooLong: Error, CustomStringConvertible {
        public var description: String { "event stream line over \(ServerSentEventParser.maximumLineLength) bytes" }
    }

    /// The events completed by `bytes`.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\n") where afterCR:
                afterCR = false
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                afterCR = byte == UInt8(ascii: "\r")
                if let event = endLine() { events.append(event) }
            default:
                afterCR = false
                guard line.count < Self.maximumLineLength else { throw LineTooLong() }
                line.append(byte)
            }
        }
        return events
    }

    private mutating func endLine() -> ServerSentEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        guard !line.isEmpty else { return dispatch() }
        guard line[0] != UInt8(ascii: ":") else { return nil }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        let field = String(decoding: line[..<colon], as: UTF8.self)
        var valueStart = colon < line.endIndex ? colon + 1 : colon
        if valueStart < line.endIndex && line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let value = String(decoding: line[valueStart...], as: UTF8.self)
        switch field {
        case "event": type = value
        case "data": data.append(value)
        default: break  // id, retry and unknown fields do not matter here
        }
        return nil
    }

    private mutating func dispatch() -> ServerSentEvent? {
        defer {
            type = ""
            data = []
        }
        guard !data.isEmpty else { return nil }
        return ServerSentEvent(type: type.isEmpty ? "message" : type, data: data.joined(separator: "\n"))
    }
}

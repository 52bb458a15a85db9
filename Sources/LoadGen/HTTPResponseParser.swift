/// What loadgen needs to know about one response.
public struct ParsedResponse: Sendable, Equatable {
    public var status: Int
    public var isHTTP10: Bool
    /// Bytes of the status line and headers (of the final response, plus any 1xx interim responses).
    public var headerBytes: Int
    /// Body payload bytes (chunk framing excluded): ab's "Document Length".
    public var bodyBytes: Int
    /// Whether the server lets the connection carry another request.
    public var keepAlive: Bool
    /// The `Server` header: ab's "Server Software".
    public var server: String?

    public init(status: Int, isHTTP10: Bool, headerBytes: Int, bodyBytes: Int, keepAlive: Bool, server: String? = nil) {
        self.status = status
        self.isHTTP10 = isHTTP10
        self.headerBytes = headerBytes
        self.bodyBytes = bodyBytes
        self.keepAlive = keepAlive
        self.server = server
    }
}

public enum ResponseParseError: Error, Equatable, Sendable {
    case malformedStatusLine
    case malformedHeader
    case invalidContentLength
    case invalidChunkSize
    case missingChunkTerminator
    case lineTooLong
    /// Bytes arrived after a complete response although loadgen never pipelines.
    case unexpectedBytes
}

/// An incremental HTTP/1 response parser: feed it bytes as they arrive, in any split.
///
/// Bodies are framed by `Content-Length`, `Transfer-Encoding: chunked`, or the end of the connection.
/// Only the framing and the few headers loadgen reports are interpreted; everything else is skipped.
public struct HTTPResponseParser: Sendable {
    public enum Progress: Equatable, Sendable {
        case needMoreBytes
        /// A response ended after `consumed` bytes of the input just given.
        case complete(ParsedResponse, consumed: Int)
    }

    public enum EndOfInput: Equatable, Sendable {
        /// The connection closed before any byte of a response.
        case nothingReceived
        /// The connection's end completed a body framed by the close.
        case complete(ParsedResponse)
        /// The connection closed in the middle of a response.
        case truncated
    }

    private enum State: Sendable {
        case statusLine, headerLines, chunkSizeLine, chunkDataEnd, trailerLines
        case fixedBody(remaining: Int)
        case chunkData(remaining: Int)
        case untilClose
        case done

        var isResponseHead: Bool {
            switch self {
            case .statusLine, .headerLines: true
            default: false
            }
        }
    }

    private static let maximumLineLength = 16 * 1024
    private let expectsBody: Bool
    private var state = State.statusLine
    private var line: [UInt8] = []
    private var response = ParsedResponse(status: 0, isHTTP10: false, headerBytes: 0, bodyBytes: 0, keepAlive: false)
    private var contentLength: Int?
    private var isChunked = false
    private var isFramedByClose = false
    private var saysClose = false
    private var saysKeepAlive = false
    private var receivedAnything = false

    /// `expectsBody` is false for HEAD requests, whose responses announce a length but carry no body.
    public init(expectsBody: Bool = true) {
        self.expectsBody = expectsBody
    }

    /// Ready for the next response on the same connection.
    public mutating func reset() {
        self = HTTPResponseParser(expectsBody: expectsBody)
    }

    public mutating func parse(_ bytes: [UInt8]) throws(ResponseParseError) -> Progress {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(ResponseParseError) in try parse(buffer) }
        }
        return try result.get()
    }

    public mutating func parse(_ bytes: UnsafeRawBufferPointer) throws(ResponseParseError) -> Progress {
        if case .done = state {
            if bytes.isEmpty { return .needMoreBytes }
            throw .unexpectedBytes
        }
        if !bytes.isEmpty { receivedAnything = true }
        var index = 0
        while index < bytes.count {
            switch state {
            case .fixedBody(let remaining):
                let taken = min(remaining, bytes.count - index)
                index += taken
                response.bodyBytes += taken
                if taken == remaining {
                    state = .done
                    return .complete(finishedResponse(), consumed: index)
                }
                state = .fixedBody(remaining: remaining - taken)
            case .chunkData(let remaining):
                let taken = min(remaining, bytes.count - index)
                index += taken
                response.bodyBytes += taken
                state = taken == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - taken)
            case .untilClose:
                response.bodyBytes += bytes.count - index
                index = bytes.count
            case .done:
                throw .unexpectedBytes
            case .statusLine, .headerLines, .chunkSizeLine, .chunkDataEnd, .trailerLines:
                let byte = bytes[index]
                index += 1
                if state.isResponseHead { response.headerBytes += 1 }
                guard byte == UInt8(ascii: "\n") else {
                    guard line.count < Self.maximumLineLength else { throw .lineTooLong }
                    line.append(byte)
                    continue
                }
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                try handleLine()
                line.removeAll(keepingCapacity: true)
                if case .done = state { return .complete(finishedResponse(), consumed: index) }
            }
        }
        return .needMoreBytes
    }

    /// Tells the parser the connection ended.
    public mutating func endOfInput() -> EndOfInput {
        switch state {
        case .untilClose:
            state = .done
            return .complete(finishedResponse())
        case .statusLine where !receivedAnything:
            return .nothingReceived
        default:
            return .truncated
        }
    }

    private mutating func handleLine() throws(ResponseParseError) {
        switch state {
        case .statusLine: try parseStatusLine()
        case .headerLines:
            if line.isEmpty { try endOfHeaders() } else { try parseHeaderLine() }
        case .chunkSizeLine: try parseChunkSize()
        case .chunkDataEnd:
            guard line.isEmpty else { throw .missingChunkTerminator }
            state = .chunkSizeLine
        case .trailerLines:
            if line.isEmpty { state = .done }
        case .fixedBody, .chunkData, .untilClose, .done:
            preconditionFailure("lines are only read in line states")
        }
    }

    private mutating func parseStatusLine() throws(ResponseParseError) {
        // "HTTP/1.x SSS reason": the reason phrase is optional.
        let prefix = Array("HTTP/1.".utf8)
        guard line.count >= 12, line.starts(with: prefix), line[8] == UInt8(ascii: " ") else {
            throw .malformedStatusLine
        }
        switch line[7] {
        case UInt8(ascii: "0"): response.isHTTP10 = true
        case UInt8(ascii: "1"): response.isHTTP10 = false
        default: throw .malformedStatusLine
        }
        var status = 0
        for byte in line[9..<12] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { throw .malformedStatusLine }
            status = status * 10 + Int(byte - UInt8(ascii: "0"))
        }
        guard status >= 100, line.count == 12 || line[12] == UInt8(ascii: " ") else { throw .malformedStatusLine }
        response.status = status
        state = .headerLines
    }

    private mutating func parseHeaderLine() throws(ResponseParseError) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { throw .malformedHeader }
        let name = line[..<colon]
        guard !name.contains(UInt8(ascii: " ")), !name.contains(UInt8(ascii: "\t")) else { throw .malformedHeader }
        let value = Self.trimmed(line[(colon + 1)...])
        if Self.equalsIgnoringCase(name, "content-length") {
            guard !value.isEmpty, value.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                let length = Int(String(decoding: value, as: UTF8.self)),
                contentLength == nil || contentLength == length
            else { throw .invalidContentLength }
            contentLength = length
        } else if Self.equalsIgnoringCase(name, "transfer-encoding") {
            // Only a final "chunked" coding frames the body; any other coding means "until close".
            let codings = String(decoding: value, as: UTF8.self).lowercased().split(separator: ",")
            isChunked = codings.last.map { $0.trimmingSpaces() == "chunked" } ?? false
            isFramedByClose = !isChunked
        } else if Self.equalsIgnoringCase(name, "connection") {
            for token in String(decoding: value, as: UTF8.self).lowercased().split(separator: ",") {
                switch token.trimmingSpaces() {
                case "close": saysClose = true
                case "keep-alive": saysKeepAlive = true
                default: break
                }
            }
        } else if Self.equalsIgnoringCase(name, "server") {
            response.server = String(decoding: value, as: UTF8.self)
        }
    }

    private mutating func endOfHeaders() throws(ResponseParseError) {
        let status = response.status
        if (100..<200).contains(status), status != 101 {
            // An interim response: the real one follows on the same connection.
            let interimBytes = response.headerBytes
            let isHTTP10 = response.isHTTP10
            reset()
            receivedAnything = true
            response.headerBytes = interimBytes
            response.isHTTP10 = isHTTP10
            return
        }
        if !expectsBody || status == 204 || status == 304 || (100..<200).contains(status) {
            state = .done
        } else if isChunked {
            state = .chunkSizeLine
        } else if let contentLength, !isFramedByClose {
            state = contentLength == 0 ? .done : .fixedBody(remaining: contentLength)
        } else {
            isFramedByClose = true
            state = .untilClose
        }
    }

    private mutating func parseChunkSize() throws(ResponseParseError) {
        var size = 0
        var digits = 0
        for byte in line {
            let digit: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = Int(byte - UInt8(ascii: "A")) + 10
            case UInt8(ascii: ";"), UInt8(ascii: " "), UInt8(ascii: "\t"):
                // Chunk extensions and whitespace after the size are ignored.
                guard digits > 0 else { throw .invalidChunkSize }
                return startChunk(size: size)
            default: throw .invalidChunkSize
            }
            digits += 1
            guard digits <= 15 else { throw .invalidChunkSize }
            size = size * 16 + digit
        }
        guard digits > 0 else { throw .invalidChunkSize }
        startChunk(size: size)
    }

    private mutating func startChunk(size: Int) {
        state = size == 0 ? .trailerLines : .chunkData(remaining: size)
    }

    private func finishedResponse() -> ParsedResponse {
        var finished = response
        if isFramedByClose {
            finished.keepAlive = false
        } else if response.isHTTP10 {
            finished.keepAlive = saysKeepAlive && !saysClose
        } else {
            finished.keepAlive = !saysClose
        }
        return finished
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return [] }
        return bytes[first...last]
    }

    private static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        return lowercase.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { byte, expectedByte in
                let lowered = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
                return lowered == expectedByte
            }
        }
    }
}
